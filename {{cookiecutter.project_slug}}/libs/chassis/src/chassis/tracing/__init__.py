"""Traces: OpenTelemetry spans with W3C trace context, exported over OTLP/HTTP.

Tracing is on where ``OTEL_EXPORTER_OTLP_ENDPOINT`` is set, or ``OTEL_TRACES_EXPORTER``
names ``console`` (each span, as it ends, one JSON line of the process's log, which ``make
trace`` reads back; ``otlp,console`` for both), and ``OTEL_SDK_DISABLED`` is not ``true``.
Where it is off, nothing here loads OpenTelemetry's tracing, and every function below
returns at once: a process that is not traced pays nothing for it.

What a traced process records: each request Django serves (not the health
checks nor /metrics), each query to PostgreSQL, each Redis call, each outgoing HTTP call
(the token issuer's keys), each Celery task queued and run, and the life of
each event (see chassis.events): its creation in the outbox, inside the
request or event handling that caused it; the relay's send, from publish to
the broker's confirm; each consumer's processing. The envelope carries the
creation's context (``traceparent``, CloudEvents' distributed tracing
extension), so a send and every processing are children of the creation,
as OpenTelemetry's messaging conventions advise for one message, and one
trace follows a request through every service its events reach.

Which traces are kept: the gateway decides for the requests it starts a
trace for, everything else follows its parent; a trace that starts here
keeps ``OTEL_TRACES_SAMPLER_ARG`` of its roots (1, all, unless set). A query
or call with nothing around it is dropped: the relay's polls, the consumer's
inbox bookkeeping and the heartbeats would otherwise be thousands of
one-span traces, each about nothing anyone asked for.

The standard ``OTEL_*`` variables tune the rest (``OTEL_BSP_SCHEDULE_DELAY``,
``OTEL_EXPORTER_OTLP_HEADERS``...).
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from opentelemetry.context import Context
    from opentelemetry.trace import Span


def destinations(environment: Mapping[str, str | None]) -> tuple[bool, bool]:
    """Whether a process of `environment` sends its spans to an OTLP endpoint, and whether to
    its log (OpenTelemetry's ``otlp``, its default, and ``console`` exporters)."""
    named = (environment.get("OTEL_TRACES_EXPORTER") or "otlp").lower().split(",")
    exporters = {name.strip() for name in named}
    if (environment.get("OTEL_SDK_DISABLED") or "").lower() == "true":
        return False, False
    to_the_endpoint = bool(environment.get("OTEL_EXPORTER_OTLP_ENDPOINT")) and "otlp" in exporters
    return to_the_endpoint, "console" in exporters


TO_THE_ENDPOINT, TO_THE_LOG = destinations(os.environ)
ENABLED = TO_THE_ENDPOINT or TO_THE_LOG
# The logger each span is a line of, where they go to the log.
SPANS_LOGGER = "chassis.tracing.spans"
if not ENABLED:
    # redis-py imports OpenTelemetry's metrics SDK as it is imported itself, wherever the SDK is
    # installed, for metrics it records only when a program asks it to: a third of a tenth of a
    # second of every process's start. In a process that is not traced, that import fails, and
    # redis-py goes on as it does where the SDK is not installed.
    sys.modules.setdefault("opentelemetry.sdk.metrics", None)  # type: ignore[arg-type]
MESSAGING_SYSTEM = "rabbitmq"
# W3C trace context's headers, which are also the names CloudEvents gives them in an envelope.
TRACE_CONTEXT = ("traceparent", "tracestate")


def start(*, service: str, version: str, runs_celery: bool) -> None:
    """Trace this process as `service`, if tracing is on; once, however often it is called."""
    if ENABLED:
        from chassis.tracing import provider

        provider.start(service=service, version=version, runs_celery=runs_celery)


def _context_of_current_span() -> dict[str, str]:
    """The current span's context as an event envelope carries it (``traceparent`` and, when
    there is one, ``tracestate``); nothing when tracing is off."""
    if not ENABLED:
        return {}
    from opentelemetry.propagate import inject

    carrier: dict[str, str] = {}
    inject(carrier)
    return {name: carrier[name] for name in TRACE_CONTEXT if name in carrier}


def _parent(carrier: Mapping[str, str | None]) -> Context:
    from opentelemetry.propagate import extract

    return extract({name: value for name, value in carrier.items() if value})


@contextmanager
def creating_event(event_type: str, event_id: str, exchange: str) -> Iterator[dict[str, str]]:
    """A span for an event's creation (its outbox row), in the current context; yields that
    span's context for the envelope, or nothing when tracing is off."""
    if not ENABLED:
        yield {}
        return
    from opentelemetry import trace

    with trace.get_tracer(__name__).start_as_current_span(
        f"create {event_type}",
        kind=trace.SpanKind.PRODUCER,
        attributes=_messaging(event_type, event_id, exchange, "create"),
    ):
        yield _context_of_current_span()


def start_sending(
    event_type: str, event_id: str, exchange: str, carrier: Mapping[str, str | None]
) -> Span | None:
    """A span for the relay's send of an event, child of its creation; the caller ends it (see
    :func:`end`) when the broker confirms. None when tracing is off."""
    if not ENABLED:
        return None
    from opentelemetry import trace

    return trace.get_tracer(__name__).start_span(
        f"send {event_type}",
        context=_parent(carrier),
        kind=trace.SpanKind.PRODUCER,
        attributes=_messaging(event_type, event_id, exchange, "send"),
    )


def end(span: Span | None, error: str | None = None) -> None:
    if span is None:
        return
    if error is not None:
        from opentelemetry.trace import Status, StatusCode

        span.set_status(Status(StatusCode.ERROR, error))
    span.end()


@contextmanager
def processing_event(
    event_type: str, event_id: str, exchange: str, carrier: Mapping[str, str | None]
) -> Iterator[Context | None]:
    """A span for a consumer's processing of an event, child of its creation, current while the
    handlers run; yields its context (for what runs after the commit), or None when off."""
    if not ENABLED:
        yield None
        return
    from opentelemetry import context, trace

    from chassis.tracing.provider import quiet_unless_kept

    with (
        trace.get_tracer(__name__).start_as_current_span(
            f"process {event_type}",
            context=_parent(carrier),
            kind=trace.SpanKind.CONSUMER,
            attributes=_messaging(event_type, event_id, exchange, "process"),
        ) as span,
        quiet_unless_kept(span),
    ):
        yield context.get_current()


def current() -> Context | None:
    if not ENABLED:
        return None
    from opentelemetry import context

    return context.get_current()


def resume(saved: Context | None) -> None:
    """Make `saved` (from :func:`current` or :func:`processing_event`) the current context of
    this thread: what a transaction runs after its commit belongs to the span that caused it."""
    if saved is None:
        return
    from opentelemetry import context

    # The token is not kept: the next resume replaces this one, as a request's end does.
    context.attach(saved)


def _messaging(event_type: str, event_id: str, exchange: str, operation: str) -> dict[str, str]:
    return {
        "messaging.system": MESSAGING_SYSTEM,
        "messaging.operation.type": operation,
        "messaging.destination.name": exchange,
        "messaging.rabbitmq.destination.routing_key": event_type,
        "messaging.message.id": event_id,
    }


class TraceIds(logging.Filter):
    """Puts the current span's ``trace_id`` and ``span_id`` on each log record (in the hex form
    trace viewers show), so that a log search and a trace view meet."""

    def filter(self, record: logging.LogRecord) -> bool:
        from opentelemetry import trace

        span_context = trace.get_current_span().get_span_context()
        if span_context.is_valid:
            record.trace_id = format(span_context.trace_id, "032x")
            record.span_id = format(span_context.span_id, "016x")
        else:
            record.trace_id = record.span_id = None
        return True
