"""The notification repository and reader on the database (ports in notifications.application.ports)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from chassis.persistence import EntityPage

from notifications import models
from notifications.application.ports import no_such_notification
from notifications.domain.messages import Message
from notifications.domain.notifications import Channel, DeliveryStatus, Notification


class DjangoNotificationRepository:
    def add(self, notification: Notification) -> None:
        models.Notification.objects.create(**_fields(notification))

    def lock(self, notification_id: UUID) -> Notification:
        return _only(
            models.Notification.objects.select_for_update().filter(pk=notification_id),
            notification_id,
        )

    def save(self, notification: Notification) -> None:
        fields = _fields(notification)
        models.Notification.objects.filter(pk=fields.pop("id")).update(**fields)

    def stalled(self, untouched_since: datetime) -> list[UUID]:
        rows = models.Notification.objects.filter(
            status=DeliveryStatus.PENDING, updated_at__lt=untouched_since
        )
        return list(rows.order_by("updated_at").values_list("id", flat=True))


class DjangoNotificationReader:
    def find(self, *, recipient_id: UUID) -> Sequence[Notification]:
        rows = models.Notification.objects.filter(recipient_id=recipient_id).order_by(
            "-created_at", "id"
        )
        return EntityPage(rows, _to_notification)

    def get(self, notification_id: UUID, *, recipient_id: UUID) -> Notification:
        rows = models.Notification.objects.filter(pk=notification_id, recipient_id=recipient_id)
        return _only(rows, notification_id)


def _only(rows, notification_id: UUID) -> Notification:
    row = rows.first()
    if row is None:
        raise no_such_notification(notification_id)
    return _to_notification(row)


def _fields(notification: Notification) -> dict[str, object]:
    return {
        "id": notification.id,
        "recipient_id": notification.recipient_id,
        "channel": notification.channel,
        "address": notification.address,
        "template": notification.message.template,
        "subject": notification.message.subject,
        "body": notification.message.body,
        "status": notification.status,
        "attempts": notification.attempts,
        "last_error": notification.last_error,
        "created_at": notification.created_at,
        "updated_at": notification.updated_at,
        "sent_at": notification.sent_at,
    }


def _to_notification(row: models.Notification) -> Notification:
    return Notification(
        id=row.id,
        recipient_id=row.recipient_id,
        channel=Channel(row.channel),
        address=row.address,
        message=Message(row.template, row.subject, row.body),
        status=DeliveryStatus(row.status),
        attempts=row.attempts,
        created_at=row.created_at,
        updated_at=row.updated_at,
        last_error=row.last_error,
        sent_at=row.sent_at,
    )
