"""Use cases of notifications: record and send one, send again, look them up."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from uuid import UUID

from notifications.application.ports import (
    DeliveryError,
    DeliveryRefused,
    Dispatch,
    Mailer,
    NotificationReader,
    NotificationsUnitOfWork,
)
from notifications.domain.messages import compose
from notifications.domain.notifications import DeliveryStatus, Notification

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RecordNotification:
    recipient_id: UUID
    address: str
    template: str
    values: Mapping[str, str] = field(default_factory=dict)


def handle_record_notification(
    command: RecordNotification, uow: NotificationsUnitOfWork, dispatch: Dispatch
) -> Notification:
    """Record a notification, then dispatch it once the record is committed."""
    notification = Notification.record(
        recipient_id=command.recipient_id,
        address=command.address,
        message=compose(command.template, command.values),
        now=datetime.now(UTC),
    )
    with uow:
        uow.notifications.add(notification)
        uow.on_commit(lambda: dispatch(notification.id))
    return notification


@dataclass(frozen=True)
class DeliverNotification:
    notification_id: UUID


def handle_deliver_notification(
    command: DeliverNotification, uow: NotificationsUnitOfWork, mailer: Mailer
) -> Notification:
    """Try to send a pending notification once, and record how it went.

    A delivery error is recorded, not raised: the notification stays pending
    (to be tried again) until its last attempt fails it. A delivery that can
    never succeed fails it at once, with the reason.
    """
    with uow:
        notification = uow.notifications.lock(command.notification_id)
        if notification.status is not DeliveryStatus.PENDING:
            return notification
        try:
            mailer.send(
                notification.address, notification.message.subject, notification.message.body
            )
        except DeliveryRefused as error:
            logger.warning("Notification %s cannot be delivered: %s", notification.id, error)
            notification = notification.undeliverable(str(error), datetime.now(UTC))
        except DeliveryError as error:
            logger.warning("Delivering notification %s failed: %s", notification.id, error)
            notification = notification.delivery_failed(str(error), datetime.now(UTC))
        else:
            notification = notification.delivered(datetime.now(UTC))
        uow.notifications.save(notification)
    return notification


@dataclass(frozen=True)
class RedispatchStalled:
    """Dispatch again what has been pending, untouched, for `stalled_for`: its delivery
    was lost on the way (the task queue was away when it was dispatched, say)."""

    stalled_for: timedelta


def handle_redispatch_stalled(
    command: RedispatchStalled, uow: NotificationsUnitOfWork, dispatch: Dispatch
) -> list[UUID]:
    """The notifications dispatched again."""
    with uow:
        stalled = uow.notifications.stalled(datetime.now(UTC) - command.stalled_for)
    for notification_id in stalled:
        dispatch(notification_id)
    return stalled


@dataclass(frozen=True)
class FindNotifications:
    recipient_id: UUID


def handle_find_notifications(
    query: FindNotifications, notifications: NotificationReader
) -> Sequence[Notification]:
    return notifications.find(recipient_id=query.recipient_id)


@dataclass(frozen=True)
class GetNotification:
    recipient_id: UUID
    notification_id: UUID


def handle_get_notification(
    query: GetNotification, notifications: NotificationReader
) -> Notification:
    return notifications.get(query.notification_id, recipient_id=query.recipient_id)
