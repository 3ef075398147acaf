"""Bakes boot natively (PostgreSQL, RabbitMQ, Redis and nginx on loopback), pass their own
system suite through the gateway, stop on Ctrl-C and leave nothing behind. The bake of samples
and a custom service boots traced, exporting to a receiver of the test's own: an order's trace
runs from the gateway to the e-mail that confirms it.

The default bake boots through its own Makefile in test_generated_project.py;
here, for speed, bakes run on the suite's virtualenv with the chassis on the path.
"""

from __future__ import annotations

import json
import re
import socket
import subprocess
import time
import tomllib
from contextlib import contextmanager
from mailbox import Maildir

import httpx
import pytest
import yaml
from dotenv import dotenv_values
from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import bake, project_libraries, run, services_of, subprocess_env, unique_name
from tests.native import (
    CONTRACTS,
    SHOP_STEPS,
    NativeRun,
    assert_the_load_held,
    assign_free_ports,
    free_ports,
    leftovers,
    without_the_samples_contracts,
)

BOOTED = {
    # Keycloak cannot run here: this bake's tokens cannot be had, its anonymous behaviour is checked.
    "one-custom-service": {"services": "inventory", "auth_provider": "keycloak"},
    # Its plain service gains a subscriber and a Celery task before it boots, as a user's would.
    "samples-and-custom": {"services": "identity,catalog,orders,notifications,inventory"},
}
SUBSCRIBER = """
import logging

from chassis.events import Event, subscriber

logger = logging.getLogger(__name__)


@subscriber("identity.user.registered.v1")
def note_the_new_user(event: Event) -> None:
    logger.info("inventory heard of user %s", event.data["user_id"])
"""
TASKS = """
from celery import shared_task


@shared_task
def count_items() -> int:
    return 0
"""


def grow_a_consumer_and_a_worker(project) -> None:
    """What the README says a user does when a service gains a subscriber and a task: add the
    modules, run `make processes` (here its command). Until then, lint says what to do."""
    package = project / "services/inventory/inventory"
    (package / "subscribers.py").write_text(SUBSCRIBER.lstrip())
    (package / "tasks.py").write_text(TASKS.lstrip())
    stale = run(["python", "-m", "scripts.processes", "--check"], cwd=project, check=False)
    assert stale.returncode == 1
    assert "services/inventory/service.toml is out of date: run `make processes`." in stale.stdout

    run(["python", "-m", "scripts.processes"], cwd=project)

    assert (
        'processes = ["web", "relay", "consumer", "worker"]'
        in (project / "services/inventory/service.toml").read_text()
    )
    procfile = (project / "Procfile.dev").read_text()
    # Natively the relay consumes too, in a thread of its own: no process of its own.
    relay = "inventory-relay-consumer: cd services/inventory && exec python manage.py relay_events --consume"
    assert relay in procfile.splitlines()
    assert "inventory-consumer:" not in procfile
    assert (
        "inventory-worker: cd services/inventory && exec python -m chassis.supervised --stop-within 28 celery"
        in procfile
    )
    compose = yaml.safe_load((project / "services/inventory/compose.yaml").read_text())["services"]
    assert compose["inventory-consumer"]["command"] == ["python", "manage.py", "consume_events"]
    assert compose["inventory-worker"]["command"][:3] == ["celery", "--app", "chassis.celery_app"]
    workloads = list(yaml.safe_load_all((project / "services/inventory/k8s/workloads.yaml").read_text()))
    deployments = {d["metadata"]["name"] for d in workloads if d["kind"] == "Deployment"}
    assert {"inventory-consumer", "inventory-worker"} <= deployments
    run(["python", "-m", "scripts.processes", "--check"], cwd=project)


