"""The shop's journeys as people make them, through the gateway: the Locust users `make load` and
`make soak` run (scripts/load.py), or Locust's own web UI does:

    .venv/bin/python -m locust -f tests/load/locustfile.py --host http://127.0.0.1:8080

Browsers look around the catalog; shoppers sign up, order, watch each order settle, cancel
some and read what they are told; one staff member restocks now and then; each plain service's
users keep items. Only the journeys of the services there are run.

Every journey checks what it gets, not only the status: an order settles, and its customer
hears of it (each timed from placing the order), a cancelled order says so, an item reads back
as written. What the journeys changed and what their checks found is kept in LEDGER, and
reported with Locust's figures once the run stops (LOAD_REPORT): from it scripts/load.py checks
that nothing was lost, every order settled and the stock adds up.

Each user connects from an address of its own on 127.0.0.0/8 (where the system allows it), so
that the gateway's per-client rate limits see many clients, not one.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import logging
import os
import random
import socket
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from uuid import uuid4

from dotenv import dotenv_values
from locust import HttpUser, between, events, task
from locust.clients import ResponseContextManager
from locust.env import Environment
from locust.exception import RescheduleTask
from locust.stats import StatsEntry
from scripts.project import PROJECT_DIR, identity_issues_tokens, plain_services, services
from urllib3 import PoolManager

logger = logging.getLogger(__name__)
PRESENT = set(services())
SETTLE_SECONDS = 30
NOTICE_SECONDS = 60
SETTLED = {"confirmed", "rejected"}


@dataclass(frozen=True)
class PlacedOrder:
    email: str
    product_id: str
    quantity: int


@dataclass(frozen=True)
class Check:
    name: str
    seconds: float | None  # how long it waited to pass, for one that waits
    failure: str | None


@dataclass
class Ledger:
    """What the journeys changed, for the checks after the load."""

    passwords: dict[str, str] = field(default_factory=dict)  # of every customer, by e-mail
    orders: dict[str, PlacedOrder] = field(default_factory=dict)  # by id
    restocked: Counter[str] = field(default_factory=Counter)  # units added, by product id
    checks: list[Check] = field(default_factory=list)


LEDGER = Ledger()


@events.test_stop.add_listener
def report(environment: Environment, **_: object) -> None:
    """Once every user has stopped: what Locust measured, and the ledger, as JSON in the file
    LOAD_REPORT names (scripts/load.py reads it)."""
    if not (path := os.environ.get("LOAD_REPORT")):
        return
    stats = environment.stats
    entries = sorted(stats.entries.values(), key=lambda entry: (entry.name, entry.method))
    report = {
        "steps": [step(f"{entry.method} {entry.name}", entry) for entry in entries],
        "total": step("all requests", stats.total),
        "failures": [
            f"{error.occurrences} x {error.method} {error.name}: {str(error.error)[:200]}"
            for error in stats.errors.values()
        ],
        "passwords": LEDGER.passwords,
        "orders": {order_id: asdict(order) for order_id, order in LEDGER.orders.items()},
        "restocked": dict(LEDGER.restocked),
        "checks": [asdict(check) for check in LEDGER.checks],
    }
    Path(path).write_text(json.dumps(report))


def step(name: str, entry: StatsEntry) -> dict[str, Any]:
    return {
        "name": name,
        "requests": entry.num_requests,
        "failures": entry.num_failures,
        "per_second": entry.total_rps,
        **{f"p{q}": entry.get_response_time_percentile(q / 100) for q in (50, 95, 99)},
    }


def own_addresses() -> itertools.count[int] | None:
    """Whether this machine lets a client connect from any loopback address (Linux does, macOS
    only from 127.0.0.1)."""
    with socket.socket() as probe:
        try:
            probe.bind(("127.77.0.1", 0))
        except OSError:
            return None
    return itertools.count(1)


ADDRESSES = own_addresses()


def next_address() -> str:
    if ADDRESSES is None:
        return "127.0.0.1"
    number = next(ADDRESSES)
    return f"127.77.{number // 250 % 250}.{number % 250 + 1}"


def what_went_wrong(response: ResponseContextManager) -> str:
    """A problem's code and detail, without its request id: Locust counts failures alike by their
    message, and each request's id would make every one of them different."""
    try:
        problem = response.json()
        return f"{problem['code']}: {problem['detail']}"
    except (ValueError, KeyError, TypeError):
        return response.text[:200]


