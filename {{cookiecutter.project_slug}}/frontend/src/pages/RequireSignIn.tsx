import type { ReactNode } from "react";
import { Navigate, useLocation } from "react-router";
import { useSession } from "../auth/AuthContext";

/** Pages about the signed-in person send everyone else to log in first, and back after. */
export function RequireSignIn({ children }: { children: ReactNode }) {
  const session = useSession();
  const location = useLocation();
  if (!session) {
    return <Navigate to={`/log-in?next=${encodeURIComponent(location.pathname)}`} replace />;
  }
  return children;
}
