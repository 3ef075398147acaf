import { useEffect, useState } from "react";
import { useNavigate } from "react-router";
import { useAuth } from "../auth/AuthContext";

/** Where Keycloak sends the browser back to: finish signing in, then go on. */
export function SignedIn() {
  const auth = useAuth();
  const navigate = useNavigate();
  const [failure, setFailure] = useState<string | null>(null);
  useEffect(() => {
    if (auth.kind !== "keycloak") {
      navigate("/", { replace: true });
      return;
    }
    auth.completeSignIn().then(
      (next) => navigate(next, { replace: true }),
      (error: Error) => setFailure(error.message),
    );
  }, [auth, navigate]);
  return failure ? (
    <p role="alert" className="problem">
      Signing in did not work: {failure}
    </p>
  ) : (
    <p aria-live="polite">Signing you in…</p>
  );
}
