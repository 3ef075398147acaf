"""Orders through the gateway: every order belongs to someone, so every request needs a token."""

from uuid import uuid4

import pytest

from tests.system.conftest import assert_problem{{ ", bearer, eventually" if cookiecutter.auth_provider == "identity" }}


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/orders/orders/"),
        ("post", "/api/orders/orders/"),
        ("get", f"/api/orders/orders/{uuid4()}/"),
    ],
)
def test_orders_need_a_token(gateway, method, path):
    assert_problem(gateway.request(method.upper(), path), 401, "not_authenticated")


def test_a_forged_token_is_refused(gateway):
    response = gateway.get("/api/orders/orders/", headers={"Authorization": "Bearer not.a.token"})

    assert_problem(response, 401, "invalid_token")

{%- if cookiecutter.auth_provider == "identity" %}


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
{%- if "notifications" in cookiecutter.services.split(",") | map("trim") | list %}
    signed_in = bearer(customer["access_token"])
    notifications = eventually(
        lambda: gateway.get("/api/notifications/notifications/", headers=signed_in).json(),
        lambda page: any(n["template"] == "order_confirmed" for n in page["results"]),
        what="confirmation notification",
    )
    assert any(order["id"] in n["body"] for n in notifications["results"])
{%- endif %}


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
{%- endif %}
