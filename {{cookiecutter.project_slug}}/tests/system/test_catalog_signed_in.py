"""The catalog through the gateway, signed in: staff manage it, customers may not."""

from uuid import uuid4

from tests.system.conftest import assert_problem, bearer

PRODUCTS = "/api/catalog/products/"


def test_staff_manage_the_catalog_and_anyone_sees_it(gateway, staff_token):
    staff = bearer(staff_token)
    sku = f"LAMP-{uuid4().hex[:8].upper()}"
    body = {"sku": sku, "name": "Desk lamp", "price": "19.90", "currency": "EUR"}

    created = gateway.post(PRODUCTS, json=body, headers=staff)
    assert created.status_code == 201, created.text
    product = f"{PRODUCTS}{created.json()['id']}/"
    stocked = gateway.post(f"{product}stock-adjustments/", json={"change": 5}, headers=staff)
    assert stocked.status_code == 200
    assert gateway.patch(product, json={"price": "24.50"}, headers=staff).status_code == 200

    listed = gateway.get(PRODUCTS, params={"search": sku}).json()
    assert listed["count"] == 1
    assert (listed["results"][0]["price"], listed["results"][0]["available"]) == ("24.50", 5)
    assert gateway.post(f"{product}deactivate/", headers=staff).json()["active"] is False
    assert gateway.get(product).json()["active"] is False


def test_customers_cannot_change_the_catalog(gateway, customer):
    body = {"sku": "LAMP-1", "name": "Lamp", "price": "1.00", "currency": "EUR"}

    assert_problem(gateway.post(PRODUCTS, json=body, headers=bearer(customer["access_token"])), 403)
