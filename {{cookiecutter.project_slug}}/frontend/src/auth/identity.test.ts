import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { identityAuth, type Locks, type Renewal, type Tokens } from "./identity";

function token(claims: object): string {
  const encode = (value: object) =>
    btoa(JSON.stringify(value)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
  return `${encode({ alg: "RS256" })}.${encode(claims)}.signature`;
}

/** Tokens whose access token expires in `seconds`, renewed with `refreshToken`. */
function tokens(refreshToken: string, seconds: number): Tokens {
  const exp = Math.floor(Date.now() / 1000) + seconds;
  return { access_token: token({ email: "ada@example.com", exp }), refresh_token: refreshToken };
}

/** The Web Locks API as the tabs of one origin share it: one holder at a time. */
function sharedLocks(): Locks {
  let last: Promise<unknown> = Promise.resolve();
  return {
    request<T>(_name: string, callback: () => Promise<T>): Promise<T> {
      const turn = last.then(callback);
      last = turn.catch(() => undefined);
      return turn;
    },
  };
}

/** The identity service's renewals, answered in order; what each was asked with. */
function answering(...answers: (Renewal | Error)[]) {
  const asked: string[] = [];
  async function renew(refreshToken: string): Promise<Renewal> {
    asked.push(refreshToken);
    const answer = answers.shift();
    if (!answer || answer instanceof Error) {
      throw answer ?? new Error("asked once too often");
    }
    return answer;
  }
  return { asked, renew };
}

const refused = (status: number, retryAfter: number | null = null): Renewal => ({
  tokens: null,
  status,
  retryAfter,
});

beforeEach(() => {
  vi.useFakeTimers();
  localStorage.clear();
});

afterEach(() => {
  vi.useRealTimers();
});

describe("renewing the identity service's tokens", () => {
  it("keeps the person signed in through refusals to answer now, and renews once it may", async () => {
    localStorage.setItem("identity.tokens", JSON.stringify(tokens("first", 10)));
    const service = answering(refused(429, 7), refused(503), new TypeError("Failed to fetch"), {
      tokens: tokens("second", 300),
      status: 200,
      retryAfter: null,
    });

    const auth = identityAuth({ storage: localStorage, locks: sharedLocks(), renew: service.renew });
    await vi.advanceTimersByTimeAsync(6_900);
    expect(service.asked).toEqual(["first"]); // waited as the 429 asked

    await vi.advanceTimersByTimeAsync(20_000);

    expect(service.asked).toEqual(["first", "first", "first", "first"]);
    expect(JSON.parse(localStorage.getItem("identity.tokens") ?? "{}").refresh_token).toBe("second");
    expect(auth.current()?.email).toBe("ada@example.com");
  });

  it("signs the person out when the refresh token is no good", async () => {
    localStorage.setItem("identity.tokens", JSON.stringify(tokens("revoked", 10)));
    const service = answering(refused(401));

    const auth = identityAuth({ storage: localStorage, locks: sharedLocks(), renew: service.renew });
    await vi.advanceTimersByTimeAsync(1_000);

    expect(auth.current()).toBeNull();
    expect(localStorage.getItem("identity.tokens")).toBeNull();
  });

  it("renews once for every tab due at the same time, which all take the new tokens", async () => {
    localStorage.setItem("identity.tokens", JSON.stringify(tokens("shared", 10)));
    const locks = sharedLocks();
    const service = answering({ tokens: tokens("renewed", 300), status: 200, retryAfter: null });

    const tabs = [1, 2, 3].map(() => identityAuth({ storage: localStorage, locks, renew: service.renew }));
    await vi.advanceTimersByTimeAsync(1_000);

    expect(service.asked).toEqual(["shared"]);
    const renewed = JSON.parse(localStorage.getItem("identity.tokens") ?? "{}") as Tokens;
    expect(tabs.map((tab) => tab.current()?.accessToken)).toEqual([1, 2, 3].map(() => renewed.access_token));
  });
});
