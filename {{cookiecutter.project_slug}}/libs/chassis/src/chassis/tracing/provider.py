"""The OpenTelemetry SDK as a traced process runs it; imported only where tracing is on."""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import cache

from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.instrumentation.django import DjangoInstrumentor
from opentelemetry.instrumentation.psycopg import PsycopgInstrumentor
from opentelemetry.instrumentation.redis import RedisInstrumentor
from opentelemetry.instrumentation.urllib import URLLibInstrumentor
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.sdk.trace.sampling import (
    Decision,
    ParentBased,
    Sampler,
    SamplingResult,
    TraceIdRatioBased,
)
from opentelemetry.trace import Link, SpanKind, TraceState
from opentelemetry.util.types import Attributes

# Django's requests that are not traced: the probes every supervisor sends every few seconds.
UNTRACED_URLS = "health/"


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


@cache
def start(*, service: str, version: str, runs_celery: bool) -> None:
    """Once per process: later calls find it done."""
    ratio = float(os.environ.get("OTEL_TRACES_SAMPLER_ARG", "1"))
    provider = TracerProvider(
        resource=Resource.create({"service.name": service, "service.version": version}),
        sampler=ParentBased(root=WorkAskedFor(TraceIdRatioBased(ratio))),
    )
    # The processor's thread starts again in each forked process (Gunicorn's and Celery's
    # workers): the SDK sees to it.
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)
    DjangoInstrumentor().instrument(excluded_urls=UNTRACED_URLS)
    PsycopgInstrumentor().instrument()
    RedisInstrumentor().instrument()
    URLLibInstrumentor().instrument()
    if runs_celery:
        from opentelemetry.instrumentation.celery import CeleryInstrumentor

        CeleryInstrumentor().instrument()
