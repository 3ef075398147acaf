"""An OTLP/HTTP trace receiver of the tests' own: what a collector is to a traced process.

Processes export to it with OpenTelemetry's real exporter (point
``OTEL_EXPORTER_OTLP_ENDPOINT`` at :attr:`TraceReceiver.endpoint`); it decodes
each request as the protocol's own messages (opentelemetry-proto) and keeps the
spans, so that a test can assert what a trace holds. Run alone, it writes each
span as a JSON line, for a test that boots a whole system:
``python -m chassis_testing.otlp --port 4318 --spans spans.jsonl``.
"""

from __future__ import annotations

import argparse
import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from google.protobuf.message import DecodeError
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)
from opentelemetry.proto.common.v1.common_pb2 import AnyValue
from opentelemetry.proto.trace.v1.trace_pb2 import Span as ProtoSpan

TRACES_PATH = "/v1/traces"


@dataclass(frozen=True)
class Span:
    """One span as received, its ids in the hex form trace viewers show."""

    service: str
    name: str
    kind: str  # server, client, producer, consumer or internal
    trace_id: str
    span_id: str
    parent_id: str  # empty for a trace's root
    start_ns: int
    end_ns: int
    error: bool
    attributes: dict[str, object] = field(default_factory=dict)
    links: tuple[tuple[str, str], ...] = ()  # (trace id, span id) of each linked span

    @classmethod
    def from_proto(cls, service: str, span: ProtoSpan) -> Span:
        return cls(
            service=service,
            name=span.name,
            kind=ProtoSpan.SpanKind.Name(span.kind).removeprefix("SPAN_KIND_").lower(),
            trace_id=span.trace_id.hex(),
            span_id=span.span_id.hex(),
            parent_id=span.parent_span_id.hex(),
            start_ns=span.start_time_unix_nano,
            end_ns=span.end_time_unix_nano,
            # STATUS_CODE_ERROR
            error=span.status.code == 2,
            attributes={a.key: _value(a.value) for a in span.attributes},
            links=tuple((link.trace_id.hex(), link.span_id.hex()) for link in span.links),
        )


def _value(value: AnyValue) -> object:
    kind = value.WhichOneof("value")
    if kind == "array_value":
        return [_value(item) for item in value.array_value.values]
    return getattr(value, kind) if kind else None


def decode(body: bytes) -> Iterator[Span]:
    request = ExportTraceServiceRequest.FromString(body)
    for resource_spans in request.resource_spans:
        resource = {a.key: _value(a.value) for a in resource_spans.resource.attributes}
        for scope_spans in resource_spans.scope_spans:
            for span in scope_spans.spans:
                yield Span.from_proto(str(resource.get("service.name")), span)


class TraceReceiver:
    """Receives traces on loopback until closed; `on_span` sees each span as it comes."""

    def __init__(self, port: int = 0, on_span: Callable[[Span], None] | None = None) -> None:
        self._spans: list[Span] = []
        self._lock = threading.Lock()
        self._on_span = on_span
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if self.path != TRACES_PATH:
                    self.send_error(404)
                    return
                try:
                    spans = list(decode(body))
                except DecodeError as error:
                    self.send_error(400, str(error))
                    return
                receiver._keep(spans)
                reply = ExportTraceServiceResponse().SerializeToString()
                self.send_response(200)
                self.send_header("Content-Type", "application/x-protobuf")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *_: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def endpoint(self) -> str:
        """What ``OTEL_EXPORTER_OTLP_ENDPOINT`` is set to for a process to export here."""
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def _keep(self, spans: list[Span]) -> None:
        with self._lock:
            self._spans += spans
        if self._on_span:
            for span in spans:
                self._on_span(span)

    def spans(self) -> list[Span]:
        with self._lock:
            return list(self._spans)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--spans", type=Path, required=True, help="the JSON lines file to write")
    arguments = parser.parse_args()
    arguments.spans.parent.mkdir(parents=True, exist_ok=True)
    with arguments.spans.open("a", buffering=1) as out:
        lock = threading.Lock()

        def write(span: Span) -> None:
            with lock:
                out.write(json.dumps(asdict(span)) + "\n")

        receiver = TraceReceiver(arguments.port, on_span=write)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            receiver.close()


if __name__ == "__main__":
    main()
