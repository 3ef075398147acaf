"""Identity's unit of work: the repositories one business transaction uses."""

from __future__ import annotations

from types import TracebackType
from typing import Protocol, Self

from chassis.persistence import DjangoUnitOfWork

from identity.infrastructure.repositories import (
    DjangoSessionRepository,
    DjangoUserRepository,
    SessionRepository,
    UserRepository,
)


class IdentityUnitOfWork(Protocol):
    users: UserRepository
    sessions: SessionRepository

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None: ...


class DjangoIdentityUnitOfWork(DjangoUnitOfWork):
    def __init__(self) -> None:
        super().__init__()
        self.users = DjangoUserRepository()
        self.sessions = DjangoSessionRepository()
