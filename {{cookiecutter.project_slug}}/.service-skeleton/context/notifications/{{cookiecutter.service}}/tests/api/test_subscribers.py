"""Events become notifications, and the e-mail goes out once the record is committed."""

from uuid import uuid4

import pytest
from django.db import transaction

from chassis.events import Event

from notifications import models, subscribers

pytestmark = pytest.mark.django_db(transaction=True)


def handle(handler, event_type: str, **data: object) -> None:
    with transaction.atomic():  # as the consumer runs every handler
        handler(Event(type=event_type, source="/tests", data=data))


def test_a_new_user_is_welcomed(outbox):
    user = str(uuid4())

    handle(
        subscribers.welcome_the_new_user,
        "identity.user.registered.v1",
        user_id=user,
        email="ada@example.com",
        full_name="Ada",
    )

    (message,) = outbox.wait_for(1)
    assert message["To"] == "ada@example.com"
    assert "Hello Ada" in message.get_content()
    notification = models.Notification.objects.get()
    assert (str(notification.recipient_id), notification.template) == (user, "welcome")


def test_a_confirmed_order_is_told_to_its_customer(outbox):
    customer, order = str(uuid4()), str(uuid4())

    handle(
        subscribers.tell_the_customer_the_order_stands,
        "orders.order.confirmed.v1",
        order_id=order,
        customer_id=customer,
        customer_email="ada@example.com",
        total={"amount": "39.80", "currency": "EUR"},
    )

    (message,) = outbox.wait_for(1)
    assert f"your order {order} of 39.80 EUR is confirmed" in message.get_content()
    assert str(models.Notification.objects.get().recipient_id) == customer


def test_a_rejected_order_is_told_with_the_reason(outbox):
    handle(
        subscribers.tell_the_customer_the_order_failed,
        "orders.order.rejected.v1",
        order_id=str(uuid4()),
        customer_id=str(uuid4()),
        customer_email="ada@example.com",
        reason="Only 1 left.",
    )

    (message,) = outbox.wait_for(1)
    assert message["Subject"] == "Your order could not be accepted"
    assert "Only 1 left." in message.get_content()
