"""The catalog through the gateway: anyone browses; changing it takes the staff role."""

from uuid import uuid4

from tests.system.conftest import assert_problem{{ ", bearer" if cookiecutter.auth_provider == "identity" }}

PRODUCTS = "/api/catalog/products/"


def test_anyone_can_browse_the_catalog(gateway):
    response = gateway.get(PRODUCTS, params={"ordering": "-price", "page_size": 5})

    assert response.status_code == 200
    assert {"count", "next", "previous", "results"} <= response.json().keys()


def test_a_bad_filter_is_a_400_naming_it(gateway):
    body = assert_problem(gateway.get(PRODUCTS, params={"min_price": "cheap"}), 400, "invalid")

    assert body["errors"][0]["field"] == "min_price"


def test_an_unknown_product_is_a_404(gateway):
    assert_problem(gateway.get(f"{PRODUCTS}{uuid4()}/"), 404, "not_found")


def test_changing_the_catalog_needs_a_token(gateway):
    body = {"sku": "LAMP-1", "name": "Lamp", "price": "1.00", "currency": "EUR"}

    assert_problem(gateway.post(PRODUCTS, json=body), 401, "not_authenticated")

{%- if cookiecutter.auth_provider == "identity" %}


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
{%- endif %}
