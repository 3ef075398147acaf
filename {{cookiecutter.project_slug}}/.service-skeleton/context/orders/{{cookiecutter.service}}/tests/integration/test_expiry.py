"""Orders left pending expire: by hand, and{% if cookiecutter.use_django_q == "yes" %} on Django Q's schedule in a real cluster{% else %} from cron{% endif %}."""

from datetime import timedelta
from uuid import uuid4

import pytest
from django.core.management import call_command
from django.utils import timezone
{%- if cookiecutter.use_django_q == "yes" %}
from django_q.models import Schedule
{%- endif %}

from chassis.events import Event
from chassis.models import OutboxMessage
{%- if cookiecutter.use_django_q == "yes" %}
from chassis_testing import ServiceProcess, eventually
{%- endif %}

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
{%- if cookiecutter.use_django_q == "yes" %}


@pytest.mark.django_db
def test_the_schedule_exists_from_the_first_migration():
    schedule = Schedule.objects.get(func="orders.tasks.expire_stale_orders")

    assert (schedule.schedule_type, schedule.minutes, schedule.repeats) == (Schedule.MINUTES, 1, -1)


# serialized_rollback: the schedule the migration made is back for this test
# even after an earlier one emptied the tables.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_cluster_expires_a_stale_order_on_schedule(tmp_path):
    stale, fresh = placed(minutes_ago=45), placed(minutes_ago=5)
    Schedule.objects.filter(func="orders.tasks.expire_stale_orders").update(next_run=timezone.now())

    cluster = ServiceProcess(["manage.py", "qcluster"], tmp_path / "qcluster.log")
    try:
        eventually(lambda: statuses(stale) == ["expired"], 90, "the cluster never expired it")
        call_command("scheduler_alive", "30")  # its health check
    finally:
        cluster.stop()

    assert statuses(fresh) == ["pending"]
    assert expiry_announced(stale)
{%- endif %}
