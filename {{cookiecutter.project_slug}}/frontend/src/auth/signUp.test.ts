import { beforeEach, describe, expect, it, vi } from "vitest";

/** The identity service as the browser reaches it: each request gets the next answer. */
const service = vi.hoisted(() => {
  const answers: { status: number; body: unknown }[] = [];
  const asked: string[] = [];
  // The API client keeps the fetch it finds when it is made, so this comes before any import.
  globalThis.fetch = (async (request: Request) => {
    asked.push(`${request.method} ${new URL(request.url).pathname}`);
    const answer = answers.shift();
    if (!answer) {
      throw new Error(`nothing to answer ${request.url}`);
    }
    return new Response(JSON.stringify(answer.body), {
      status: answer.status,
      headers: { "Content-Type": answer.status < 400 ? "application/json" : "application/problem+json" },
    });
  }) as typeof fetch;
  return { answers, asked };
});

import { identityAuth, SIGN_IN_INSTEAD } from "./identity";

const ACCEPTED = { detail: "If this address had no account, it has one now: sign in with it." };

function problem(status: number, code: string) {
  return { type: "about:blank", title: "Refused", status, detail: "Refused.", code };
}

function token(claims: object): string {
  const encode = (value: object) => btoa(JSON.stringify(value)).replace(/=+$/, "");
  return `${encode({ alg: "RS256" })}.${encode(claims)}.signature`;
}

function signUp() {
  const auth = identityAuth({ storage: localStorage, locks: null });
  return { auth, found: auth.signUp("ada@example.com", "a long passphrase", "Ada") };
}

beforeEach(() => {
  localStorage.clear();
  service.answers.length = 0;
  service.asked.length = 0;
});

describe("signing up with the identity service", () => {
  it("signs a new address in with the password it registered", async () => {
    const exp = Math.floor(Date.now() / 1000) + 300;
    service.answers.push(
      { status: 202, body: ACCEPTED },
      { status: 200, body: { access_token: token({ email: "ada@example.com", exp }), refresh_token: "r" } },
    );

    const { auth, found } = signUp();

    expect(await found).toBeNull();
    expect(auth.current()?.email).toBe("ada@example.com");
    expect(service.asked).toEqual(["POST /api/identity/accounts/", "POST /api/identity/tokens/"]);
  });

  it("asks to sign in instead when the address had an account, as the same 202 cannot say", async () => {
    service.answers.push({ status: 202, body: ACCEPTED }, { status: 401, body: problem(401, "invalid_credentials") });

    const { auth, found } = signUp();

    expect(await found).toEqual(SIGN_IN_INSTEAD);
    expect(auth.current()).toBeNull();
  });

  it("shows a refused registration as it is, without trying to sign in", async () => {
    service.answers.push({ status: 400, body: problem(400, "invalid") });

    const { found } = signUp();

    expect((await found)?.code).toBe("invalid");
    expect(service.asked).toEqual(["POST /api/identity/accounts/"]);
  });
});