class Person(HttpUser):
    """Someone using the shop: pauses between steps as a person reads."""

    abstract = True
    wait_time = between(1, 3)

    def __init__(self, *args: object, **kwargs: object) -> None:
        self.pool_manager = PoolManager(source_address=(next_address(), 0))
        super().__init__(*args, **kwargs)
        self.tokens: dict[str, Any] | None = None
        self.tokens_expire = 0.0

    def ask(self, method: str, url: str, *, expected: tuple[int, ...], **options: Any) -> Any:
        """The answer's body if its status is one of `expected`; else it is a failure, and the
        rest of the journey cannot go on."""
        with self.client.request(method, url, catch_response=True, **options) as response:
            if response.status_code not in expected:
                response.failure(f"{response.status_code}: {what_went_wrong(response)}")
                raise RescheduleTask
            response.success()
            return response.json() if response.content else None

    def check(self, name: str, failure: str | None = None, since: float | None = None) -> None:
        """Keep the outcome of a check a journey makes (timed from `since`, when it waits)."""
        took = None if since is None else time.monotonic() - since
        LEDGER.checks.append(Check(name, took, failure))
        if failure:
            logger.error("%s: %s", name, failure)

    def sign_in(self, email: str, password: str) -> None:
        self.tokens = self.ask(
            "POST",
            "/api/identity/tokens/",
            json={"email": email, "password": password},
            name="sign in",
            expected=(200,),
        )
        self.tokens_expire = time.monotonic() + self.tokens["expires_in"] * 0.9

    def signed_in(self) -> dict[str, str]:
        """The Authorization header, signing in again once the access token is about to end."""
        if self.tokens is None or time.monotonic() > self.tokens_expire:
            self.sign_in(*self.account())
        return {"Authorization": f"Bearer {self.tokens['access_token']}"}

    def account(self) -> tuple[str, str]:
        """Who this person signs in as: a new customer, registered once."""
        if not hasattr(self, "email"):
            email, password = f"load-{uuid4().hex[:12]}@example.com", f"pass-{uuid4().hex}"
            body = {"email": email, "password": password, "full_name": "Load Customer"}
            self.ask("POST", "/api/identity/accounts/", json=body, name="sign up", expected=(202,))
            self.email = email
            LEDGER.passwords[email] = password
        return self.email, LEDGER.passwords[self.email]

    def catalog_page(self) -> list[dict]:
        ordering = random.choice(["name", "-name", "price", "-price", "-created_at"])  # noqa: S311
        page_number = random.choice([1, 1, 1, 2])  # noqa: S311
        # A second page that is not there (a small catalog) is a 404 a person may meet.
        page = self.ask(
            "GET",
            "/api/catalog/products/",
            params={"ordering": ordering, "page": page_number},
            name="catalog: a page",
            expected=(200, 404),
        )
        return page["results"] if page else []


class Browser(Person):
    """Looks around the catalog without signing in."""

    abstract = "catalog" not in PRESENT
    weight = 6

    @task(4)
    def browse(self) -> None:
        self.catalog_page()

    @task(2)
    def search(self) -> None:
        word = random.choice(["lamp", "desk", "chair", "shelf", "oak", "linen", "wool"])  # noqa: S311
        self.ask(
            "GET",
            "/api/catalog/products/",
            params={"search": word},
            name="catalog: search",
            expected=(200,),
        )

    @task(3)
    def open_a_product(self) -> None:
        if not (products := self.catalog_page()):
            return
        wanted = random.choice(products)  # noqa: S311
        product = self.ask(
            "GET",
            f"/api/catalog/products/{wanted['id']}/",
            name="catalog: a product",
            expected=(200,),
        )
        if product["id"] == wanted["id"]:
            self.check("catalog: the product asked for")
        else:
            self.check("catalog: the product asked for", "another product came")

    @task(1)
    def follow_a_stale_link(self) -> None:
        self.ask(
            "GET",
            f"/api/catalog/products/{uuid4()}/",
            name="catalog: a product that is gone",
            expected=(404,),
        )


