import { createContext, useContext, useSyncExternalStore, type ReactNode } from "react";
import type { AuthProvider } from "./provider";
import type { Session } from "./session";

const AuthContext = createContext<AuthProvider | null>(null);

export function AuthProviderScope({ auth, children }: { auth: AuthProvider; children: ReactNode }) {
  return <AuthContext.Provider value={auth}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthProvider {
  const auth = useContext(AuthContext);
  if (!auth) {
    throw new Error("useAuth needs an AuthProviderScope around it");
  }
  return auth;
}

/** The signed-in person's session, re-rendering when it changes. */
export function useSession(): Session | null {
  const auth = useAuth();
  return useSyncExternalStore(auth.subscribe, auth.current);
}
