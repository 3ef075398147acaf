"""The promises of orders.application.ports, held to by the database repositories and by the
unit tests' in-memory ones alike, so that what a unit test shows on the fakes holds in production."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from uuid import uuid4

import pytest

from chassis.domain import Money, NotFound
from chassis_testing.fakes import both_units_of_work

from orders.domain.orders import Order, OrderStatus, RequestedLine
from orders.domain.products import ProductSnapshot
from orders.infrastructure.repositories import DjangoOrderReader
from orders.infrastructure.unit_of_work import DjangoOrdersUnitOfWork

from tests.fakes import InMemoryOrderReader, InMemoryOrdersUnitOfWork

NOW = datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=UTC)
ADA = uuid4()


uow = both_units_of_work(InMemoryOrdersUnitOfWork, DjangoOrdersUnitOfWork)


@pytest.fixture
def reader(uow):
    if isinstance(uow, InMemoryOrdersUnitOfWork):
        return InMemoryOrderReader(uow)
    return DjangoOrderReader()


def a_snapshot(price="19.90", name="Lamp", active=True) -> ProductSnapshot:
    product_id = uuid4()
    return ProductSnapshot(
        product_id,
        f"SKU-{product_id.hex[:6].upper()}",
        name,
        Money(Decimal(price), "EUR"),
        active,
        NOW,
    )


@pytest.fixture
def products(uow) -> dict[str, ProductSnapshot]:
    lamp, chair = a_snapshot("19.90", "Lamp"), a_snapshot("45.00", "Chair")
    with uow:
        uow.products.save(lamp)
        uow.products.save(chair)
    return {"lamp": lamp, "chair": chair}


def placed(uow, products, customer=ADA, minutes_later=0) -> Order:
    order = Order.place(
        customer_id=customer,
        customer_email="ada@example.com",
        requested=[
            RequestedLine(products["lamp"].product_id, 2),
            RequestedLine(products["chair"].product_id, 1),
        ],
        products={snapshot.product_id: snapshot for snapshot in products.values()},
        now=NOW + timedelta(minutes=minutes_later),
    )
    with uow:
        uow.orders.add(order)
    return order


def test_an_order_is_got_back_as_it_was_added_with_its_lines_in_order(uow, products):
    order = placed(uow, products)

    with uow:
        assert uow.orders.lock(order.id) == order
        assert uow.orders.lock(order.id, customer_id=ADA) == order


def test_an_unknown_order_or_someone_elses_is_not_found(uow, products):
    order = placed(uow, products)

    with uow:
        with pytest.raises(NotFound):
            uow.orders.lock(uuid4())
        with pytest.raises(NotFound):
            uow.orders.lock(order.id, customer_id=uuid4())


def test_a_saved_order_is_got_back_changed(uow, products):
    order = placed(uow, products)
    rejected = order.reject("Only 1 available.", NOW + timedelta(minutes=1))

    with uow:
        uow.orders.save(rejected)
    with uow:
        assert uow.orders.lock(order.id) == rejected


def test_pending_orders_placed_before_a_time_come_oldest_first(uow, products):
    confirmed = placed(uow, products, minutes_later=-1)
    oldest, newer = placed(uow, products, minutes_later=0), placed(uow, products, minutes_later=1)
    placed(uow, products, minutes_later=3)
    with uow:
        uow.orders.save(confirmed.confirm(NOW))

    with uow:
        assert uow.orders.pending_since(NOW + timedelta(minutes=2)) == [oldest.id, newer.id]


def test_a_snapshot_is_stored_new_then_changed(uow):
    snapshot = a_snapshot()

    with uow:
        assert uow.products.lock(snapshot.product_id) is None
        uow.products.save(snapshot)
    with uow:
        assert uow.products.lock(snapshot.product_id) == snapshot
    changed = replace(snapshot, name="Desk lamp", active=False, updated_at=NOW + timedelta(hours=1))
    with uow:
        uow.products.save(changed)
    with uow:
        assert uow.products.lock(snapshot.product_id) == changed


def test_get_many_returns_the_snapshots_that_exist(uow, products):
    lamp = products["lamp"]

    with uow:
        assert uow.products.get_many([lamp.product_id, uuid4()]) == {lamp.product_id: lamp}


def test_a_customer_finds_their_own_orders_newest_first(uow, reader, products):
    first, second = placed(uow, products), placed(uow, products, minutes_later=1)
    placed(uow, products, customer=uuid4(), minutes_later=2)
    with uow:
        uow.orders.save(second.confirm(NOW + timedelta(minutes=3)))

    def found(status=None):
        return [order.id for order in reader.find(customer_id=ADA, status=status)]

    assert found() == [second.id, first.id]
    assert found(OrderStatus.PENDING) == [first.id]


def test_a_customer_gets_their_own_order_only(uow, reader, products):
    mine, theirs = placed(uow, products), placed(uow, products, customer=uuid4())

    assert reader.get(mine.id, customer_id=ADA) == mine
    with pytest.raises(NotFound):
        reader.get(theirs.id, customer_id=ADA)
