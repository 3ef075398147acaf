"""A server the service depends on going away is a 503 with Retry-After, never a 500, while
several clients write; nothing a 201 accepted is lost, and the service answers again as soon as
the server is back. The service runs as in production (Gunicorn), its database and Redis behind
links the tests cut (every connection dropped, new ones refused), as a server's restart does."""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from chassis.problems import RETRY_AFTER_SECONDS
from chassis_testing import ServiceProcess, database_url_for_tests, eventually

from tests.conftest import CuttableLink
from tests.models import Effect

pytestmark = pytest.mark.django_db(transaction=True)

REDIS = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
WRITERS = 4


@dataclass
class Service:
    url: str
    database: CuttableLink
    redis: CuttableLink
    process: ServiceProcess


def answers_ok(url: str) -> bool:
    try:
        return httpx.get(url).status_code == 200
    except httpx.TransportError:  # not listening yet
        return False


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def service(tmp_path) -> Iterator[Service]:
    database, redis = CuttableLink.to(database_url_for_tests()), CuttableLink.to(REDIS)
    port = free_port()
    gunicorn = ["-m", "gunicorn", "--config", "python:chassis.gunicorn", "--workers", "1"]
    process = ServiceProcess(
        [*gunicorn, "--bind", f"127.0.0.1:{port}", "tests.wsgi"],
        tmp_path / "service.log",
        env={
            "DATABASE_URL": database.carry(database_url_for_tests()),
            "REDIS_URL": redis.carry(REDIS),
            "DJANGO_SETTINGS_MODULE": "tests.settings",
        },
    )
    url = f"http://127.0.0.1:{port}"
    try:
        eventually(lambda: answers_ok(f"{url}/health/live"), timeout=60, message=process.output)
        yield Service(url, database, redis, process)
    finally:
        process.stop()
        database.close()
        redis.close()


def assert_unavailable(response: httpx.Response) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert response.json()["code"] == "unavailable"


@pytest.mark.parametrize("path", ["/api/sample/effects/", "/api/sample/effects/page/"])
def test_without_its_database_a_read_is_unavailable_until_it_is_back(service, path):
    assert httpx.get(service.url + path).status_code == 200

    service.database.down()
    assert_unavailable(httpx.get(service.url + path))
    assert httpx.get(service.url + "/health/ready").status_code == 503

    service.database.restore()
    eventually(lambda: answers_ok(service.url + path), timeout=15)


def test_without_redis_a_read_through_the_cache_is_unavailable_until_it_is_back(service):
    path = "/api/sample/effects/cached/"
    assert httpx.get(service.url + path).status_code == 200

    service.redis.down()
    assert_unavailable(httpx.get(service.url + path))

    service.redis.restore()
    eventually(lambda: answers_ok(service.url + path), timeout=15)


def test_writers_across_a_database_outage_get_201_or_503_and_every_201_is_kept(service):
    accepted: list[int] = []
    refused: list[httpx.Response] = []
    failures: list[Exception] = []
    stop = threading.Event()

    def write() -> None:
        with httpx.Client(base_url=service.url, timeout=30) as client:
            while not stop.is_set():
                try:
                    response = client.post("/api/sample/effects/")
                except httpx.HTTPError as error:
                    failures.append(error)
                    return
                if response.status_code == 201:
                    accepted.append(response.json()["id"])
                else:
                    refused.append(response)

    writers = [threading.Thread(target=write) for _ in range(WRITERS)]
    for writer in writers:
        writer.start()
    try:
        eventually(lambda: len(accepted) >= 20, timeout=30)
        service.database.cut(3)
        served_before = len(accepted)
        eventually(lambda: len(accepted) >= served_before + 20, timeout=30)
    finally:
        stop.set()
        for writer in writers:
            writer.join(timeout=60)

    assert failures == []
    assert refused, "the outage went unnoticed"
    for response in refused:
        assert_unavailable(response)
    kept = set(Effect.objects.filter(pk__in=accepted).values_list("pk", flat=True))
    assert kept == set(accepted), f"{len(set(accepted) - kept)} accepted writes were lost"
