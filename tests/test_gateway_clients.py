"""The gateway limits each client on its own: behind a proxy it trusts (a Kubernetes Ingress
controller) the client is the address that proxy saw, from its X-Forwarded-For; from anywhere
else the header is the client's own word, and sending another does not buy a fresh bucket.

The real nginx of a baked project runs, with no service behind it: a request the limiter lets
through fails upstream (502), one it stops is a 429, which is all these tests look at."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import bake, services_of, subprocess_env, unique_name
from tests.native import assign_free_ports

REQUESTS = 12
# A bucket holds the first request and BURST more; the rest of REQUESTS are limited.
BURST = 3
LIMITED = {"GATEWAY_RATE_LIMIT": "1r/m", "GATEWAY_BURST": str(BURST)}

Gateway = Callable[..., str]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory, cookiecutter_config: Path) -> Path:
    return bake(tmp_path_factory.mktemp("gateway"), cookiecutter_config, project_slug=unique_name())


@pytest.fixture
def gateway(project: Path) -> Iterator[Gateway]:
    """Start the project's gateway with the given settings; the URL of its first service."""
    started: list[subprocess.Popen] = []

    def start(**settings: str) -> str:
        url = assign_free_ports(project)
        process = subprocess.Popen(
            ["honcho", "run", "python", "-m", "scripts.gateway"],
            cwd=project,
            env=subprocess_env({**LIMITED, **settings}),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        started.append(process)
        deadline = time.monotonic() + 30
        while not answers(f"{url}/health"):
            if process.poll() is not None:
                pytest.fail(f"the gateway stopped: {process.stderr.read().decode()}")
            assert time.monotonic() < deadline, "the gateway never answered"
            time.sleep(0.1)
        return f"{url}/api/{services_of(project)[0]}/"

    yield start
    for process in started:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def answers(url: str) -> bool:
    try:
        return httpx.get(url).status_code == 200
    except httpx.TransportError:
        return False


def limited_count(url: str, forwarded_for: Callable[[int], str | None]) -> int:
    """How many of REQUESTS, each forwarded for `forwarded_for(n)` (if anyone), got a 429."""
    statuses = []
    with httpx.Client() as client:
        for number in range(REQUESTS):
            address = forwarded_for(number)
            headers = {"X-Forwarded-For": address} if address else {}
            statuses.append(client.get(url, headers=headers).status_code)
    assert set(statuses) <= {429, 502}, statuses
    return statuses.count(429)


def test_from_an_untrusted_address_x_forwarded_for_changes_nothing(gateway):
    url = gateway()

    assert limited_count(url, lambda n: f"203.0.113.{n}") == REQUESTS - 1 - BURST


def test_behind_a_trusted_proxy_each_client_has_a_bucket_of_its_own(gateway):
    url = gateway(GATEWAY_TRUSTED_PROXIES="127.0.0.1")

    assert limited_count(url, lambda n: f"203.0.113.{n}") == 0
    # A client cannot escape its bucket by naming someone else first: the proxy's own entry,
    # the last one, is what counts.
    assert limited_count(url, lambda n: f"198.51.100.{n}, 192.0.2.7") == REQUESTS - 1 - BURST


def test_behind_a_trusted_proxy_a_request_without_the_header_is_the_proxy_itself(gateway):
    url = gateway(GATEWAY_TRUSTED_PROXIES="127.0.0.1")

    assert limited_count(url, lambda _: None) == REQUESTS - 1 - BURST
