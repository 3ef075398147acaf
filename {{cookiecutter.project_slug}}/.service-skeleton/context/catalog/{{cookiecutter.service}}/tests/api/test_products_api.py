"""The catalog API through DRF, on the real database."""

from uuid import uuid4

import pytest

pytestmark = pytest.mark.django_db

PRODUCTS = "/api/catalog/products/"
PROBLEM = "application/problem+json"


@pytest.fixture
def staff_api(api_as, staff):
    return api_as(staff)


def create(client, sku="LAMP-1", name="Lamp", price="19.90", currency="EUR", **fields):
    response = client.post(
        PRODUCTS, {"sku": sku, "name": name, "price": price, "currency": currency, **fields}
    )
    assert response.status_code == 201, response.content
    return response.json()


def test_staff_create_and_anyone_reads(api, staff_api):
    created = create(staff_api, description="Brass")

    fetched = api.get(f"{PRODUCTS}{created['id']}/").json()

    assert fetched == created
    assert (fetched["price"], fetched["currency"], fetched["available"]) == ("19.90", "EUR", 0)


def test_writing_takes_the_staff_role(api, api_as, customer):
    body = {"sku": "LAMP-1", "name": "Lamp", "price": "1.00", "currency": "EUR"}

    assert api.post(PRODUCTS, body).status_code == 401
    response = api_as(customer).post(PRODUCTS, body)
    assert response.status_code == 403
    assert response["Content-Type"] == PROBLEM


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"price": "1.999"}, "price"),
        ({"price": "-1"}, "price"),
        ({"price": "Infinity"}, "price"),
        ({"currency": "EU"}, "currency"),
        ({"currency": "eur"}, "currency"),
        ({"sku": "no spaces"}, "sku"),
        ({"name": ""}, "name"),
    ],
)
def test_bad_input_names_the_field(staff_api, body, field):
    response = staff_api.post(
        PRODUCTS, {"sku": "LAMP-1", "name": "Lamp", "price": "1.00", "currency": "EUR", **body}
    )

    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert [error["field"] for error in response.json()["errors"]] == [field]


def test_duplicate_sku_is_a_conflict(staff_api):
    create(staff_api)

    response = staff_api.post(
        PRODUCTS, {"sku": "lamp-1", "name": "Other", "price": "1.00", "currency": "EUR"}
    )

    assert response.status_code == 409
    assert response.json()["code"] == "sku_taken"


def test_listing_filters_orders_and_pages(api, staff_api):
    create(staff_api, sku="LAMP-1", name="Desk lamp", price="30.00")
    create(staff_api, sku="LAMP-2", name="Floor lamp", price="90.00")
    chair = create(staff_api, sku="CHAIR-1", name="Chair", price="45.00")
    staff_api.post(f"{PRODUCTS}{chair['id']}/deactivate/")

    def names(**params):
        response = api.get(PRODUCTS, params)
        assert response.status_code == 200, response.content
        return [product["name"] for product in response.json()["results"]]

    assert names() == ["Chair", "Desk lamp", "Floor lamp"]
    assert names(search="LAMP", ordering="-price") == ["Floor lamp", "Desk lamp"]
    assert names(min_price="40", max_price="60") == ["Chair"]
    assert names(active="true") == ["Desk lamp", "Floor lamp"]
    assert names(page_size=2, page=2) == ["Floor lamp"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"ordering": "sku"}, "ordering"),
        ({"min_price": "cheap"}, "min_price"),
        ({"min_price": 9, "max_price": 1}, "max_price"),
    ],
)
def test_bad_queries_name_the_parameter(api, params, field):
    response = api.get(PRODUCTS, params)

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == field


def test_patch_changes_price_and_keeps_the_rest(staff_api):
    product = create(staff_api)

    response = staff_api.patch(f"{PRODUCTS}{product['id']}/", {"price": "24.50"})

    assert response.status_code == 200
    assert (response.json()["price"], response.json()["name"]) == ("24.50", "Lamp")


def test_deactivate_then_activate(staff_api):
    product = create(staff_api)

    assert staff_api.post(f"{PRODUCTS}{product['id']}/deactivate/").json()["active"] is False
    assert staff_api.post(f"{PRODUCTS}{product['id']}/activate/").json()["active"] is True


def test_stock_adjustments_show_in_the_listing(api, staff_api):
    product = create(staff_api)

    response = staff_api.post(f"{PRODUCTS}{product['id']}/stock-adjustments/", {"change": 7})

    assert response.status_code == 200
    assert response.json() == {
        "product_id": product["id"],
        "on_hand": 7,
        "reserved": 0,
        "available": 7,
    }
    assert api.get(f"{PRODUCTS}{product['id']}/").json()["available"] == 7


def test_stock_cannot_go_negative(staff_api):
    product = create(staff_api)

    response = staff_api.post(f"{PRODUCTS}{product['id']}/stock-adjustments/", {"change": -1})

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "field": "change",
            "message": "Only 0 can be taken out: 0 are reserved for orders.",
            "code": "insufficient_stock",
        }
    ]


@pytest.mark.parametrize("path", ["", "deactivate/", "stock-adjustments/"])
def test_unknown_products_are_404(staff_api, path):
    method = staff_api.get if not path else staff_api.post
    response = method(f"{PRODUCTS}{uuid4()}/{path}", {"change": 1})

    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM
