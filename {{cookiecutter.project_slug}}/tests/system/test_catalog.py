"""The catalog through the gateway: anyone browses; changing it takes the staff role."""

from uuid import uuid4

from tests.system.conftest import assert_problem

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
