"""The system suite talks to a running system (`make dev` or `make run`) through its
gateway only: GATEWAY_URL, or the gateway port in .env."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from uuid import uuid4

import httpx
import pytest
from dotenv import dotenv_values

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

PROJECT_DIR = Path(__file__).resolve().parents[2]
SERVICES = sorted(path.parent.name for path in (PROJECT_DIR / "services").glob("*/manage.py"))
PROBLEM = "application/problem+json"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The contract tests (test_contracts.py) go last: the accounts they register leave a flurry
    of events and welcome mails behind, which would slow the tests that time a saga."""
    items.sort(key=lambda item: item.path.name == "test_contracts.py")


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


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


# Accounts of the identity service, for the tests that sign in (test_*_signed_in.py).


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
    assert registered.status_code == 202, registered.text
    tokens = politely(lambda: gateway.post("/api/identity/tokens/", json=credentials))
    assert tokens.status_code == 200, tokens.text
    # Registering says nothing of the account (not even whether it is new): /me does.
    me = gateway.get("/api/identity/me/", headers=bearer(tokens.json()["access_token"]))
    assert me.status_code == 200, me.text
    return {"id": me.json()["id"], **credentials, **tokens.json()}


@pytest.fixture
def customer(gateway: httpx.Client) -> dict:
    return new_customer(gateway)


# A browser, for the frontend's tests.

# Chromium's own services call home; this machine (and many CI runners) have no way out.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def browser(gateway: httpx.Client) -> Iterator[Browser]:
    """Headless Chromium, driven by Playwright: this machine's (CHROMIUM names another binary),
    never a download. Only the frontend's tests use it, and only they need Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=setting("CHROMIUM", "/usr/bin/chromium"), args=CHROMIUM_FLAGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(base_url=gateway_url())
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


def screenshot(page: Page, name: str) -> None:
    """A picture of the whole page, in SCREENSHOT_DIR (or .run/screenshots)."""
    folder = Path(setting("SCREENSHOT_DIR") or PROJECT_DIR / ".run" / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=folder / f"{name}.png", full_page=True)


def fits_the_screen(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
