"""Traces: an event's trace runs from the span that published it through its creation, the relay's
send and the consumer's processing, in real processes exporting over OTLP; a process that is not
traced sets none of it up."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import defaultdict

import pytest
from django.db import connection

from chassis.queues import wait_until_consumed
from chassis_testing import database_url_for_tests, eventually
from chassis_testing.otlp import TraceReceiver

from tests.events import WidgetShipped
from tests.models import Effect
from tests.test_event_faults import CHASSIS_DIR, PYTHONPATH, SETTINGS, Worker, worker_env

EVENTS = 5
SHIP_WIDGETS = f"""
import logging
from uuid import uuid4

from django.db import transaction
from opentelemetry import trace

from chassis.events import publish
from tests.events import WidgetShipped

with trace.get_tracer("tests").start_as_current_span("ship widgets"):
    logging.getLogger("tests").warning("shipping widgets")
    with transaction.atomic():
        for number in range({EVENTS}):
            publish(WidgetShipped(uuid4(), number))
"""
ASK_AS_A_PROBE_AND_AS_A_CLIENT = """
from django.conf import settings
from django.test import Client

client = Client()
print(
    client.get("/health/live", HTTP_HOST="10.1.2.3:8000").status_code,
    client.get("/metrics", HTTP_HOST="sample:8000").status_code,
    client.get("/api/sample/me/", HTTP_HOST=settings.ALLOWED_HOSTS[0]).status_code,
)
"""
# A kept and an unkept trace (the sampled flag of the caller's traceparent), each asking for a
# page that reads the database: how many spans each request started.
SPANS_STARTED_KEPT_AND_NOT = """
from django.conf import settings
from django.test import Client
from opentelemetry.sdk.trace import Tracer

started = []
start_span = Tracer.start_span
Tracer.start_span = lambda self, name, *args, **kwargs: (
    started.append(name) or start_span(self, name, *args, **kwargs)
)
client, host = Client(), settings.ALLOWED_HOSTS[0]
counts = []
for flags in ("01", "00"):
    started.clear()
    parent = f"00-{'ab' * 16}-{'cd' * 8}-{flags}"
    assert client.get("/api/sample/effects/", HTTP_HOST=host, HTTP_TRACEPARENT=parent).status_code == 200
    counts.append(len(started))
print(*counts)
"""
WHAT_IS_IMPORTED = """
import sys

from chassis.events import consumer, outbox, relay  # noqa: F401

# redis-py imports OpenTelemetry's metrics API wherever the SDK is installed; the tracing SDK and
# the instrumentations are what a traced process loads.
tracing = ("opentelemetry.sdk.trace", "opentelemetry.instrumentation", "chassis.tracing.provider")
print(sorted(name for name in sys.modules if name.startswith(tracing)))
"""


@pytest.fixture
def trace_receiver():
    receiver = TraceReceiver()
    yield receiver
    receiver.close()


def exporting_to(receiver: TraceReceiver) -> dict[str, str]:
    """A process's environment that traces it into `receiver`, each span within 50 ms."""
    return {"OTEL_EXPORTER_OTLP_ENDPOINT": receiver.endpoint, "OTEL_BSP_SCHEDULE_DELAY": "50"}