@pytest.mark.slow(seconds=75)
@pytest.mark.parametrize("answers", BOOTED.values(), ids=BOOTED.keys())
def test_bake_boots_and_passes_its_system_suite(tmp_path, cookiecutter_config, answers):
    slug = unique_name()
    project = bake(tmp_path, cookiecutter_config, project_slug=slug, **answers)
    grows = "identity" in answers["services"] and "inventory" in answers["services"]
    if grows:
        grow_a_consumer_and_a_worker(project)
    gateway = assign_free_ports(project)
    env = project_libraries(project)
    try:
        run(["python", "-m", "scripts.provision"], cwd=project, env=env)
        with (
            receiving_traces(project, env, traced=grows) as traced_env,
            NativeRun(["python", "-m", "scripts.native", "--start"], project, gateway, traced_env) as system,
        ):
            system.wait_until_ready()
            suite = ["python", "-m", "pytest", "-v", "tests/system", *without_the_samples_contracts(project)]
            result = run(suite, cwd=project, env={"GATEWAY_URL": gateway})
            if grows:  # the load test's journey of a plain service, with the shop's around it
                load = run(["python", "-m", "scripts.load", "--users", "10", "--seconds", "15"], cwd=project, env=env)
                scraped = scrape_every_process(project)
                watched = what_prometheus_watches(project)
    finally:
        run(["python", "-m", "scripts.provision", "--teardown"], cwd=project, env=env)

    assert " passed" in result.stdout
    assert " skipped" not in result.stdout
    assert f"{CONTRACTS}[inventory] PASSED" in result.stdout  # what no other boot checks
    assert leftovers(slug) == []
    if grows:
        plain_steps = [
            "POST inventory: make an item",
            "PATCH inventory: rename an item",
            "DELETE inventory: delete an item",
        ]
        assert_the_load_held(load.stdout, [*SHOP_STEPS, *plain_steps])
        assert "| inventory: an item reads back as written | " in load.stdout
        # The system suite registered customers: the grown consumer heard of them.
        assert "inventory heard of user" in system.output()
        assert re.search(r"inventory-worker\.1 .*\. inventory\.tasks\.count_items", system.output())
        assert re.search(r'inventory-worker\.1 .*"message": "inventory@\S+ ready\.', system.output())
        assert re.search(r"Traces +OTLP to http://127\.0\.0\.1:\d+; in the log: make trace ", system.output())
        assert_an_order_is_traced_from_the_gateway_to_its_email(project, system.output())
        assert_the_rules_and_dashboards_watch_what_the_processes_expose(project, scraped)
        targets, rule_groups, alerts = watched
        # Each web process, and each process that serves its own metrics, found by its file.
        assert [target["health"] for target in targets] == ["up"] * len(scraped), targets
        found = sorted(target["labels"].get("process", "web") for target in targets)
        assert found.count("relay") == found.count("web") == len(services_of(project)), found
        assert found.count("worker") == len(list(project.glob("services/*/*/tasks.py"))), found
        assert sorted(rule_groups) == ["events", "requests"]
        assert alerts == [], alerts  # a healthy system alarms no one
        assert re.search(r"Alerts +Prometheus, http://127\.0\.0\.1:\d+/alerts\n", system.output())
        # What the processes kept in their temporary directory is the project's own, not /tmp's.
        scratch = project / ".run/tmp"
        beats = {path.name.split("-")[0] for path in scratch.glob("*-celerybeat-schedule*")}
        with_beat = {
            path.parent.name
            for path in project.glob("services/*/service.toml")
            if "beat" in tomllib.loads(path.read_text())["processes"]
        }
        assert beats == with_beat, beats
        assert (scratch / "relay.alive").exists()
    if "notifications" in answers["services"]:
        assert_mail_was_caught(project)


SPANS = ".run/spans.jsonl"
# An order's saga, from the e-mail that confirms it up to the request that placed it: each span
# the parent of the one before (service, span, kind).
CONFIRMED_ORDER = [
    ("notifications", "run/notifications.tasks.deliver_notification", "consumer"),
    ("notifications", "apply_async/notifications.tasks.deliver_notification", "producer"),
    ("notifications", "process orders.order.confirmed.v1", "consumer"),
    ("orders", "create orders.order.confirmed.v1", "producer"),
    ("orders", "process catalog.stock.reserved.v1", "consumer"),
    ("catalog", "create catalog.stock.reserved.v1", "producer"),
    ("catalog", "process orders.order.placed.v1", "consumer"),
    ("orders", "create orders.order.placed.v1", "producer"),
    ("orders", "POST api/orders/orders/", "server"),
]


