"""The orders API through DRF, on the real database."""

from uuid import uuid4

import pytest

from chassis_testing import make_principal

from orders.application import orders
from orders.infrastructure.unit_of_work import DjangoOrdersUnitOfWork

from tests.factories import known_product

pytestmark = pytest.mark.django_db

ORDERS = "/api/orders/orders/"
PROBLEM = "application/problem+json"


@pytest.fixture
def lamp() -> str:
    return str(known_product(DjangoOrdersUnitOfWork(), "19.90"))


@pytest.fixture
def me(api_as, customer):
    return api_as(customer)


def place(client, *lines):
    response = client.post(ORDERS, {"lines": [{"product_id": p, "quantity": q} for p, q in lines]})
    assert response.status_code == 201, response.content
    return response.json()


def test_place_then_read_my_order(me, lamp):
    order = place(me, (lamp, 2))

    assert (order["status"], order["total"], order["currency"]) == ("pending", "39.80", "EUR")
    assert order["lines"][0]["unit_price"] == "19.90"
    assert me.get(f"{ORDERS}{order['id']}/").json() == order


def test_orders_need_a_token(api, lamp):
    response = api.post(ORDERS, {"lines": [{"product_id": lamp, "quantity": 1}]})

    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM


def test_another_customers_order_does_not_exist_for_me(me, api_as, lamp):
    mine = place(me, (lamp, 1))
    stranger = api_as(make_principal())

    assert stranger.get(f"{ORDERS}{mine['id']}/").status_code == 404
    assert stranger.post(f"{ORDERS}{mine['id']}/cancel/").status_code == 404
    assert stranger.get(ORDERS).json()["count"] == 0
    assert me.get(ORDERS).json()["count"] == 1


@pytest.mark.parametrize(
    ("lines", "field"),
    [
        ([], "lines"),
        ([{"product_id": "LAMP", "quantity": 1}], "lines[0].product_id"),
        ([{"product_id": "{lamp}", "quantity": 0}], "lines[0].quantity"),
        ([{"product_id": "{lamp}", "quantity": -3}], "lines[0].quantity"),
        ([{"product_id": "{lamp}", "quantity": "many"}], "lines[0].quantity"),
        ([{"product_id": "{lamp}"}], "lines[0].quantity"),
        ([{"product_id": "{unknown}", "quantity": 1}], "lines[0].product_id"),
        (
            [{"product_id": "{lamp}", "quantity": 1}, {"product_id": "{lamp}", "quantity": 1}],
            "lines[1].product_id",
        ),
    ],
)
def test_bad_orders_name_the_field(me, lamp, lines, field):
    ids = {"lamp": lamp, "unknown": str(uuid4())}
    body = {
        "lines": [{key: str(value).format(**ids) for key, value in line.items()} for line in lines]
    }

    response = me.post(ORDERS, body)

    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert [error["field"] for error in response.json()["errors"]] == [field]


def test_wrong_types_are_400_not_500(me):
    for body in ({"lines": "everything"}, {"lines": [1, 2]}, ["not", "an", "object"]):
        response = me.post(ORDERS, body)
        assert response.status_code == 400, body


def test_cancel_is_idempotent_and_shows_in_the_list(me, lamp):
    order = place(me, (lamp, 1))

    assert me.post(f"{ORDERS}{order['id']}/cancel/").json()["status"] == "cancelled"
    assert me.post(f"{ORDERS}{order['id']}/cancel/").json()["status"] == "cancelled"
    assert [o["status"] for o in me.get(ORDERS, {"status": "cancelled"}).json()["results"]] == [
        "cancelled"
    ]
    assert me.get(ORDERS, {"status": "pending"}).json()["count"] == 0


def test_an_ended_order_cannot_be_cancelled(me, lamp):
    order = place(me, (lamp, 1))
    orders.handle_reject_order(
        orders.RejectOrder(order["id"], "No stock."), DjangoOrdersUnitOfWork()
    )

    response = me.post(f"{ORDERS}{order['id']}/cancel/")

    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"


def test_unknown_status_filter_is_refused(me):
    response = me.get(ORDERS, {"status": "lost"})

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "status"


def test_my_orders_come_newest_first(me, lamp):
    first, second = place(me, (lamp, 1)), place(me, (lamp, 2))

    assert [o["id"] for o in me.get(ORDERS).json()["results"]] == [second["id"], first["id"]]
