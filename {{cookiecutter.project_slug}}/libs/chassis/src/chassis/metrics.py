"""Prometheus metrics: every service's ``/metrics``, in Prometheus's text format.

What it holds, each labelled with the service's name:

- requests by route (the URL pattern, never the path: ids would make a series
  each), method and status, and their durations: rate, errors, duration (RED);
- the duration of each query a request makes to PostgreSQL, and the read
  cache's lookups by outcome (hit, miss, unavailable);
- the event bus, read when scraped: the outbox's unsent events and the age of
  the oldest, and for a service that subscribes, its queue's waiting events,
  those waiting out a retry, those parked in the dead-letter queue, and how
  many consumers it has;
- what the processes that serve no HTTP did, each on a port of its own (see
  :func:`serve`): events the relay published, events the consumer settled by
  outcome (handled, duplicate, retried, parked), Celery tasks by outcome.

``/metrics`` is answered before anything else reads the request, as the health
checks are, so that a scraper needs no host name the service knows. The gateway
does not route it: only what can reach a service's own port (Prometheus, on the
system's network) reads it. Gunicorn's workers count in files of a directory
of the web process's own (prometheus_client's multiprocess mode, set up by
chassis.gunicorn), so that a scrape, whichever worker answers it, counts all.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    start_http_server,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

logger = logging.getLogger(__name__)

METRICS_PATH = "/metrics"
# Requests no route matched (a 404, the gateway's probes of nothing): one series for them all.
UNMATCHED = "unmatched"

REQUESTS = Counter("http_requests", "Requests answered.", ["service", "route", "method", "status"])
REQUEST_SECONDS = Histogram(
    "http_request_duration_seconds",
    "Seconds from a request's arrival to its response.",
    ["service", "route", "method"],
    buckets=(0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
QUERY_SECONDS = Histogram(
    "db_query_duration_seconds",
    "Seconds each query of a request took in PostgreSQL.",
    ["service"],
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1),
)
CACHE_LOOKUPS = Counter(
    "cache_lookups", "Read cache lookups, by outcome.", ["service", "cache", "outcome"]
)
EVENTS_PUBLISHED = Counter(
    "events_published", "Events the relay published and the broker confirmed.", ["service"]
)
EVENTS_CONSUMED = Counter(
    "events_consumed",
    "Events the consumer settled, by outcome: handled, duplicate (handled before), retried"
    " (sent to wait out a delay), parked (in the dead-letter queue).",
    ["service", "outcome"],
)
TASKS = Counter(
    "celery_tasks",
    "Celery tasks a worker ran, by task and outcome (Celery's state: success, failure, retry).",
    ["service", "task", "outcome"],
)


def service() -> str:
    return settings.SERVICE_INFO.name


class MetricsMiddleware:
    """Answers ``/metrics``; counts and times every other request, and its queries."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.service = service()
        self.queries = QUERY_SECONDS.labels(self.service)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path == METRICS_PATH:
            return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)
        started = time.perf_counter()
        with connection.execute_wrapper(self._time_query):
            response = self.get_response(request)
        match = request.resolver_match
        route = match.route if match is not None else UNMATCHED
        REQUESTS.labels(self.service, route, request.method, response.status_code).inc()
        REQUEST_SECONDS.labels(self.service, route, request.method).observe(
            time.perf_counter() - started
        )
        return response

    def _time_query(self, execute: Callable[..., Any], *args: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(*args)
        finally:
            self.queries.observe(time.perf_counter() - started)


def exposition() -> bytes:
    registry = _counted()
    registry.register(EventBus())
    return generate_latest(registry)


def _counted() -> CollectorRegistry:
    """What the processes counted: this one's, or all those counting in files (Gunicorn's
    workers, a Celery worker's pool)."""
    registry = CollectorRegistry()
    if "PROMETHEUS_MULTIPROC_DIR" in os.environ:
        MultiProcessCollector(registry)
    else:
        registry.register(_ThisProcess())
    return registry


def serve(process: str) -> Callable[[], None]:
    """Answer ``/metrics`` for this `process` (a relay, a consumer, a Celery worker: one with no
    web server of its own) from a thread, where the environment asks for it; returns what stops
    it. The bus's state is left to the web process's ``/metrics``, read once.

    ``METRICS_PORT`` (Compose and Kubernetes, where each container has its own address) is the
    port, on every address. ``METRICS_TARGETS_DIR`` (a native run, where a service's processes
    share the machine's) asks for any free loopback port instead, which the process names in a
    file there for Prometheus to find (its file-based discovery), and removes as it stops.
    """
    port, targets = os.environ.get("METRICS_PORT"), os.environ.get("METRICS_TARGETS_DIR")
    if not (port or targets):
        return lambda: None
    if targets:
        host, wanted = "127.0.0.1", 0
    else:
        host, wanted = "0.0.0.0", int(port)  # noqa: S104 - the container's own address
    server, thread = start_http_server(wanted, host, registry=_counted())
    listening = f"{host}:{server.server_port}"
    logger.info("Metrics of the %s on http://%s/metrics", process, listening)
    target = Path(targets, f"{service()}-{process}.json") if targets else None
    if target is not None:
        written = target.with_suffix(".tmp")
        written.write_text(json.dumps([{"targets": [listening], "labels": {"process": process}}]))
        written.rename(target)  # whole or absent, for a reader at any moment

    def stop() -> None:
        if target is not None:
            target.unlink(missing_ok=True)
        server.shutdown()
        server.server_close()
        thread.join()

    return stop


class _ThisProcess(Collector):
    """This process's own metrics (where it is the only one counting)."""

    def collect(self) -> Iterator[Any]:
        yield from REGISTRY.collect()


class EventBus(Collector):
    """The event bus as it is now, read at each scrape; what cannot be read is left out (and
    logged), so that the rest of the scrape still arrives."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        # Here, not at the top: the models it reads are not loaded when this module is.
        from chassis.events.status import outbox_status, queue_depths

        name = service()
        try:
            outbox = outbox_status()
        except Exception as error:  # a scrape reports what it can, it never fails
            logger.warning("The outbox cannot be read for metrics: %s", error)
        else:
            yield _gauge(
                "events_outbox_unsent",
                "Events committed, not yet published.",
                name,
                outbox["unsent"],
            )
            yield _gauge(
                "events_outbox_oldest_unsent_age_seconds",
                "How long the oldest unsent event has waited (0: none waits).",
                name,
                outbox["oldest_unsent_seconds"] or 0,
            )
        try:
            queue = queue_depths()
        except Exception as error:  # as above
            logger.warning("The event queues cannot be read for metrics: %s", error)
            return
        if queue is None:  # the service subscribes to nothing
            return
        for metric, about, key in (
            ("events_queue_waiting", "Events waiting in the service's queue.", "waiting"),
            ("events_queue_retrying", "Events waiting out a retry's delay.", "retrying"),
            ("events_dead_letters", "Events parked in the dead-letter queue.", "dead_letters"),
            ("events_queue_consumers", "Consumers of the service's queue.", "consumers"),
        ):
            yield _gauge(metric, about, name, queue[key])


def _gauge(metric: str, about: str, name: str, value: float) -> GaugeMetricFamily:
    family = GaugeMetricFamily(metric, about, labels=["service"])
    family.add_metric([name], value)
    return family
