"""Ordering rules and use cases, on in-memory repositories: no database."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from uuid import uuid4

import pytest

from chassis.domain import NotFound, RuleViolation

from orders.application import orders, products
from orders.domain.events import (
    OrderCancelled,
    OrderConfirmed,
    OrderExpired,
    OrderPlaced,
    OrderRejected,
)
from orders.domain.orders import InvalidTransition, OrderStatus, RequestedLine

from tests.factories import known_product
from tests.fakes import InMemoryOrderReader, InMemoryOrdersUnitOfWork

CUSTOMER = uuid4()


@pytest.fixture
def uow() -> InMemoryOrdersUnitOfWork:
    return InMemoryOrdersUnitOfWork()


def place(uow, *lines, customer=CUSTOMER):
    command = orders.PlaceOrder(
        customer, "ada@example.com", tuple(RequestedLine(p, q) for p, q in lines)
    )
    return orders.handle_place_order(command, uow)


def test_an_order_is_priced_from_the_read_model(uow):
    lamp, chair = known_product(uow, "19.90"), known_product(uow, "45.00")

    order = place(uow, (lamp, 2), (chair, 1))

    assert order.status is OrderStatus.PENDING
    assert str(order.total) == "84.80 EUR"
    assert [line.quantity for line in order.lines] == [2, 1]
    assert uow.orders.rows[order.id] == order


@pytest.mark.parametrize(
    ("lines", "field", "code"),
    [
        ((), "lines", "empty"),
        (("lamp", 0), "lines[0].quantity", "out_of_range"),
        (("lamp", 1001), "lines[0].quantity", "out_of_range"),
        (("unknown", 1), "lines[0].product_id", "unknown_product"),
        (("retired", 1), "lines[0].product_id", "not_for_sale"),
        (("lamp", 1, "lamp", 1), "lines[1].product_id", "duplicate"),
        (("lamp", 1, "dollars", 1), "lines", "mixed_currencies"),
    ],
)
def test_invalid_orders_are_refused_naming_the_field(uow, lines, field, code):
    ids = {
        "lamp": known_product(uow),
        "retired": known_product(uow, active=False),
        "dollars": known_product(uow, currency="USD"),
        "unknown": uuid4(),
    }
    pairs = [(ids[lines[i]], lines[i + 1]) for i in range(0, len(lines), 2)]

    with pytest.raises(RuleViolation) as error:
        place(uow, *pairs)

    assert (error.value.field, error.value.code) == (field, code)
    assert uow.orders.rows == {}


def test_placing_an_order_announces_it_for_the_catalog(uow):
    order = place(uow, (known_product(uow, "19.90"), 2))

    assert uow.published == [OrderPlaced.of(order)]
    assert str(uow.published[0].total) == "39.80 EUR"


def test_the_catalogs_answer_confirms_or_rejects(uow):
    lamp = known_product(uow)
    confirmed, rejected = place(uow, (lamp, 1)), place(uow, (lamp, 1))

    orders.handle_confirm_order(orders.ConfirmOrder(confirmed.id), uow)
    orders.handle_reject_order(orders.RejectOrder(rejected.id, "Only 0 available."), uow)

    assert uow.orders.rows[confirmed.id].status is OrderStatus.CONFIRMED
    assert (uow.orders.rows[rejected.id].status, uow.orders.rows[rejected.id].reason) == (
        OrderStatus.REJECTED,
        "Only 0 available.",
    )
    assert uow.published[2:] == [
        OrderConfirmed.of(uow.orders.rows[confirmed.id]),
        OrderRejected.of(uow.orders.rows[rejected.id]),
    ]


def test_answers_that_come_twice_change_nothing_the_second_time(uow):
    order = place(uow, (known_product(uow), 1))
    orders.handle_confirm_order(orders.ConfirmOrder(order.id), uow)
    updated = uow.orders.rows[order.id].updated_at

    orders.handle_confirm_order(orders.ConfirmOrder(order.id), uow)

    assert uow.orders.rows[order.id].updated_at == updated
    assert [type(event) for event in uow.published] == [OrderPlaced, OrderConfirmed]


def test_stock_reserved_for_a_cancelled_order_is_handed_back(uow):
    order = place(uow, (known_product(uow), 1))
    orders.handle_cancel_order(orders.CancelOrder(CUSTOMER, order.id), uow)

    orders.handle_confirm_order(orders.ConfirmOrder(order.id), uow)

    assert uow.orders.rows[order.id].status is OrderStatus.CANCELLED
    assert uow.published[1:] == [OrderCancelled(order.id), OrderCancelled(order.id)]


def test_a_rejection_after_the_order_ended_changes_nothing(uow):
    order = place(uow, (known_product(uow), 1))
    orders.handle_cancel_order(orders.CancelOrder(CUSTOMER, order.id), uow)

    orders.handle_reject_order(orders.RejectOrder(order.id, "No stock."), uow)

    assert uow.orders.rows[order.id].status is OrderStatus.CANCELLED
    assert len(uow.published) == 2


def test_customers_cancel_their_own_orders_only(uow):
    order = place(uow, (known_product(uow), 1))

    with pytest.raises(NotFound):
        orders.handle_cancel_order(orders.CancelOrder(uuid4(), order.id), uow)
    cancelled = orders.handle_cancel_order(orders.CancelOrder(CUSTOMER, order.id), uow)

    assert cancelled.status is OrderStatus.CANCELLED


@pytest.mark.parametrize("ended", ["reject", "expire"])
def test_ended_orders_cannot_be_cancelled(uow, ended):
    order = place(uow, (known_product(uow), 1))
    if ended == "reject":
        orders.handle_reject_order(orders.RejectOrder(order.id, "No stock."), uow)
    else:
        uow.orders.save(uow.orders.rows[order.id].expire(datetime.now(UTC)))

    with pytest.raises(InvalidTransition):
        orders.handle_cancel_order(orders.CancelOrder(CUSTOMER, order.id), uow)


def test_only_stale_pending_orders_expire(uow):
    lamp = known_product(uow)
    stale, fresh, confirmed = place(uow, (lamp, 1)), place(uow, (lamp, 1)), place(uow, (lamp, 1))
    for order in (stale, confirmed):
        uow.orders.save(replace(order, created_at=order.created_at - timedelta(hours=1)))
    orders.handle_confirm_order(orders.ConfirmOrder(confirmed.id), uow)

    expired = orders.handle_expire_stale_orders(
        orders.ExpireStaleOrders(timedelta(minutes=30)), uow
    )

    assert expired == [stale.id]
    assert uow.published[-1] == OrderExpired(stale.id)
    assert uow.orders.rows[stale.id].status is OrderStatus.EXPIRED
    assert uow.orders.rows[fresh.id].status is OrderStatus.PENDING


def test_customers_see_only_their_own_orders(uow):
    lamp = known_product(uow)
    mine, theirs = place(uow, (lamp, 1)), place(uow, (lamp, 1), customer=uuid4())
    reader = InMemoryOrderReader(uow)

    assert [o.id for o in orders.handle_find_orders(orders.FindOrders(CUSTOMER), reader)] == [
        mine.id
    ]
    with pytest.raises(NotFound):
        orders.handle_get_order(orders.GetOrder(CUSTOMER, theirs.id), reader)


def test_an_older_product_event_never_overwrites_a_newer_one(uow):
    lamp = known_product(uow, "10.00")
    newer = uow.products.rows[lamp]
    stale = products.UpsertProductSnapshot(
        lamp,
        newer.sku,
        newer.name,
        Decimal("5.00"),
        "EUR",
        True,
        newer.updated_at - timedelta(seconds=1),
    )

    assert products.handle_upsert_product_snapshot(stale, uow) is False
    assert uow.products.rows[lamp].price.amount == Decimal("10.00")
