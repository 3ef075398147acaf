"""/metrics: Prometheus's text, answered to any host; requests counted by route and status, across
every Gunicorn worker; the event bus as it is, read from the database and the real broker."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from uuid import uuid4

import httpx
import pika
import pytest
from django.db import transaction
from prometheus_client.parser import text_string_to_metric_families

from chassis import metrics
from chassis.events import publish
from chassis.events.consumer import Consumer
from chassis.events.relay import Relay
from chassis_testing import ServiceProcess, eventually, free_port

from tests.conftest import fill_the_bus
from tests.events import WidgetShipped

ME = "/api/sample/me/"


def samples(text: str) -> dict[tuple[str, frozenset], float]:
    """Each sample of the exposition, by its name and labels."""
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(scraped: dict, name: str, **labels: str) -> float:
    return scraped.get((name, frozenset({"service": "sample", **labels}.items())), 0)


def scrape(client) -> dict:
    response = client.get("/metrics", HTTP_HOST="prometheus.internal:9090")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    return samples(response.content.decode())


# Each scrape reads the event queues: the test's own (topology), never a running system's.
@pytest.mark.django_db
@pytest.mark.usefixtures("topology")
def test_requests_are_counted_by_route_and_status_and_timed(client):
    unmatched = {"route": "unmatched", "method": "GET", "status": "404"}
    refused = {"route": "api/sample/me/", "method": "GET", "status": "401"}
    before = scrape(client)

    for _ in range(3):
        client.get(ME)
    client.get("/api/sample/no-such-thing/12345/")
    after = scrape(client)

    assert (
        value(after, "http_requests_total", **refused)
        - value(before, "http_requests_total", **refused)
        == 3
    )
    # Whatever the path, one series for what no route matched.
    assert (
        value(after, "http_requests_total", **unmatched)
        - value(before, "http_requests_total", **unmatched)
        == 1
    )
    timed = {"route": "api/sample/me/", "method": "GET"}
    assert (
        value(after, "http_request_duration_seconds_count", **timed)
        - value(before, "http_request_duration_seconds_count", **timed)
        == 3
    )
    # /metrics itself is not a request of the service's.
    assert not any(dict(labels).get("route") == "/metrics" for _, labels in after)


@pytest.mark.django_db
@pytest.mark.usefixtures("topology")
def test_a_requests_queries_are_timed(client):
    before = value(scrape(client), "db_query_duration_seconds_count")
    client.get("/api/sample/effects/")
    assert value(scrape(client), "db_query_duration_seconds_count") > before


@pytest.mark.django_db
def test_the_bus_shows_unsent_events_their_age_and_parked_ones(client, topology, events_settings):
    at_rest = scrape(client)
    assert value(at_rest, "events_outbox_unsent") == 0
    assert value(at_rest, "events_dead_letters") == 0
    assert value(at_rest, "events_queue_consumers") == 0

    fill_the_bus(
        topology, events_settings["BROKER_URL"], {topology.dead_letter_queue: 1, topology.queue: 1}
    )
    scraped = scrape(client)

    assert value(scraped, "events_outbox_unsent") == 2
    assert 120 <= value(scraped, "events_outbox_oldest_unsent_age_seconds") < 180
    assert value(scraped, "events_dead_letters") == 1
    assert value(scraped, "events_queue_waiting") == 1


@pytest.mark.django_db
def test_without_the_broker_the_rest_is_still_scraped(client, settings, topology):
    settings.EVENTS = {
        **settings.EVENTS,
        "BROKER_URL": f"amqp://guest:guest@127.0.0.1:{free_port()}/",
    }
    client.get(ME)

    scraped = scrape(client)

    assert value(scraped, "events_outbox_unsent") == 0
    assert ("events_dead_letters", frozenset({"service": "sample"}.items())) not in scraped
    assert (
        value(scraped, "http_requests_total", route="api/sample/me/", method="GET", status="401")
        >= 1
    )


def test_every_gunicorn_worker_is_counted_and_nothing_is_left_behind(tmp_path):
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    web = ServiceProcess(
        [
            "-m",
            "gunicorn",
            "--config",
            "python:chassis.gunicorn",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "tests.wsgi",
        ],
        tmp_path / "web.log",
        # Where the web process makes its directory of counts.
        env={"DJANGO_SETTINGS_MODULE": "tests.settings", "TMPDIR": str(tmp_path)},
    )
    try:
        eventually(lambda: _answers(f"{url}/health/live"), timeout=60, message=web.output)
        # A connection each, several at once: both workers answer some.
        with ThreadPoolExecutor(8) as pool:
            statuses = list(pool.map(lambda _: httpx.get(url + ME).status_code, range(40)))
        assert statuses == [401] * 40
        # Whichever worker answers a scrape, it counts the other's requests too.
        for _ in range(6):
            with httpx.Client() as fresh:
                scraped = samples(fresh.get(f"{url}/metrics").text)
            assert (
                value(
                    scraped,
                    "http_requests_total",
                    route="api/sample/me/",
                    method="GET",
                    status="401",
                )
                == 40
            )
        assert list(tmp_path.glob("metrics-*")) != []
    finally:
        web.stop()

    assert list(tmp_path.glob("metrics-*")) == [], web.output()


def _answers(url: str) -> bool:
    try:
        return httpx.get(url).status_code == 200
    except httpx.TransportError:
        return False


@pytest.mark.django_db(transaction=True)
def test_the_relay_and_consumer_count_what_they_publish_and_settle(
    events_settings, topology, in_thread, tmp_path, monkeypatch
):
    events_settings["RETRY_DELAYS"] = [1, 2]  # the last one parks in seconds
    monkeypatch.setenv("METRICS_TARGETS_DIR", str(tmp_path))
    stop_serving = metrics.serve("relay")
    try:
        # Where a native run's Prometheus finds it.
        [target] = json.loads((tmp_path / "sample-relay.json").read_text())
        assert target["labels"] == {"process": "relay"}
        url = f"http://{target['targets'][0]}/metrics"
        before = samples(httpx.get(url).text)

        in_thread(Relay)
        in_thread(Consumer)
        with transaction.atomic():
            handled = [publish(WidgetShipped(uuid4(), number)) for number in (1, 2)]
            publish(WidgetShipped(uuid4(), 3, fail="always"))

        def moved(name: str, **labels: str) -> float:
            return value(samples(httpx.get(url).text), name, **labels) - value(
                before, name, **labels
            )

        eventually(lambda: moved("events_consumed_total", outcome="parked") == 1, timeout=30)
        # Delivered again, as after a relay lost its confirms.
        with pika.BlockingConnection(pika.URLParameters(events_settings["BROKER_URL"])) as amqp:
            amqp.channel().basic_publish(topology.exchange, handled[0].type, handled[0].to_json())
        eventually(lambda: moved("events_consumed_total", outcome="duplicate") == 1)
        assert moved("events_published_total") == 3
        assert moved("events_consumed_total", outcome="handled") == 2
        assert moved("events_consumed_total", outcome="retried") == 2
    finally:
        stop_serving()

    assert list(tmp_path.iterdir()) == [], "the target outlived the process's metrics"
    with pytest.raises(httpx.TransportError):
        httpx.get(url)
