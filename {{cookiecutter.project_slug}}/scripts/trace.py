"""One trace's spans as a tree, read from the logs of `make dev` (`make trace ID=<trace id>`).

Where `.env` sets ``OTEL_TRACES_EXPORTER=console``, each process of a native run logs each
span it ends as a JSON line (chassis.tracing), and the run's output is kept in
.run/logs/dev.log: this reads that file back, a reader of logs and nothing more. The
trace id is the one each log line written in a span names (``trace_id``), and the gateway's
access log too; for a trace the gateway started, it is the ``X-Request-ID`` of the response.

    python -m scripts.trace 4bf92f3577b34da6a3ce929d0e0e4736
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field

from scripts.project import PROJECT_DIR, RUN_LOG

TRACE_ID = re.compile(r"[0-9a-f]{32}")
# honcho's prefix of each line: "12:00:01 orders-relay.1 | ".
PREFIX = re.compile(r"^\S+ \S+ +\| ")


@dataclass
class Span:
    service: str
    name: str
    kind: str
    span_id: str
    parent_id: str | None
    start_ns: int
    duration_ms: float
    error: str | None
    children: list[Span] = field(default_factory=list)


def records(lines: Iterator[str]) -> Iterator[dict]:
    """Each JSON object the processes logged."""
    for line in lines:
        text = PREFIX.sub("", line, count=1)
        if not text.startswith("{"):
            continue
        try:
            record = json.loads(text)
        except json.JSONDecodeError:
            continue
        if isinstance(record, dict):
            yield record


def spans_of(trace_id: str, lines: Iterator[str]) -> tuple[list[Span], list[dict]]:
    """The trace's spans, and the gateway's access log lines of it."""
    spans, requests = [], []
    for record in records(lines):
        span = record.get("span")
        if isinstance(span, dict) and span.get("trace_id") == trace_id:
            fields = {name: span.get(name) for name in ("name", "kind", "span_id", "parent_id")}
            spans.append(
                Span(
                    service=record.get("service", "?"),
                    start_ns=int(span.get("start_ns", 0)),
                    duration_ms=float(span.get("duration_ms", 0)),
                    error=span.get("error"),
                    **fields,
                )
            )
        elif record.get("trace_id") == trace_id and "uri" in record:
            requests.append(record)
    return spans, requests


def tree(spans: list[Span]) -> list[Span]:
    """The spans with no parent among them (the gateway's children, and what began on its
    own), each with its children in the order they started."""
    by_id = {span.span_id: span for span in spans}
    roots = []
    for span in sorted(spans, key=lambda span: span.start_ns):
        parent = by_id.get(span.parent_id or "")
        (parent.children if parent is not None else roots).append(span)
    return roots


def render(trace_id: str, spans: list[Span], requests: list[dict]) -> str:
    start = min(span.start_ns for span in spans)
    width = max(len(span.service) for span in spans)
    lines = [f"trace {trace_id}: {len(spans)} spans"]
    for request in requests:
        lines.append(
            f"  gateway {request.get('method')} {request.get('uri')} -> {request.get('status')}"
            f" in {float(request.get('duration_s', 0)) * 1000:.1f} ms"
        )

    def add(span: Span, depth: int) -> None:
        offset = (span.start_ns - start) / 1e6
        failed = f"  FAILED: {span.error}" if span.error else ""
        lines.append(
            f"  {'  ' * depth}{span.service:<{width}}  {span.name} ({span.kind})"
            f"  +{offset:.1f} ms, {span.duration_ms:.1f} ms{failed}"
        )
        for child in span.children:
            add(child, depth + 1)

    for root in tree(spans):
        add(root, 0)
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    if len(argv) != 1 or not TRACE_ID.fullmatch(argv[0].replace("-", "").lower()):
        print("usage: make trace ID=<a trace id: 32 hexadecimal digits>", file=sys.stderr)
        return 2
    trace_id = argv[0].replace("-", "").lower()
    if not RUN_LOG.exists():
        print(
            f"{RUN_LOG.relative_to(PROJECT_DIR)} does not exist: `make dev` writes it.",
            file=sys.stderr,
        )
        return 1
    with RUN_LOG.open(errors="replace") as lines:
        spans, requests = spans_of(trace_id, lines)
    if not spans:
        print(
            f"No span of trace {trace_id} in {RUN_LOG.relative_to(PROJECT_DIR)}. Its processes log"
            " their spans where .env sets OTEL_TRACES_EXPORTER=console (then run make dev"
            " again); traced to an OTLP endpoint, the trace is where they send it.",
            file=sys.stderr,
        )
        return 1
    print(render(trace_id, spans, requests))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