def django_shell(code: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`code`, run by Django's shell on the tests' settings."""
    return subprocess.run(
        [sys.executable, "-m", "django", "shell", "--command", code, *SETTINGS],
        cwd=CHASSIS_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )


def last_line(shell: subprocess.CompletedProcess[str]) -> str:
    """What the shell's code printed last: the shell first says what it imported."""
    return shell.stdout.splitlines()[-1]


@pytest.mark.django_db(transaction=True)
def test_an_events_trace_runs_from_its_publisher_through_send_and_processing(
    events_settings, trace_receiver, tmp_path
):
    env = worker_env(events_settings, **exporting_to(trace_receiver))
    relay = Worker("relay_events", env, tmp_path / "relay.log", "--consume")
    relay.start()
    try:
        wait_until_consumed(events_settings["BROKER_URL"], events_settings["QUEUE"])
        shipped = django_shell(SHIP_WIDGETS, env)
        eventually(lambda: Effect.objects.count() == EVENTS, timeout=60)
    finally:
        relay.stop()  # on its way out, the process exports what it has left
        connection.close()

    spans = trace_receiver.spans()
    by_name = defaultdict(list)
    for span in spans:
        by_name[span.name.split(" ")[0]].append(span)
    (root,) = by_name["ship"]
    assert root.parent_id == ""
    # The relay's polls, the inbox's bookkeeping, the heartbeats: no traces of their own.
    assert {span.trace_id for span in spans} == {root.trace_id}, sorted({s.name for s in spans})

    creations = by_name["create"]
    assert len(creations) == EVENTS
    for creation in creations:
        assert (creation.kind, creation.parent_id) == ("producer", root.span_id)
        assert creation.attributes["messaging.destination.name"] == events_settings["EXCHANGE"]
        assert (
            creation.attributes["messaging.rabbitmq.destination.routing_key"] == WidgetShipped.TYPE
        )
        (send,) = [s for s in by_name["send"] if s.parent_id == creation.span_id]
        assert (send.kind, send.error) == ("producer", False)
        assert (
            send.attributes["messaging.message.id"] == creation.attributes["messaging.message.id"]
        )
        (process,) = [s for s in by_name["process"] if s.parent_id == creation.span_id]
        assert (process.kind, process.error) == ("consumer", False)
        # The handler's query, within its processing.
        queries = [s for s in spans if s.parent_id == process.span_id]
        assert [q.kind for q in queries] == ["client"], queries
        assert "tests_effect" in str(queries[0].attributes)

    (line,) = [
        json.loads(line) for line in shipped.stderr.splitlines() if "shipping widgets" in line
    ]
    assert (line["trace_id"], line["span_id"]) == (root.trace_id, root.span_id)


def test_probes_and_scrapes_of_any_host_are_answered_untraced_and_requests_are_traced(
    trace_receiver,
):
    """Supervisors probe health, and Prometheus scrapes, with hosts the service does not serve,
    every few seconds: they are answered, and not traced."""
    answered = django_shell(
        ASK_AS_A_PROBE_AND_AS_A_CLIENT,
        {**os.environ, "PYTHONPATH": PYTHONPATH, **exporting_to(trace_receiver)},
    )

    assert last_line(answered).split() == ["200", "200", "401"], answered.stderr
    spans = eventually(trace_receiver.spans, timeout=10)
    assert [(span.name, span.kind) for span in spans] == [("GET api/sample/me/", "server")]


@pytest.mark.django_db(transaction=True)
def test_an_unkept_request_makes_no_spans_of_its_queries_and_calls(trace_receiver):
    """A trace that is not kept costs its request at most its own span: the wrappers of its
    queries (and Redis and HTTP calls) stand aside, where each would make a span nobody sees."""
    counted = django_shell(
        SPANS_STARTED_KEPT_AND_NOT,
        {
            **os.environ,
            "PYTHONPATH": PYTHONPATH,
            "DATABASE_URL": database_url_for_tests(),
            **exporting_to(trace_receiver),
        },
    )

    kept, unkept = map(int, last_line(counted).split())
    assert kept >= 2, "the kept request's own span and its query's"
    assert unkept <= 1, "at most the unkept request's own span"


@pytest.mark.parametrize(
    "setting",
    [{}, {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:9", "OTEL_SDK_DISABLED": "true"}],
    ids=["no endpoint", "disabled"],
)
def test_an_untraced_process_sets_up_no_tracing(setting):
    untraced = {name: value for name, value in os.environ.items() if not name.startswith("OTEL_")}

    imported = django_shell(WHAT_IS_IMPORTED, {**untraced, "PYTHONPATH": PYTHONPATH, **setting})

    assert last_line(imported) == "[]"


@pytest.mark.django_db(transaction=True)
def test_a_process_tracing_to_its_log_writes_each_span_as_a_json_line_with_its_parent(
    events_settings,
):
    """OTEL_TRACES_EXPORTER=console: what `make trace` reads back, with no endpoint at all."""
    env = worker_env(events_settings, OTEL_TRACES_EXPORTER="console")
    env.pop("OTEL_EXPORTER_OTLP_ENDPOINT", None)

    shell = django_shell(SHIP_WIDGETS, env)

    logged = [json.loads(line) for line in shell.stderr.splitlines() if line.startswith("{")]
    spans = {record["span"]["name"]: record["span"] for record in logged if "span" in record}
    root = spans["ship widgets"]
    assert root["parent_id"] is None
    creations = [s for s in spans.values() if s["name"] == "create sample.widget.shipped.v1"]
    assert creations, sorted(spans)
    assert all(s["parent_id"] == root["span_id"] for s in creations)
    assert {s["trace_id"] for s in spans.values()} == {root["trace_id"]}
    assert all(s["duration_ms"] >= 0 and s["start_ns"] > 0 for s in spans.values())
    # The shell's own warning, written inside the root span, names it as the spans do.
    (warning,) = [record for record in logged if record.get("message") == "shipping widgets"]
    assert (warning["trace_id"], warning["span_id"]) == (root["trace_id"], root["span_id"])
