"""JSON log lines, each carrying the service name and the request's correlation id.

The correlation id is the request's ``X-Request-ID`` (the gateway sets one when
the client did not), so one id follows a request through the gateway and every
service it touches. Where tracing is on (chassis.tracing), each line also
names the trace and the span it was written in.
"""

from __future__ import annotations

from typing import Any

from chassis import tracing


def logging_config(*, service: str, level: str) -> dict[str, Any]:
    """Return a ``LOGGING`` dict writing one JSON object per line to stderr."""
    filters = {"correlation_id": {"()": "django_guid.log_filters.CorrelationId"}}
    fields = ["levelname", "name", "message", "correlation_id"]
    loggers: dict[str, dict[str, Any]] = {}
    if tracing.ENABLED:
        filters["trace_ids"] = {"()": "chassis.tracing.TraceIds"}
        fields += ["trace_id", "span_id"]
    if tracing.TO_THE_LOG:
        # Each span a line (chassis.tracing.provider), whatever the level of the rest.
        loggers[tracing.SPANS_LOGGER] = {"level": "INFO"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": filters,
        "formatters": {
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "fmt": fields,
                "rename_fields": {"levelname": "level", "name": "logger"},
                "static_fields": {"service": service},
                "timestamp": "time",
            },
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "filters": list(filters),
            },
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # django-guid logs every header it reads, pika every connection step, at INFO: noise, not news.
            "django_guid": {"level": "WARNING"},
            "pika": {"level": "WARNING"},
            # A look at a queue not declared yet (the bus's metrics, before the consumer's first
            # start) closes its channel, which pika reports as a warning: the code that looked
            # expects it, and reports what it means.
            "pika.channel": {"level": "ERROR"},
            # Gunicorn gives its logger a plain-text handler of its own; naming
            # it here replaces that with the JSON one above.
            "gunicorn.error": {"handlers": [], "propagate": True},
            **loggers,
        },
    }
