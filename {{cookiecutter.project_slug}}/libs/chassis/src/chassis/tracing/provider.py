"""The OpenTelemetry SDK as a traced process runs it; imported only where tracing is on."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from functools import cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from opentelemetry import context, trace
from opentelemetry.context import Context
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.instrumentation.psycopg import PsycopgInstrumentor
from opentelemetry.instrumentation.redis import RedisInstrumentor
from opentelemetry.instrumentation.urllib import URLLibInstrumentor
from opentelemetry.instrumentation.utils import suppress_instrumentation
from opentelemetry.propagate import extract
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter, SpanExportResult
from opentelemetry.sdk.trace.sampling import (
    Decision,
    ParentBased,
    Sampler,
    SamplingResult,
    TraceIdRatioBased,
)
from opentelemetry.trace import Link, Span, SpanKind, Status, StatusCode, TraceState
from opentelemetry.util.types import Attributes

from chassis.tracing import SPANS_LOGGER, TO_THE_ENDPOINT, TO_THE_LOG, TRACE_CONTEXT

spans_logger = logging.getLogger(SPANS_LOGGER)
# Where Django's request has each header of a trace's context.
HEADERS = tuple((name, f"HTTP_{name.upper()}") for name in TRACE_CONTEXT)

# What is answered before a request is traced: the health checks and /metrics, which
# supervisors and Prometheus ask for every few seconds, each time about nothing anyone did.
ANSWERED_FIRST = ("chassis.health.HealthCheckMiddleware", "chassis.metrics.MetricsMiddleware")


class RequestSpans:
    """A server span for each request, continuing the caller's trace (its ``traceparent``), named
    by the route it took, as OpenTelemetry's HTTP conventions name it.

    The chassis's own, not opentelemetry-instrumentation-django's: that one spent 0.3 ms of
    CPU on each request, sampled or not (its attributes, its metrics, its URL filters), more
    than half of what the request itself cost; this one records what a trace view shows.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.tracer = trace.get_tracer(__name__)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        carrier = {name: value for name, meta in HEADERS if (value := request.META.get(meta))}
        caller = extract(carrier) if carrier else None
        if caller is not None and not _kept(caller):
            # The caller's trace is not kept (the gateway's choice, most often): this request's
            # span would be dropped too. Its context is the caller's, for events to carry on.
            token = context.attach(caller)
            try:
                with suppress_instrumentation():
                    return self.get_response(request)
            finally:
                context.detach(token)
        with self.tracer.start_as_current_span(
            request.method,
            context=caller,
            kind=SpanKind.SERVER,
            attributes={"http.request.method": request.method, "url.path": request.path},
        ) as span:
            with quiet_unless_kept(span):
                response = self.get_response(request)
            if span.is_recording():
                match = request.resolver_match
                if match is not None:
                    span.update_name(f"{request.method} {match.route}")
                    span.set_attribute("http.route", match.route)
                span.set_attribute("http.response.status_code", response.status_code)
                if response.status_code >= 500:
                    span.set_status(Status(StatusCode.ERROR))
            return response


def _kept(caller: Context) -> bool:
    """Whether the caller's span is one of a kept trace (what its `traceparent`'s flag says)."""
    parent = trace.get_current_span(caller).get_span_context()
    return not parent.is_valid or parent.trace_flags.sampled


def quiet_unless_kept(span: Span) -> AbstractContextManager[object]:
    """Where `span`'s trace is not kept, what runs inside makes no spans of its queries, Redis
    and HTTP calls (the instrumentations' own switch): each would be a wrapper's work for a span
    nobody sees, which cost an unkept request more than its own span. The chassis's spans of
    events still carry the trace on, so every service its events reach leaves it out too."""
    return nullcontext() if span.is_recording() else suppress_instrumentation()


class WorkAskedFor(Sampler):
    """Decides for the roots of traces: a client span (a query, a call) with no parent is the
    process's own housekeeping and is dropped; any other root is kept as `roots` decides."""

    def __init__(self, roots: Sampler) -> None:
        self.roots = roots

    def should_sample(
        self,
        parent_context: Context | None,
        trace_id: int,
        name: str,
        kind: SpanKind | None = None,
        attributes: Attributes = None,
        links: Sequence[Link] | None = None,
        trace_state: TraceState | None = None,
    ) -> SamplingResult:
        if kind is SpanKind.CLIENT:
            return SamplingResult(Decision.DROP)
        return self.roots.should_sample(
            parent_context, trace_id, name, kind, attributes, links, trace_state
        )

    def get_description(self) -> str:
        return f"WorkAskedFor({self.roots.get_description()})"


class LoggedSpans(SpanExporter):
    """Each span as one JSON line of the process's log (``OTEL_TRACES_EXPORTER=console``): what a
    trace view needs of it, under ``span``, for ``make trace`` to put the tree together."""

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        for span in spans:
            context = span.get_span_context()
            parent = span.parent
            spans_logger.info(
                "span %s",
                span.name,
                extra={
                    "span": {
                        "trace_id": format(context.trace_id, "032x"),
                        "span_id": format(context.span_id, "016x"),
                        "parent_id": format(parent.span_id, "016x") if parent else None,
                        "name": span.name,
                        "kind": span.kind.name.lower(),
                        "start_ns": span.start_time,
                        "duration_ms": round((span.end_time - span.start_time) / 1e6, 3),
                        "error": None if span.status.is_ok else span.status.description or "error",
                    }
                },
            )
        return SpanExportResult.SUCCESS

    def shutdown(self) -> None:
        pass


@cache
def start(*, service: str, version: str, runs_celery: bool) -> None:
    """Once per process: later calls find it done."""
    ratio = float(os.environ.get("OTEL_TRACES_SAMPLER_ARG", "1"))
    provider = TracerProvider(
        resource=Resource.create({"service.name": service, "service.version": version}),
        sampler=ParentBased(root=WorkAskedFor(TraceIdRatioBased(ratio))),
    )
    # Spans leave from a thread of the processor's, a few seconds at most after they end
    # (OTEL_BSP_SCHEDULE_DELAY), never in the request's or the handler's time. The thread starts
    # again in each forked process (Gunicorn's and Celery's workers): the SDK sees to it.
    if TO_THE_ENDPOINT:
        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    if TO_THE_LOG:
        provider.add_span_processor(BatchSpanProcessor(LoggedSpans()))
    trace.set_tracer_provider(provider)
    after = max(settings.MIDDLEWARE.index(middleware) for middleware in ANSWERED_FIRST) + 1
    settings.MIDDLEWARE.insert(after, f"{RequestSpans.__module__}.{RequestSpans.__qualname__}")
    PsycopgInstrumentor().instrument()
    RedisInstrumentor().instrument()
    URLLibInstrumentor().instrument()
    if runs_celery:
        from opentelemetry.instrumentation.celery import CeleryInstrumentor

        CeleryInstrumentor().instrument()
