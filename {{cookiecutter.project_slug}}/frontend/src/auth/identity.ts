// Signing in against the identity service. Its tokens are kept in the origin's
// localStorage, which every tab of the shop shares, and the access token is renewed
// with the refresh token shortly before it expires.
//
// A refresh token works once: two tabs renewing with the same one would make the
// identity service revoke the sign-in (it takes the second use for a stolen token).
// So renewals take turns across tabs (the Web Locks API), and a tab whose turn comes
// after another's renewal adopts the tokens that one stored. Only an answer saying
// the refresh token is no good (401) signs the person out; a refusal to answer now
// (429, 5xx, no network) is tried again later, for as long as it takes.
import { identity } from "../api/client";
import { asProblem, type Problem } from "../api/problems";
import type { IdentityAuth } from "./provider";
import { sessionFromToken, sessionStore } from "./session";

const STORAGE_KEY = "identity.tokens";
const LOCK_NAME = "identity.tokens";
const RENEW_BEFORE_MS = 30_000;
const RETRY_FIRST_MS = 2_000;
const RETRY_MOST_MS = 60_000;

/** What signing up says when the password does not sign in: the address has an account. */
export const SIGN_IN_INSTEAD: Problem = {
  type: "about:blank",
  title: "Sign in instead",
  status: 401,
  detail:
    "This password does not sign in with this address. If the address is yours, log in with your " +
    "password; its owner has been told by e-mail that someone tried to sign up with it.",
  code: "sign_in_instead",
};

export interface Tokens {
  access_token: string;
  refresh_token: string;
}

/** What the identity service answered a renewal: new tokens, or why not. */
export interface Renewal {
  tokens: Tokens | null;
  /** The HTTP status; 0 when no answer came. */
  status: number;
  /** Seconds the service asked to wait (Retry-After), if it did. */
  retryAfter: number | null;
}

/** The part of the Web Locks API used here: one holder of a name at a time, across tabs. */
export interface Locks {
  request<T>(name: string, callback: () => Promise<T>): Promise<T>;
}

export interface IdentityAuthOptions {
  storage?: Storage;
  locks?: Locks | null;
  renew?: (refreshToken: string) => Promise<Renewal>;
}

async function renewAtIdentity(refreshToken: string): Promise<Renewal> {
  const { data, response } = await identity.POST("/tokens/refresh/", {
    body: { refresh_token: refreshToken },
  });
  const retryAfter = Number(response.headers.get("Retry-After"));
  return {
    tokens: (data as Tokens | undefined) ?? null,
    status: response.status,
    retryAfter: retryAfter > 0 ? retryAfter : null,
  };
}

function browserLocks(): Locks | null {
  return (globalThis.navigator?.locks as Locks | undefined) ?? null;
}

export function identityAuth({
  storage = localStorage,
  locks = browserLocks(),
  renew = renewAtIdentity,
}: IdentityAuthOptions = {}): IdentityAuth {
  const store = sessionStore();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let retries = 0;

  function stored(): Tokens | null {
    const value = storage.getItem(STORAGE_KEY);
    return value ? (JSON.parse(value) as Tokens) : null;
  }

  /** Take `tokens` as this tab's session (none: signed out), and plan its renewal. */
  function adopt(tokens: Tokens | null): void {
    clearTimeout(timer);
    const session = tokens ? sessionFromToken(tokens.access_token) : null;
    if (tokens && session) {
      const delay = Math.max(session.expiresAt - Date.now() - RENEW_BEFORE_MS, 0);
      timer = setTimeout(() => void renewInTurn(tokens.refresh_token), delay);
    }
    store.set(session);
  }

  function keep(tokens: Tokens | null): void {
    if (tokens) {
      storage.setItem(STORAGE_KEY, JSON.stringify(tokens));
    } else {
      storage.removeItem(STORAGE_KEY);
    }
    adopt(tokens);
  }

  function inTurn<T>(callback: () => Promise<T>): Promise<T> {
    return locks ? locks.request(LOCK_NAME, callback) : callback();
  }

  function renewInTurn(refreshToken: string): Promise<void> {
    return inTurn(async () => {
      const current = stored();
      if (current?.refresh_token !== refreshToken) {
        // Another tab renewed (or signed out) while this one waited: take what it left.
        adopt(current);
        return;
      }
      let renewal: Renewal;
      try {
        renewal = await renew(refreshToken);
      } catch {
        renewal = { tokens: null, status: 0, retryAfter: null };
      }
      if (renewal.tokens) {
        retries = 0;
        keep(renewal.tokens);
      } else if (renewal.status === 401) {
        keep(null);
      } else {
        const backoff = Math.min(RETRY_FIRST_MS * 2 ** retries, RETRY_MOST_MS);
        retries += 1;
        clearTimeout(timer);
        timer = setTimeout(
          () => void renewInTurn(refreshToken),
          renewal.retryAfter ? renewal.retryAfter * 1000 : backoff,
        );
      }
    });
  }

  // What another tab stores (a renewal, a sign-in, a sign-out) is this tab's too.
  globalThis.addEventListener?.("storage", (event: StorageEvent) => {
    if (event.storageArea === storage && event.key === STORAGE_KEY) {
      adopt(stored());
    }
  });

  const initial = stored();
  if (initial) {
    if (sessionFromToken(initial.access_token).expiresAt > Date.now() + RENEW_BEFORE_MS) {
      adopt(initial);
    } else {
      void renewInTurn(initial.refresh_token);
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
      // Registering answers alike whether the address was new or had an account (whose
      // owner is then told by e-mail); signing in with the new password is what tells.
      const problem = await signIn(email, password);
      return problem?.status === 401 ? SIGN_IN_INSTEAD : problem;
    },
    async signOut() {
      const tokens = stored();
      if (tokens) {
        await identity.POST("/tokens/revoke/", { body: { refresh_token: tokens.refresh_token } });
      }
      keep(null);
    },
  };
}
