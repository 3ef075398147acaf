"""Notifications kept in a dict and mail kept in a list: the unit tests' stand-ins.

They keep the promises of notifications.application.ports as the database
repositories and the mail backend do (tests/test_repository_contract.py checks
the repositories).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from chassis_testing.fakes import InMemoryUnitOfWork

from notifications.application.ports import DeliveryError, DeliveryRefused, no_such_notification
from notifications.domain.notifications import DeliveryStatus, Notification


class InMemoryNotificationRepository:
    def __init__(self) -> None:
        self.rows: dict[UUID, Notification] = {}

    def add(self, notification: Notification) -> None:
        self.rows[notification.id] = notification

    def lock(self, notification_id: UUID) -> Notification:
        if notification_id not in self.rows:
            raise no_such_notification(notification_id)
        return self.rows[notification_id]

    def save(self, notification: Notification) -> None:
        self.rows[notification.id] = notification

    def stalled(self, untouched_since: datetime) -> list[UUID]:
        waiting = [
            n
            for n in self.rows.values()
            if n.status is DeliveryStatus.PENDING and n.updated_at < untouched_since
        ]
        return [n.id for n in sorted(waiting, key=lambda notification: notification.updated_at)]


class InMemoryNotificationsUnitOfWork(InMemoryUnitOfWork):
    def __init__(self) -> None:
        super().__init__()
        self.notifications = InMemoryNotificationRepository()


class InMemoryNotificationReader:
    def __init__(self, uow: InMemoryNotificationsUnitOfWork) -> None:
        self._uow = uow

    def find(self, *, recipient_id: UUID) -> Sequence[Notification]:
        mine = [n for n in self._uow.notifications.rows.values() if n.recipient_id == recipient_id]
        return sorted(mine, key=lambda notification: notification.created_at, reverse=True)

    def get(self, notification_id: UUID, *, recipient_id: UUID) -> Notification:
        notification = self._uow.notifications.rows.get(notification_id)
        if notification is None or notification.recipient_id != recipient_id:
            raise no_such_notification(notification_id)
        return notification


@dataclass(frozen=True)
class SentMail:
    to: str
    subject: str
    body: str


class OutboxMailer:
    """Keeps what it is asked to send; fails the first `failures` times, as a mail server may,
    and refuses the `refused` addresses for good."""

    def __init__(self, failures: int = 0, refused: frozenset[str] = frozenset()) -> None:
        self.sent: list[SentMail] = []
        self._failures = failures
        self._refused = refused

    def send(self, to: str, subject: str, body: str) -> None:
        if to in self._refused:
            raise DeliveryRefused(f"550 5.1.1 No such mailbox: {to}")
        if self._failures:
            self._failures -= 1
            raise DeliveryError("421 Service not available")
        self.sent.append(SentMail(to, subject, body))
