import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { MemoryRouter } from "react-router";
import { afterEach, describe, expect, it } from "vitest";
import type { Problem } from "../api/problems";
import { AuthProviderScope } from "../auth/AuthContext";
import { SIGN_IN_INSTEAD } from "../auth/identity";
import type { IdentityAuth } from "../auth/provider";
import { LogIn } from "./LogIn";

const weakPassword: Problem = {
  type: "about:blank",
  title: "Bad Request",
  status: 400,
  detail: "The input is invalid.",
  code: "invalid",
  errors: [{ field: "password", message: "This password is too short.", code: "password_too_short" }],
};

/** The identity service as the form sees it: it answers the sign-up with this problem. */
function refusingAuth(problem: Problem): IdentityAuth {
  return {
    kind: "identity",
    current: () => null,
    subscribe: () => () => undefined,
    signIn: async () => problem,
    signUp: async () => problem,
    signOut: async () => undefined,
  };
}

afterEach(cleanup);

describe("the sign-up form", () => {
  it("shows the service's field error next to the field it names", async () => {
    render(
      <AuthProviderScope auth={refusingAuth(weakPassword)}>
        <MemoryRouter>
          <LogIn register />
        </MemoryRouter>
      </AuthProviderScope>,
    );

    fireEvent.click(screen.getByRole("button", { name: "Sign up" }));

    const password = screen.getByLabelText("Password");
    expect(await screen.findByRole("alert")).toHaveProperty("textContent", "Please correct the fields marked below.");
    expect(password.getAttribute("aria-invalid")).toBe("true");
    const message = document.getElementById(password.getAttribute("aria-describedby") ?? "");
    expect(message?.textContent).toBe("This password is too short.");
    expect(screen.getByLabelText("E-mail").getAttribute("aria-invalid")).toBeNull();
  });

  it("says to log in instead when the address already had an account", async () => {
    render(
      <AuthProviderScope auth={refusingAuth(SIGN_IN_INSTEAD)}>
        <MemoryRouter>
          <LogIn register />
        </MemoryRouter>
      </AuthProviderScope>,
    );

    fireEvent.click(screen.getByRole("button", { name: "Sign up" }));

    expect(await screen.findByRole("alert")).toHaveProperty("textContent", SIGN_IN_INSTEAD.detail);
  });
});
