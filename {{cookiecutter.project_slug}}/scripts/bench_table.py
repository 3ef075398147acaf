"""What `make bench` prints: one row per measure, against a reference measured in the same run.

On two noisy cores one figure alone is mostly the machine's mood: a ratio is
taken round by round (the measure and its reference back to back) and given as
the median with its interquartile range. A ratio whose range is wider than
:data:`CONCLUSIVE_SPREAD` says nothing, and is reported as inconclusive.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass

# Widest interquartile range of a ratio (in points) that still makes it a figure.
CONCLUSIVE_SPREAD = 0.10


@dataclass(frozen=True)
class Ratio:
    median: float
    low: float  # first quartile
    high: float  # third quartile

    @classmethod
    def of(cls, ratios: Sequence[float]) -> Ratio:
        if len(ratios) == 1:
            return cls(ratios[0], ratios[0], ratios[0])
        low, median, high = statistics.quantiles(ratios, n=4, method="inclusive")
        return cls(median, low, high)

    @property
    def conclusive(self) -> bool:
        return self.high - self.low <= CONCLUSIVE_SPREAD


@dataclass(frozen=True)
class Row:
    """One measure: this system's figure, the reference's, and their ratio against a goal.

    `at_least` says which way the goal points: a ratio (or, with no reference,
    the figure itself) at least `goal`, or at most it.
    """

    measure: str
    figure: str
    reference: str
    ratio: Ratio | None
    goal: float
    at_least: bool = True
    value: float | None = None  # what the goal is checked against when there is no ratio

    def verdict(self) -> str:
        if self.ratio is not None and not self.ratio.conclusive:
            return "inconclusive"
        checked = self.ratio.median if self.ratio is not None else self.value
        if checked is None:
            return "not measured"
        met = checked >= self.goal if self.at_least else checked <= self.goal
        return "met" if met else "NOT MET"

    def cells(self) -> list[str]:
        ratio = (
            ""
            if self.ratio is None
            else f"{self.ratio.median:.2f} [{self.ratio.low:.2f}-{self.ratio.high:.2f}]"
        )
        goal = f"{'≥' if self.at_least else '≤'} {self.goal:g}"
        return [self.measure, self.figure, self.reference, ratio, goal, self.verdict()]


HEADINGS = ["measure", "this system", "reference, same run", "ratio [IQR]", "goal", ""]


def table(rows: Sequence[Row]) -> str:
    """The rows as a Markdown table, aligned for a terminal too."""
    lines = [HEADINGS, *(row.cells() for row in rows)]
    widths = [max(len(line[column]) for line in lines) for column in range(len(HEADINGS))]

    def render(cells: list[str]) -> str:
        return (
            "| "
            + " | ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True))
            + " |"
        )

    rule = "|" + "|".join("-" * (width + 2) for width in widths) + "|"
    return "\n".join([render(lines[0]), rule, *(render(line) for line in lines[1:])])
