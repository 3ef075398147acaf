"""The ports of the notifications use cases: what they need from the world, as Protocols.

Production implements them on Django, the unit tests on stand-ins (tests/fakes.py);
both keep what each method's docstring promises, as tests/test_repository_contract.py
checks.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Protocol
from uuid import UUID

from chassis.domain import NotFound
from chassis.persistence import UnitOfWork

from notifications.domain.notifications import Notification


class NotificationRepository(Protocol):
    def add(self, notification: Notification) -> None:
        """Store a new notification."""

    def lock(self, notification_id: UUID) -> Notification:
        """The notification, locked until the unit of work ends; :class:`NotFound` if there is none."""

    def save(self, notification: Notification) -> None:
        """Store a changed notification."""

    def stalled(self, untouched_since: datetime) -> list[UUID]:
        """The pending notifications nothing has happened to since then, oldest first."""


class NotificationsUnitOfWork(UnitOfWork, Protocol):
    notifications: NotificationRepository


class NotificationReader(Protocol):
    def find(self, *, recipient_id: UUID) -> Sequence[Notification]:
        """The recipient's notifications, newest first."""

    def get(self, notification_id: UUID, *, recipient_id: UUID) -> Notification:
        """The recipient's notification; :class:`NotFound` if there is none or it is someone else's."""


def no_such_notification(notification_id: UUID) -> NotFound:
    return NotFound(f"No notification {notification_id}.")


class DeliveryError(Exception):
    """The message could not be handed to the mail server; trying again may work."""


class DeliveryRefused(DeliveryError):
    """The message can never be delivered as it is (an address the mail layer or the server
    refuses): trying again would fail the same way."""


class Mailer(Protocol):
    def send(self, to: str, subject: str, body: str) -> None:
        """Hand the message over for delivery; :class:`DeliveryError` if that fails, and
        :class:`DeliveryRefused` if it would fail however often it is tried."""


# Sends a recorded notification: right away, or through a task queue.
Dispatch = Callable[[UUID], None]
