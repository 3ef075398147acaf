"""Events become notifications, and the e-mail goes out once the record is committed."""

from email.message import EmailMessage
from uuid import uuid4

import pytest
from django.db import transaction

from chassis.events import Event

from notifications import models, subscribers
from notifications.domain.messages import VALUE_MAX_LENGTH

pytestmark = pytest.mark.django_db(transaction=True)


def handle(handler, event_type: str, **data: object) -> None:
    with transaction.atomic():  # as the consumer runs every handler
        handler(Event(type=event_type, source="/tests", data=data))


def text_of(message: EmailMessage) -> str:
    return message.get_body(("plain",)).get_content()


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
    assert "Hello Ada" in text_of(message)
    notification = models.Notification.objects.get()
    assert (str(notification.recipient_id), notification.template) == (user, "welcome")


def test_a_name_is_text_in_the_mail_never_markup_nor_a_header(outbox):
    name = '<script>alert("hi")</script>\nBcc: mallory@example.com'

    handle(
        subscribers.welcome_the_new_user,
        "identity.user.registered.v1",
        user_id=str(uuid4()),
        email="ada@example.com",
        full_name=name,
    )

    (message,) = outbox.wait_for(1)
    text = text_of(message)
    html = message.get_body(("html",)).get_content()
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&quot;hi&quot;)&lt;/script&gt; Bcc: mallory@example.com" in html
    assert 'Hello <script>alert("hi")</script> Bcc: mallory@example.com,' in text  # one line
    assert message["Bcc"] is None
    assert not any("mallory" in value or "script" in value for _, value in message.items())


def test_a_long_name_is_cut_in_the_mail(outbox):
    handle(
        subscribers.welcome_the_new_user,
        "identity.user.registered.v1",
        user_id=str(uuid4()),
        email="ada@example.com",
        full_name="A" * 10_000,
    )

    (message,) = outbox.wait_for(1)
    greeting = text_of(message).splitlines()[0]
    assert greeting == "Hello " + "A" * (VALUE_MAX_LENGTH - 1) + "…,"


def test_the_owner_hears_of_someone_registering_their_address(outbox):
    owner = str(uuid4())

    handle(
        subscribers.tell_the_owner_someone_tried_to_register,
        "identity.registration.repeated.v1",
        user_id=owner,
        email="ada@example.com",
    )

    (message,) = outbox.wait_for(1)
    assert message["To"] == "ada@example.com"
    assert message["Subject"] == "Someone tried to register with your address"
    assert "If it was you, sign in" in text_of(message)
    notification = models.Notification.objects.get()
    assert (str(notification.recipient_id), notification.template) == (
        owner,
        "registration_repeated",
    )


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
    assert f"your order {order} of 39.80 EUR is confirmed" in text_of(message)
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
    assert "Only 1 left." in text_of(message)
