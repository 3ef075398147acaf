"""The notifications unit of work: the repositories one business transaction uses."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Protocol, Self

from chassis.persistence import DjangoUnitOfWork

from notifications.infrastructure.repositories import (
    DjangoNotificationRepository,
    NotificationRepository,
)


class NotificationsUnitOfWork(Protocol):
    notifications: NotificationRepository

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None: ...

    def on_commit(self, callback: Callable[[], None]) -> None: ...


class DjangoNotificationsUnitOfWork(DjangoUnitOfWork):
    def __init__(self) -> None:
        super().__init__()
        self.notifications = DjangoNotificationRepository()
