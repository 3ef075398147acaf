// Every service answers errors as problem+json (RFC 9457), with `errors` naming the
// fields at fault. These helpers turn one into what a form shows.
import type { components } from "./generated/catalog";

export type Problem = components["schemas"]["Problem"];

export type FieldErrors = Record<string, string>;

export function isProblem(value: unknown): value is Problem {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as Problem).status === "number" &&
    typeof (value as Problem).title === "string"
  );
}

/** The message for each field the problem names; the first one wins where a field has several. */
export function fieldErrors(problem: Problem): FieldErrors {
  const found: FieldErrors = {};
  for (const error of problem.errors ?? []) {
    if (error.field && !(error.field in found)) {
      found[error.field] = error.message;
    }
  }
  return found;
}

/** What to say about the problem as a whole: its detail, unless the fields say it all. */
export function summary(problem: Problem): string {
  const fields = Object.keys(fieldErrors(problem)).length;
  return fields > 0 ? "Please correct the fields marked below." : problem.detail || problem.title;
}

/** A problem from an error response body, or one that says the service could not be reached. */
export function asProblem(body: unknown, status: number): Problem {
  if (isProblem(body)) {
    return body;
  }
  return {
    type: "about:blank",
    title: "Unexpected response",
    status,
    detail: "The service did not answer as expected; try again shortly.",
    code: "unexpected_response",
  };
}
