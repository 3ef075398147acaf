"""The notifications unit of work on the database: the repositories one business transaction uses."""

from __future__ import annotations

from chassis.persistence import DjangoUnitOfWork

from notifications.infrastructure.repositories import DjangoNotificationRepository


class DjangoNotificationsUnitOfWork(DjangoUnitOfWork):
    def __init__(self) -> None:
        super().__init__()
        self.notifications = DjangoNotificationRepository()
