"""The catalog's steps of the ordering saga, driven by the events orders publishes.

Each outcome goes through the real outbox, so its payload is checked against
its published schema too.
"""

import json
from decimal import Decimal
from uuid import uuid4

import pytest
from django.db import transaction

from chassis.events import Event
from chassis.models import OutboxMessage

from catalog import models, subscribers
from catalog.application import products, stock
from catalog.infrastructure.unit_of_work import DjangoCatalogUnitOfWork

pytestmark = pytest.mark.django_db


def stocked(quantity: int) -> str:
    command = products.CreateProduct(
        sku=f"SKU-{uuid4().hex[:6].upper()}", name="Lamp", price=Decimal("9.99"), currency="EUR"
    )
    product = products.handle_create_product(command, DjangoCatalogUnitOfWork())
    if quantity:
        stock.handle_adjust_stock(
            stock.AdjustStock(product.id, quantity), DjangoCatalogUnitOfWork()
        )
    return str(product.id)


def order_event(event_type: str, order_id: str, **data: object) -> Event:
    return Event(type=event_type, source="/orders", data={"order_id": order_id, **data})


def announced(event_type: str) -> list[dict]:
    rows = OutboxMessage.objects.filter(event_type=event_type).order_by("sequence")
    return [json.loads(bytes(row.body))["data"] for row in rows]


def handle(handler, event: Event) -> None:
    with transaction.atomic():  # as the consumer runs every handler
        handler(event)


def test_a_placed_order_gets_its_stock_reserved(settings):
    lamp, order = stocked(5), str(uuid4())
    lines = [{"product_id": lamp, "quantity": 2}]

    handle(
        subscribers.reserve_stock_for_the_order,
        order_event("orders.order.placed.v1", order, lines=lines),
    )

    assert announced("catalog.stock.reserved.v1") == [{"order_id": order, "lines": lines}]
    assert models.StockLevel.objects.get(pk=lamp).reserved == 2


def test_an_order_the_stock_cannot_cover_is_rejected():
    lamp, order = stocked(1), str(uuid4())

    placed = order_event(
        "orders.order.placed.v1", order, lines=[{"product_id": lamp, "quantity": 2}]
    )
    handle(subscribers.reserve_stock_for_the_order, placed)

    (rejection,) = announced("catalog.stock.rejected.v1")
    assert rejection["order_id"] == order
    assert "Only 1" in rejection["reason"]


@pytest.mark.parametrize("ended", ["orders.order.cancelled.v1", "orders.order.expired.v1"])
def test_a_cancelled_or_expired_order_gives_its_stock_back(ended):
    lamp, order = stocked(5), str(uuid4())
    handle(
        subscribers.reserve_stock_for_the_order,
        order_event("orders.order.placed.v1", order, lines=[{"product_id": lamp, "quantity": 3}]),
    )

    handle(subscribers.release_the_orders_stock, order_event(ended, order))

    assert announced("catalog.stock.released.v1") == [{"order_id": order}]
    assert models.StockLevel.objects.get(pk=lamp).reserved == 0


def test_product_changes_are_announced_with_the_full_product():
    product_id = stocked(0)

    (created,) = announced("catalog.product.created.v1")

    assert created["product_id"] == product_id
    assert (created["price"], created["currency"], created["active"]) == ("9.99", "EUR", True)
