// How the app signs people in, whichever issuer the system chose: the identity
// service's own forms, or Keycloak's pages (authorization code with PKCE).
import type { Problem } from "../api/problems";
import type { Session } from "./session";

/** Where Keycloak sends the browser back to after signing in. */
export const CALLBACK_PATH = "/signed-in";

interface SessionSource {
  current(): Session | null;
  /** Calls `listener` whenever the session changes; returns how to stop. */
  subscribe(listener: () => void): () => void;
  signOut(): Promise<void>;
}

export interface IdentityAuth extends SessionSource {
  readonly kind: "identity";
  /** A problem to show next to the form, or null once signed in. */
  signIn(email: string, password: string): Promise<Problem | null>;
  signUp(email: string, password: string, fullName: string): Promise<Problem | null>;
}

export interface KeycloakAuth extends SessionSource {
  readonly kind: "keycloak";
  /** Leaves for Keycloak's sign-in (or registration) page, which comes back to `returnTo`. */
  redirectToSignIn(options: { register: boolean; returnTo: string }): Promise<void>;
  /** Completes the sign-in Keycloak sent the browser back from; the path to go on to. */
  completeSignIn(): Promise<string>;
}

export type AuthProvider = IdentityAuth | KeycloakAuth;
