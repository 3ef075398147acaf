// Signing in against the identity service: its tokens are kept for this tab only
// (sessionStorage), and the access token is renewed with the refresh token shortly
// before it expires.
import { identity } from "../api/client";
import { asProblem, type Problem } from "../api/problems";
import type { IdentityAuth } from "./provider";
import { sessionFromToken, sessionStore } from "./session";

const STORAGE_KEY = "identity.tokens";
const RENEW_BEFORE_MS = 30_000;

interface Tokens {
  access_token: string;
  refresh_token: string;
}

export function identityAuth(storage: Storage = sessionStorage): IdentityAuth {
  const store = sessionStore();
  let renewal: ReturnType<typeof setTimeout> | undefined;

  function keep(tokens: Tokens | null): void {
    clearTimeout(renewal);
    const session = tokens ? sessionFromToken(tokens.access_token) : null;
    if (tokens && session) {
      storage.setItem(STORAGE_KEY, JSON.stringify(tokens));
      const delay = Math.max(session.expiresAt - Date.now() - RENEW_BEFORE_MS, 0);
      renewal = setTimeout(() => void renew(tokens.refresh_token), delay);
    } else {
      storage.removeItem(STORAGE_KEY);
    }
    store.set(session);
  }

  async function renew(refreshToken: string): Promise<void> {
    const { data } = await identity.POST("/tokens/refresh/", { body: { refresh_token: refreshToken } });
    keep(data ? (data as Tokens) : null);
  }

  const stored = storage.getItem(STORAGE_KEY);
  if (stored) {
    const tokens = JSON.parse(stored) as Tokens;
    if (sessionFromToken(tokens.access_token).expiresAt > Date.now() + RENEW_BEFORE_MS) {
      keep(tokens);
    } else {
      void renew(tokens.refresh_token);
    }
  }

  async function signIn(email: string, password: string): Promise<Problem | null> {
    const { data, error, response } = await identity.POST("/tokens/", { body: { email, password } });
    if (!data) {
      return asProblem(error, response.status);
    }
    keep(data as Tokens);
    return null;
  }

  return {
    kind: "identity",
    current: store.current,
    subscribe: store.subscribe,
    signIn,
    async signUp(email, password, fullName) {
      const { error, response } = await identity.POST("/accounts/", {
        body: { email, password, full_name: fullName },
      });
      if (!response.ok) {
        return asProblem(error, response.status);
      }
      return signIn(email, password);
    },
    async signOut() {
      const stored = storage.getItem(STORAGE_KEY);
      if (stored) {
        const { refresh_token } = JSON.parse(stored) as Tokens;
        await identity.POST("/tokens/revoke/", { body: { refresh_token } });
      }
      keep(null);
    },
  };
}