@contextmanager
def receiving_traces(project, env, *, traced):
    """The environment a system boots with: if `traced`, exporting its traces over OTLP to a
    receiver of the test's own (chassis_testing.otlp), which writes each span to SPANS."""
    if not traced:
        yield env
        return
    (port,) = free_ports(1)
    # Outside the project's folder: the system's stop counts every process in it as its own.
    receiver = subprocess.Popen(
        ["python", "-m", "chassis_testing.otlp", "--port", str(port), "--spans", project / SPANS],
        cwd=project.parent,
        env=subprocess_env(project_libraries(project, for_tests=True)),
    )
    try:
        deadline = time.monotonic() + 30
        while not listening(port):
            assert receiver.poll() is None, "the trace receiver did not start"
            assert time.monotonic() < deadline, "the trace receiver never listened"
            time.sleep(0.1)
        # Exported within a tenth of a second, so that the spans are there when the suite ends;
        # logged too, for `make trace` to read back.
        yield {
            **env,
            "OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{port}",
            "OTEL_BSP_SCHEDULE_DELAY": "100",
            "OTEL_TRACES_EXPORTER": "otlp,console",
        }
    finally:
        receiver.terminate()
        receiver.wait(timeout=30)


def what_prometheus_watches(project):
    """The native run's Prometheus, once it has scraped every service and evaluated its rules:
    its targets, its rule groups and its alerts."""
    prometheus = f"http://127.0.0.1:{dotenv_values(project / '.env')['PROMETHEUS_PORT']}/api/v1"
    deadline = time.monotonic() + 60
    while True:
        targets = httpx.get(f"{prometheus}/targets").json()["data"]["activeTargets"]
        groups = httpx.get(f"{prometheus}/rules").json()["data"]["groups"]
        # Prometheus's zero time, year 1, says a group was never evaluated.
        evaluated = groups and not any(group["lastEvaluation"].startswith("0001-") for group in groups)
        if evaluated and all(target["health"] == "up" for target in targets):
            break
        assert time.monotonic() < deadline, (targets, groups)
        time.sleep(1)
    alerts = httpx.get(f"{prometheus}/alerts").json()["data"]["alerts"]
    return targets, [group["name"] for group in groups], alerts


def scrape_every_process(project):
    """Each process's /metrics, read as Prometheus reads it: each web process at its service's
    port, each of the others where its target file says (scripts.prometheus); their samples, by
    the process (the service, or the file's name: orders-relay)."""
    ports = dotenv_values(project / ".env")
    addresses = {service: f"127.0.0.1:{ports[f'{service.upper()}_PORT']}" for service in services_of(project)}
    for path in (project / ".run/prometheus/targets").glob("*.json"):
        ((address,),) = [group["targets"] for group in json.loads(path.read_text())]
        addresses[path.stem] = address
    return {
        process: [
            sample
            for family in text_string_to_metric_families(httpx.get(f"http://{address}/metrics").text)
            for sample in family.samples
        ]
        for process, address in addresses.items()
    }


# A metric's name in a rule's expression or a panel's query (a recording rule's own, with its
# colons, is not one).
METRIC = re.compile(r"(?<![:\w])(?:http|events|db|cache|celery)_\w+(?![:\w])")


def assert_the_rules_and_dashboards_watch_what_the_processes_expose(project, scraped):
    """Every metric an alert, a recording rule or a dashboard reads is one the processes expose,
    and the system suite's order moved what it should: its request, its events published and
    handled, its e-mail's task."""
    observability = project / "deploy/observability"
    groups = yaml.safe_load((observability / "prometheus/rules.yml").read_text())["groups"]
    queries = [rule["expr"] for group in groups for rule in group["rules"]]
    dashboards = sorted(observability.glob("grafana/dashboards/*.json"))
    assert dashboards, "no dashboard to check"
    for path in dashboards:
        queries += [target["expr"] for panel in json.loads(path.read_text())["panels"] for target in panel["targets"]]
    read = {name for query in queries for name in METRIC.findall(query)}
    # A histogram is read by its series (_bucket, _count, _sum), a counter by its _total.
    exposed = {sample.name for samples in scraped.values() for sample in samples}
    assert read, "nothing reads a metric of the processes'"
    assert sorted(read - exposed) == []

    def counted(process, name, **labels):
        return sum(
            sample.value
            for sample in scraped[process]
            if sample.name == name and labels.items() <= sample.labels.items()
        )

    placed = {"service": "orders", "route": "api/orders/orders/", "method": "POST", "status": "201"}
    assert counted("orders", "http_requests_total", **placed) > 0
    assert counted("orders-relay", "events_published_total", service="orders") > 0
    # Natively, the relay's process hosts the consumer.
    assert counted("catalog-relay", "events_consumed_total", service="catalog", outcome="handled") > 0
    assert counted("catalog-relay", "events_consumed_total", outcome="parked") == 0
    task = "notifications.tasks.deliver_notification"
    assert counted("notifications-worker", "celery_tasks_total", task=task, outcome="success") > 0


