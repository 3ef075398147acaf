import { useState, type FormEvent } from "react";
import { useNavigate, useSearchParams } from "react-router";
import { fieldErrors, type Problem } from "../api/problems";
import { useAuth } from "../auth/AuthContext";
import { ProblemMessage } from "../components/ProblemMessage";
import { TextField } from "../components/TextField";

/** Sign in, or with `register` sign up: the identity service's forms, or Keycloak's pages. */
export function LogIn({ register = false }: { register?: boolean }) {
  const auth = useAuth();
  const navigate = useNavigate();
  const [searchParams] = useSearchParams();
  const next = searchParams.get("next") ?? "/";
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const title = register ? "Sign up" : "Log in";

  if (auth.kind === "keycloak") {
    return (
      <section aria-labelledby="auth-title" className="narrow">
        <h1 id="auth-title">{title}</h1>
        <button type="button" onClick={() => void auth.redirectToSignIn({ register, returnTo: next })}>
          {register ? "Create an account" : "Log in"} with the sign-in service
        </button>
      </section>
    );
  }

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (auth.kind !== "identity") {
      return;
    }
    const form = new FormData(event.currentTarget);
    const email = String(form.get("email"));
    const password = String(form.get("password"));
    setBusy(true);
    const found = register
      ? await auth.signUp(email, password, String(form.get("full_name")))
      : await auth.signIn(email, password);
    setBusy(false);
    setProblem(found);
    if (!found) {
      navigate(next, { replace: true });
    }
  }

  const errors = problem ? fieldErrors(problem) : {};
  return (
    <section aria-labelledby="auth-title" className="narrow">
      <h1 id="auth-title">{title}</h1>
      <ProblemMessage problem={problem} />
      <form onSubmit={(event) => void submit(event)} noValidate>
        {register && <TextField label="Full name" name="full_name" autoComplete="name" error={errors.full_name} />}
        <TextField label="E-mail" name="email" type="email" autoComplete="email" required error={errors.email} />
        <TextField
          label="Password"
          name="password"
          type="password"
          autoComplete={register ? "new-password" : "current-password"}
          required
          error={errors.password}
        />
        <button type="submit" disabled={busy}>
          {title}
        </button>
      </form>
    </section>
  );
}
