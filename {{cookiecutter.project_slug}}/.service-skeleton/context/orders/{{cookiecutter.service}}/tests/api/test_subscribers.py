"""Orders' steps of the saga, driven by the catalog's events; outcomes go through the real outbox."""

import json
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from django.db import transaction

from chassis.events import Event
from chassis.models import OutboxMessage

from orders import models, subscribers
from orders.domain.orders import OrderStatus

pytestmark = pytest.mark.django_db


def handle(handler, event_type: str, **data: object) -> None:
    with transaction.atomic():  # as the consumer runs every handler
        handler(Event(type=event_type, source="/catalog", data=data))


def product_event(
    product_id: str, *, price: str = "19.90", active: bool = True, age: int = 0
) -> dict:
    updated_at = datetime.now(UTC) - timedelta(seconds=age)
    return {
        "product_id": product_id,
        "sku": "LAMP-1",
        "name": "Desk lamp",
        "price": price,
        "currency": "EUR",
        "active": active,
        "updated_at": updated_at.isoformat(),
    }


def announced(event_type: str) -> list[dict]:
    rows = OutboxMessage.objects.filter(event_type=event_type).order_by("sequence")
    return [json.loads(bytes(row.body))["data"] for row in rows]


def test_product_events_keep_the_read_model_and_stale_ones_are_ignored():
    lamp = str(uuid4())

    handle(
        subscribers.keep_the_product_read_model,
        "catalog.product.created.v1",
        **product_event(lamp, age=10),
    )
    handle(
        subscribers.keep_the_product_read_model,
        "catalog.product.updated.v1",
        **product_event(lamp, price="24.50"),
    )
    handle(
        subscribers.keep_the_product_read_model,
        "catalog.product.updated.v1",
        **product_event(lamp, price="1.00", age=20),
    )

    assert str(models.ProductSnapshot.objects.get(pk=lamp).price) == "24.50"


def test_the_saga_confirms_an_order_whose_stock_is_reserved(api_as, customer):
    lamp = str(uuid4())
    handle(
        subscribers.keep_the_product_read_model, "catalog.product.created.v1", **product_event(lamp)
    )
    order = (
        api_as(customer)
        .post("/api/orders/orders/", {"lines": [{"product_id": lamp, "quantity": 2}]})
        .json()
    )

    handle(
        subscribers.confirm_the_order, "catalog.stock.reserved.v1", order_id=order["id"], lines=[]
    )

    assert models.Order.objects.get(pk=order["id"]).status == OrderStatus.CONFIRMED
    (placed,) = announced("orders.order.placed.v1")
    assert placed["lines"] == [{"product_id": lamp, "quantity": 2}]
    assert placed["total"] == {"amount": "39.80", "currency": "EUR"}
    (confirmed,) = announced("orders.order.confirmed.v1")
    assert (confirmed["customer_id"], confirmed["customer_email"]) == (
        str(customer.id),
        customer.email,
    )


def test_the_saga_rejects_an_order_whose_stock_is_short(api_as, customer):
    lamp = str(uuid4())
    handle(
        subscribers.keep_the_product_read_model, "catalog.product.created.v1", **product_event(lamp)
    )
    order = (
        api_as(customer)
        .post("/api/orders/orders/", {"lines": [{"product_id": lamp, "quantity": 2}]})
        .json()
    )

    handle(
        subscribers.reject_the_order,
        "catalog.stock.rejected.v1",
        order_id=order["id"],
        reason="Only 1 left.",
    )

    assert (
        api_as(customer).get(f"/api/orders/orders/{order['id']}/").json()["reason"]
        == "Only 1 left."
    )
    assert [event["reason"] for event in announced("orders.order.rejected.v1")] == ["Only 1 left."]
