"""A delivery that can never succeed, through Django's mail layer to a real SMTP server: the
notification fails at once with the reason, instead of staying pending (and being sent
again by the sweep) for ever."""

from uuid import uuid4

import pytest

from notifications.application.notifications import (
    DeliverNotification,
    RecordNotification,
    handle_deliver_notification,
    handle_record_notification,
)
from notifications.domain.notifications import DeliveryStatus
from notifications.infrastructure.mail import DjangoMailer
from notifications.infrastructure.unit_of_work import DjangoNotificationsUnitOfWork

pytestmark = pytest.mark.django_db


def deliver_to(address: str):
    command = RecordNotification(uuid4(), address, "welcome", {"name": "Ada", "email": address})
    recorded = handle_record_notification(
        command, DjangoNotificationsUnitOfWork(), lambda _notification_id: None
    )
    return handle_deliver_notification(
        DeliverNotification(recorded.id), DjangoNotificationsUnitOfWork(), DjangoMailer()
    )


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("a,b@example.com", "Invalid address"),
        ("ada@example.com\nBcc: eve@example.com", "Invalid address"),
        ("nobody@example.com", "550"),
    ],
)
def test_an_address_that_is_refused_fails_the_notification_at_once(mailbox, address, reason):
    mailbox.refuse_recipient("nobody@example.com")

    notification = deliver_to(address)

    assert (notification.status, notification.attempts) == (DeliveryStatus.FAILED, 1)
    assert reason in notification.last_error
    assert mailbox.messages == []


def test_a_temporary_refusal_is_tried_again(mailbox):
    mailbox.refuse(1)

    notification = deliver_to("ada@example.com")

    assert (notification.status, notification.attempts) == (DeliveryStatus.PENDING, 1)
    assert "451" in notification.last_error
