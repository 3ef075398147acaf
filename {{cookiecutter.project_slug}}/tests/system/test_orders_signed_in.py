"""Orders through the gateway, signed in: the saga from placing an order to its confirmation,
rejection or cancellation, and many customers ordering at once."""

import time
from concurrent.futures import ThreadPoolExecutor
from uuid import uuid4

import httpx

from tests.system.conftest import (
    SERVICES,
    assert_problem,
    bearer,
    eventually,
    new_customer,
    politely,
)


def test_a_new_customer_has_no_orders(gateway, customer):
    response = gateway.get("/api/orders/orders/", headers=bearer(customer["access_token"]))

    assert response.status_code == 200
    assert response.json()["count"] == 0


def test_an_order_for_an_unknown_product_names_the_line(gateway, customer):
    body = {"lines": [{"product_id": str(uuid4()), "quantity": 1}]}
    signed_in = bearer(customer["access_token"])

    response = gateway.post("/api/orders/orders/", json=body, headers=signed_in)

    assert assert_problem(response, 400, "invalid")["errors"][0]["field"] == "lines[0].product_id"


def test_someone_elses_order_does_not_exist(gateway, customer):
    signed_in = bearer(customer["access_token"])

    response = gateway.get(f"/api/orders/orders/{uuid4()}/", headers=signed_in)

    assert_problem(response, 404, "not_found")


def stocked_product(gateway, staff_token: str, quantity: int) -> str:
    staff, sku = bearer(staff_token), f"LAMP-{uuid4().hex[:8].upper()}"
    body = {"sku": sku, "name": "Desk lamp", "price": "19.90", "currency": "EUR"}
    product = gateway.post("/api/catalog/products/", json=body, headers=staff).json()
    product_url = f"/api/catalog/products/{product['id']}/"
    gateway.post(f"{product_url}stock-adjustments/", json={"change": quantity}, headers=staff)
    return product["id"]


def place(gateway, customer: dict, product_id: str, quantity: int) -> dict:
    """Place an order once orders has heard of the product: the catalog announces it."""
    signed_in = bearer(customer["access_token"])
    body = {"lines": [{"product_id": product_id, "quantity": quantity}]}
    response = eventually(
        lambda: gateway.post("/api/orders/orders/", json=body, headers=signed_in),
        lambda response: response.status_code == 201,
        what="order accepted (the product never reached orders)",
    )
    return response.json()


def order_status(gateway, customer: dict, order_id: str, status: str) -> dict:
    signed_in = bearer(customer["access_token"])
    return eventually(
        lambda: gateway.get(f"/api/orders/orders/{order_id}/", headers=signed_in).json(),
        lambda order: order["status"] == status,
        what=f"order {status}",
    )


def available(gateway, product_id: str) -> int:
    return gateway.get(f"/api/catalog/products/{product_id}/").json()["available"]


def test_an_order_is_confirmed_once_its_stock_is_reserved(gateway, staff_token, customer):
    lamp = stocked_product(gateway, staff_token, 5)

    order = place(gateway, customer, lamp, 2)

    assert order["status"] == "pending"
    confirmed = order_status(gateway, customer, order["id"], "confirmed")
    assert (confirmed["total"], confirmed["currency"]) == ("39.80", "EUR")
    assert available(gateway, lamp) == 3
    if "notifications" in SERVICES:
        signed_in = bearer(customer["access_token"])
        notifications = eventually(
            lambda: gateway.get("/api/notifications/notifications/", headers=signed_in).json(),
            lambda page: any(n["template"] == "order_confirmed" for n in page["results"]),
            what="confirmation notification",
        )
        assert any(order["id"] in n["body"] for n in notifications["results"])


def test_an_order_the_stock_cannot_cover_is_rejected(gateway, staff_token, customer):
    lamp = stocked_product(gateway, staff_token, 1)

    order = place(gateway, customer, lamp, 2)

    rejected = order_status(gateway, customer, order["id"], "rejected")
    assert "Only 1" in rejected["reason"]
    assert available(gateway, lamp) == 1


def test_cancelling_a_confirmed_order_gives_its_stock_back(gateway, staff_token, customer):
    lamp = stocked_product(gateway, staff_token, 4)
    order = place(gateway, customer, lamp, 3)
    order_status(gateway, customer, order["id"], "confirmed")

    signed_in = bearer(customer["access_token"])

    cancelled = gateway.post(f"/api/orders/orders/{order['id']}/cancel/", headers=signed_in)

    assert cancelled.json()["status"] == "cancelled"
    eventually(lambda: available(gateway, lamp), lambda stock: stock == 4, what="stock released")


CUSTOMERS = 8
ORDERS_EACH = 25
# A slow machine settles 200 orders slowly; a stuck saga settles none. The test waits as long as
# orders keep settling, and fails once this long passes with none newly settled.
STALLED_AFTER_SECONDS = 30
SETTLED = {"confirmed", "rejected"}


def test_many_customers_ordering_at_once_all_settle_and_the_stock_adds_up(gateway, staff_token):
    """Eight customers place 25 orders each, all at once, for a lamp of which 150 are in stock:
    every order is confirmed or rejected without the saga stalling, 150 are confirmed, and the
    catalog has none left."""
    in_stock = 150
    lamp = stocked_product(gateway, staff_token, in_stock)
    customers = [new_customer(gateway) for _ in range(CUSTOMERS)]
    first = place(gateway, customers[0], lamp, 1)  # once orders knows the lamp

    def order_all(customer: dict) -> list[str]:
        body = {"lines": [{"product_id": lamp, "quantity": 1}]}
        signed_in = bearer(customer["access_token"])
        with httpx.Client(
            base_url=gateway.base_url, headers=signed_in, timeout=gateway.timeout
        ) as own:
            responses = [
                politely(lambda: own.post("/api/orders/orders/", json=body))
                for _ in range(ORDERS_EACH)
            ]
        assert [response.status_code for response in responses] == [201] * ORDERS_EACH
        return [response.json()["id"] for response in responses]

    with ThreadPoolExecutor(CUSTOMERS) as pool:
        each_customers = list(pool.map(order_all, customers))
    placed = [first["id"], *(order for orders in each_customers for order in orders)]

    def statuses() -> dict[str, str]:
        found = {}
        for customer in customers:
            signed_in = bearer(customer["access_token"])
            page = politely(
                lambda signed_in=signed_in: gateway.get(
                    "/api/orders/orders/", params={"page_size": 100}, headers=signed_in
                )
            ).json()
            found.update((order["id"], order["status"]) for order in page["results"])
        return found

    settled_count, last_progress = -1, time.monotonic()
    while True:
        settled = statuses()
        unsettled = [order_id for order_id in placed if settled.get(order_id) not in SETTLED]
        if not unsettled:
            break
        if len(placed) - len(unsettled) > settled_count:
            settled_count, last_progress = len(placed) - len(unsettled), time.monotonic()
        assert time.monotonic() - last_progress < STALLED_AFTER_SECONDS, (
            f"{len(unsettled)} of {len(placed)} orders not settled, and none newly settled "
            f"for {STALLED_AFTER_SECONDS} s"
        )
        time.sleep(0.2)
    outcomes = [settled[order_id] for order_id in placed]
    assert outcomes.count("confirmed") == in_stock
    assert outcomes.count("rejected") == len(placed) - in_stock
    assert available(gateway, lamp) == 0
