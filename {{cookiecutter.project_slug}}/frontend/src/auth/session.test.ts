import { describe, expect, it } from "vitest";
import { isStaff, sessionFromToken } from "./session";

function token(claims: object): string {
  const encode = (value: object) => btoa(JSON.stringify(value)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
  return `${encode({ alg: "RS256" })}.${encode(claims)}.signature`;
}

describe("the session", () => {
  it("reads the identity service's claims", () => {
    const session = sessionFromToken(token({ email: "ada@example.com", roles: ["staff"], exp: 2_000_000_000 }));

    expect(session.email).toBe("ada@example.com");
    expect(session.expiresAt).toBe(2_000_000_000_000);
    expect(isStaff(session)).toBe(true);
  });

  it("reads Keycloak's realm roles", () => {
    const session = sessionFromToken(token({ email: "bo@example.com", realm_access: { roles: ["offline_access"] } }));

    expect(session.roles).toEqual(["offline_access"]);
    expect(isStaff(session)).toBe(false);
  });

  it("refuses what is not a token", () => {
    expect(() => sessionFromToken("opaque")).toThrow("not a JSON Web Token");
  });
});
