import { describe, expect, it } from "vitest";
import { asProblem, fieldErrors, summary, type Problem } from "./problems";

const invalid: Problem = {
  type: "about:blank",
  title: "Bad Request",
  status: 400,
  detail: "The input is invalid.",
  code: "invalid",
  errors: [
    { field: "email", message: "Enter a valid e-mail address.", code: "invalid" },
    { field: "email", message: "A second complaint.", code: "invalid" },
    { field: "lines[0].quantity", message: "Ensure this value is at least 1.", code: "min_value" },
  ],
};

describe("problem+json", () => {
  it("gives each field its first message", () => {
    expect(fieldErrors(invalid)).toEqual({
      email: "Enter a valid e-mail address.",
      "lines[0].quantity": "Ensure this value is at least 1.",
    });
  });

  it("sums up with the detail when no field is named", () => {
    const notFound = { ...invalid, status: 404, detail: "No such product.", errors: undefined };

    expect(summary(notFound)).toBe("No such product.");
    expect(summary(invalid)).toBe("Please correct the fields marked below.");
  });

  it("stands in for a body that is not a problem", () => {
    const problem = asProblem("<html>Bad Gateway</html>", 502);

    expect(problem.status).toBe(502);
    expect(problem.code).toBe("unexpected_response");
  });
});
