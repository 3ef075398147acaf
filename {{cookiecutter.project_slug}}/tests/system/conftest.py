"""The system suite talks to a running system (`make dev` or `make run`) through its
gateway only: GATEWAY_URL, or the gateway port in .env."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
{%- if cookiecutter.auth_provider == "identity" %}
from uuid import uuid4
{%- endif %}

import httpx
import pytest
from dotenv import dotenv_values

PROJECT_DIR = Path(__file__).resolve().parents[2]
SERVICES = sorted(path.parent.name for path in (PROJECT_DIR / "services").glob("*/manage.py"))
PROBLEM = "application/problem+json"


def setting(name: str, default: str | None = None) -> str | None:
    """A setting from the environment, else from .env (a container gets them as variables)."""
    return os.environ.get(name) or dotenv_values(PROJECT_DIR / ".env").get(name, default)


def gateway_url() -> str:
    if url := setting("GATEWAY_URL"):
        return url.rstrip("/")
    return f"http://127.0.0.1:{setting('GATEWAY_PORT', '8080')}"


@pytest.fixture(scope="session")
def gateway() -> Iterator[httpx.Client]:
    """A client of the gateway, once every service behind it is ready."""
    with httpx.Client(base_url=gateway_url(), timeout=10) as client:
        deadline = time.monotonic() + 90
        while True:
            try:
                registry = client.get("/registry").json()
                waiting = [
                    s["name"] for s in registry["services"] if s["health"].get("status") != "ready"
                ]
            except (httpx.HTTPError, ValueError, KeyError) as error:
                waiting = [f"the gateway ({error})"]
            if not waiting:
                break
            if time.monotonic() > deadline:
                pytest.fail(f"not ready through {client.base_url}: {', '.join(waiting)}")
            time.sleep(0.5)
        yield client


def eventually(read, check, timeout: float = 30, what: str = "the expected state"):
    """Read until `check` accepts what was read; events take a moment to travel."""
    deadline = time.monotonic() + timeout
    while not check(value := read()):
        if time.monotonic() > deadline:
            pytest.fail(f"no {what} after {timeout} s; last read: {value}")
        time.sleep(0.2)
    return value


def politely(send: Callable[[], httpx.Response], attempts: int = 30) -> httpx.Response:
    """Send until the gateway stops asking to slow down (429), waiting as long as it says."""
    for _ in range(attempts):
        response = send()
        if response.status_code != 429:
            return response
        time.sleep(float(response.headers.get("Retry-After", "1")))
    return response


def assert_problem(response: httpx.Response, status: int, code: str | None = None) -> dict:
    """The response is a problem+json body of this status (and code)."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["status"] == status
    if code is not None:
        assert body["code"] == code
    return body

{%- if cookiecutter.auth_provider == "identity" %}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def sign_in(gateway: httpx.Client, email: str, password: str) -> dict:
    response = gateway.post("/api/identity/tokens/", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture(scope="session")
def staff_token(gateway: httpx.Client) -> str:
    """The operators' account that every release of identity keeps (its credentials are in .env)."""
    tokens = sign_in(gateway, setting("IDENTITY_STAFF_EMAIL"), setting("IDENTITY_STAFF_PASSWORD"))
    return tokens["access_token"]


def new_customer(gateway: httpx.Client) -> dict:
    """A new customer, registered and signed in through the gateway."""
    email, password = f"customer-{uuid4().hex[:12]}@example.com", f"pass-{uuid4().hex}"
    credentials = {"email": email, "password": password}
    registered = politely(lambda: gateway.post("/api/identity/accounts/", json=credentials))
    assert registered.status_code == 201, registered.text
    tokens = politely(lambda: gateway.post("/api/identity/tokens/", json=credentials))
    assert tokens.status_code == 200, tokens.text
    return {"id": registered.json()["id"], **credentials, **tokens.json()}


@pytest.fixture
def customer(gateway: httpx.Client) -> dict:
    return new_customer(gateway)
{%- endif %}
