"""Orders left pending expire when the command runs (by hand, from cron, or on the schedule)."""

from datetime import timedelta
from uuid import uuid4

import pytest
from django.core.management import call_command
from django.utils import timezone

from chassis.events import Event
from chassis.models import OutboxMessage

from orders import models
from orders.application import orders
from orders.domain.orders import RequestedLine
from orders.infrastructure.unit_of_work import DjangoOrdersUnitOfWork

from tests.factories import known_product


def placed(minutes_ago: int) -> str:
    lamp = known_product(DjangoOrdersUnitOfWork())
    command = orders.PlaceOrder(uuid4(), "ada@example.com", (RequestedLine(lamp, 1),))
    order = orders.handle_place_order(command, DjangoOrdersUnitOfWork())
    models.Order.objects.filter(pk=order.id).update(
        created_at=timezone.now() - timedelta(minutes=minutes_ago)
    )
    return str(order.id)


def statuses(*order_ids: str) -> list[str]:
    return [models.Order.objects.get(pk=order_id).status for order_id in order_ids]


def expiry_announced(order_id: str) -> bool:
    announced = OutboxMessage.objects.filter(event_type="orders.order.expired.v1")
    return order_id in {Event.from_json(bytes(row.body)).data["order_id"] for row in announced}


@pytest.mark.django_db
def test_the_command_expires_only_orders_pending_too_long(settings):
    settings.ORDERS_PENDING_MINUTES = 30
    stale, fresh = placed(minutes_ago=45), placed(minutes_ago=5)

    call_command("expire_stale_orders")

    assert statuses(stale, fresh) == ["expired", "pending"]
    assert expiry_announced(stale)
    assert not expiry_announced(fresh)