class Shopper(Person):
    """Signs up, orders what is in stock, watches each order settle, cancels some, reads what
    the shop tells them."""

    abstract = not identity_issues_tokens() or not {"catalog", "orders"} <= PRESENT
    weight = 3

    def on_start(self) -> None:
        with contextlib.suppress(RescheduleTask):  # a failure is counted; the person stays
            self.order()  # what brought them

    @task(3)
    def browse(self) -> None:
        self.catalog_page()

    @task(2)
    def order(self) -> None:
        in_stock = [p for p in self.catalog_page() if p["active"] and p["available"] > 0]
        if not in_stock:
            return
        product, quantity = random.choice(in_stock), random.choice([1, 1, 2])  # noqa: S311
        body = {"lines": [{"product_id": product["id"], "quantity": quantity}]}
        placed = self.ask(
            "POST",
            "/api/orders/orders/",
            json=body,
            headers=self.signed_in(),
            name="orders: place",
            expected=(201,),
        )
        placed_at = time.monotonic()
        LEDGER.orders[placed["id"]] = PlacedOrder(self.email, product["id"], quantity)
        order = self.watch(placed["id"], placed_at)
        if order["status"] == "confirmed":
            if "notifications" in PRESENT:
                self.hear_of(order["id"], placed_at)
            if random.random() < 0.2:  # noqa: S311
                self.cancel(order["id"])

    def watch(self, order_id: str, placed: float) -> dict:
        """The order, polled as a shop's page does, until it settles or SETTLE_SECONDS pass."""
        while True:
            order = self.ask(
                "GET",
                f"/api/orders/orders/{order_id}/",
                headers=self.signed_in(),
                name="orders: one",
                expected=(200,),
            )
            if order["status"] in SETTLED:
                self.check("orders: the order settles", since=placed)
                return order
            if time.monotonic() - placed > SETTLE_SECONDS:
                self.check("orders: the order settles", f"pending after {SETTLE_SECONDS} s")
                raise RescheduleTask
            time.sleep(0.5)

    def cancel(self, order_id: str) -> None:
        cancelled = self.ask(
            "POST",
            f"/api/orders/orders/{order_id}/cancel/",
            headers=self.signed_in(),
            name="orders: cancel",
            expected=(200,),
        )
        failure = None if cancelled["status"] == "cancelled" else f"it says {cancelled['status']}"
        self.check("orders: a cancelled order says so", failure)

    @task(1)
    def my_orders(self) -> None:
        self.ask(
            "GET",
            "/api/orders/orders/",
            headers=self.signed_in(),
            name="orders: mine",
            expected=(200,),
        )

    @task(1)
    def read_notifications(self) -> None:
        if "notifications" in PRESENT:
            self.notifications()

    def notifications(self) -> list[dict]:
        return self.ask(
            "GET",
            "/api/notifications/notifications/",
            params={"page_size": 100},
            headers=self.signed_in(),
            name="notifications: mine",
            expected=(200,),
        )["results"]

    def hear_of(self, order_id: str, placed: float) -> None:
        """Look, as a customer waiting for the e-mail does, until the confirmation is there."""
        while not any(
            n["template"] == "order_confirmed" and order_id in n["body"]
            for n in self.notifications()
        ):
            if time.monotonic() - placed > NOTICE_SECONDS:
                failure = f"no word of order {order_id} after {NOTICE_SECONDS} s"
                self.check("notifications: the confirmation arrives", failure)
                raise RescheduleTask
            time.sleep(1)
        self.check("notifications: the confirmation arrives", since=placed)


class Staff(Person):
    """The shop's one staff member, restocking what runs low now and then."""

    abstract = not identity_issues_tokens() or "catalog" not in PRESENT
    fixed_count = 1
    wait_time = between(5, 15)

    def account(self) -> tuple[str, str]:
        env = dotenv_values(PROJECT_DIR / ".env")
        return env["IDENTITY_STAFF_EMAIL"], env["IDENTITY_STAFF_PASSWORD"]

    @task
    def restock(self) -> None:
        low = [p for p in self.catalog_page() if p["active"] and p["available"] < 10]
        if not low:
            return
        product, units = random.choice(low), random.randint(5, 20)  # noqa: S311
        self.ask(
            "POST",
            f"/api/catalog/products/{product['id']}/stock-adjustments/",
            json={"change": units},
            headers=self.signed_in(),
            name="catalog: restock",
            expected=(200,),
        )
        LEDGER.restocked[product["id"]] += units


class ItemKeeper(Person):
    """Keeps the items of one plain service: makes one, reads it back, renames it, finds it,
    deletes it. Without the identity service's accounts, reads only."""

    abstract = True
    weight = 2
    service = ""

    def on_start(self) -> None:
        with contextlib.suppress(RescheduleTask):
            self.keep_an_item()

    def items(self) -> str:
        return f"/api/{self.service}/items/"

    @task(3)
    def list_items(self) -> None:
        self.ask("GET", self.items(), name=f"{self.service}: items", expected=(200,))

    @task(1)
    def keep_an_item(self) -> None:
        if not identity_issues_tokens():
            return
        name = f"Load item {uuid4().hex[:12]}"
        made = self.ask(
            "POST",
            self.items(),
            json={"name": name},
            headers=self.signed_in(),
            name=f"{self.service}: make an item",
            expected=(201,),
        )
        item_url = f"{self.items()}{made['id']}/"
        renamed = f"{name} (renamed)"
        self.ask(
            "PATCH",
            item_url,
            json={"name": renamed},
            headers=self.signed_in(),
            name=f"{self.service}: rename an item",
            expected=(200,),
        )
        found = self.ask("GET", item_url, name=f"{self.service}: an item", expected=(200,))["name"]
        failure = None if found == renamed else f"named {found!r}, not {renamed!r}"
        self.check(f"{self.service}: an item reads back as written", failure)
        self.ask(
            "DELETE",
            item_url,
            headers=self.signed_in(),
            name=f"{self.service}: delete an item",
            expected=(204,),
        )
        self.ask("GET", item_url, name=f"{self.service}: an item that is gone", expected=(404,))


# One keeper per plain service, each a class of its own: Locust weighs and names users by class.
for _service in plain_services():
    _keeper = f"{_service.title().replace('_', '')}ItemKeeper"
    globals()[_keeper] = type(_keeper, (ItemKeeper,), {"abstract": False, "service": _service})
