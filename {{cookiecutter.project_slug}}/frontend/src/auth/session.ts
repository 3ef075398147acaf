// Who is signed in, read from the access token every service checks.
export interface Session {
  accessToken: string;
  email: string;
  roles: string[];
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

export const STAFF_ROLE = "staff";

interface Claims {
  email?: string;
  exp?: number;
  // The identity service names roles in `roles`; Keycloak in `realm_access.roles`.
  roles?: string[];
  realm_access?: { roles?: string[] };
}

/** The session a token stands for. The token's signature is the services' business, not ours. */
export function sessionFromToken(accessToken: string): Session {
  const payload = accessToken.split(".")[1];
  if (!payload) {
    throw new Error("not a JSON Web Token");
  }
  const base64 = payload.replace(/-/g, "+").replace(/_/g, "/");
  const bytes = Uint8Array.from(atob(base64), (character) => character.charCodeAt(0));
  const claims = JSON.parse(new TextDecoder().decode(bytes)) as Claims;
  return {
    accessToken,
    email: claims.email ?? "",
    roles: claims.roles ?? claims.realm_access?.roles ?? [],
    expiresAt: (claims.exp ?? 0) * 1000,
  };
}

export function isStaff(session: Session | null): boolean {
  return session?.roles.includes(STAFF_ROLE) ?? false;
}

/** The current session and who wants to hear of its changes: what every sign-in method keeps. */
export function sessionStore() {
  const listeners = new Set<() => void>();
  let session: Session | null = null;
  return {
    current: (): Session | null => session,
    subscribe(listener: () => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    set(next: Session | null): void {
      session = next;
      listeners.forEach((listener) => listener());
    },
  };
}