def listening(port):
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def assert_an_order_is_traced_from_the_gateway_to_its_email(project, output):
    spans = [json.loads(line) for line in (project / SPANS).read_text().splitlines()]
    by_id = {span["span_id"]: span for span in spans}

    def ancestry(span):
        while span is not None:
            yield span
            span = by_id.get(span["parent_id"])

    chains = [list(ancestry(span)) for span in spans if span["name"] == CONFIRMED_ORDER[0][1]]
    sagas = [chain for chain in chains if saga_steps(chain) == CONFIRMED_ORDER]
    assert sagas, [[s["name"] for s in chain] for chain in chains]
    for saga in sagas:
        (trace_id,) = {span["trace_id"] for span in saga}
        # Each relay's send is a child of its event's creation, beside the processing.
        for creation in (span for span in saga if span["name"].startswith("create ")):
            sends = [s for s in spans if s["parent_id"] == creation["span_id"] and s["kind"] == "producer"]
            assert [s["name"] for s in sends] == [creation["name"].replace("create", "send")]
        # The order's request came through the gateway, whose access log names the trace.
        gateway_line = next(line for line in output.splitlines() if f'"trace_id":"{trace_id}"' in line)
        assert '"method":"POST","uri":"/api/orders/orders/"' in gateway_line
        assert saga[-1]["parent_id"] == trace_id[:16]  # the gateway's span, which it made up
    assert_make_trace_shows_the_saga(project, sagas[0])


def assert_make_trace_shows_the_saga(project, saga):
    """`make trace` finds the same saga in the run's log, each span under its parent."""
    (trace_id,) = {span["trace_id"] for span in saga}
    shown = run(["python", "-m", "scripts.trace", trace_id], cwd=project).stdout.splitlines()

    assert shown[0].startswith(f"trace {trace_id}: ")
    assert shown[1].startswith("  gateway POST /api/orders/orders/ -> 201 in ")
    depths = []
    for service, name, kind in reversed(saga_steps(saga)):
        (line,) = [line for line in shown if re.match(rf" +{service} +{re.escape(name)} \({kind}\)  \+", line)]
        depths.append(len(line) - len(line.lstrip(" ")))
    assert depths == sorted(set(depths)), shown  # each one deeper than the one before


def saga_steps(saga):
    return [(span["service"], span["name"], span["kind"]) for span in saga]


def plain_text(message):
    """The text part of a message (it goes out as text and as HTML)."""
    part = next(part for part in message.walk() if part.get_content_type() == "text/plain")
    return part.get_payload(decode=True).decode()


def assert_mail_was_caught(project):
    """The system suite signed people up and had orders confirmed: the e-mail it caused
    reached the project's mail catcher, through a Celery worker and real SMTP."""
    caught = [(message["To"], message["Subject"], plain_text(message)) for message in Maildir(project / ".run/mail")]
    welcomes = [mail for mail in caught if mail[1].startswith("Welcome to ")]
    confirmations = [mail for mail in caught if mail[1] == "Your order is confirmed"]
    assert welcomes, caught
    assert all(body.startswith("Hello ") and to in body for to, _, body in welcomes)
    assert confirmations, caught
    assert all(re.search(r"your order [0-9a-f-]{36} of \d+\.\d\d EUR is confirmed", body) for *_, body in confirmations)
