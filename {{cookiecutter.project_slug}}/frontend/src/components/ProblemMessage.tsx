import { summary, type Problem } from "../api/problems";

/** The problem as a whole, read out by screen readers as soon as it appears. */
export function ProblemMessage({ problem }: { problem: Problem | null }) {
  if (!problem) {
    return null;
  }
  return (
    <p role="alert" className="problem">
      {summary(problem)}
    </p>
  );
}
