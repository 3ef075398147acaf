"""How a recorded notification is sent: here, right away, in the process that recorded it."""

from __future__ import annotations

from uuid import UUID

from notifications.application.notifications import DeliverNotification, handle_deliver_notification
from notifications.infrastructure.mail import DjangoMailer
from notifications.infrastructure.unit_of_work import DjangoNotificationsUnitOfWork


def deliver_now(notification_id: UUID) -> None:
    handle_deliver_notification(
        DeliverNotification(notification_id), DjangoNotificationsUnitOfWork(), DjangoMailer()
    )
