"""Identity's unit of work on the database: the repositories one business transaction uses."""

from __future__ import annotations

from chassis.persistence import DjangoUnitOfWork

from identity.infrastructure.repositories import (
    DjangoSessionRepository,
    DjangoSignInTriesRepository,
    DjangoUserRepository,
)


class DjangoIdentityUnitOfWork(DjangoUnitOfWork):
    def __init__(self) -> None:
        super().__init__()
        self.users = DjangoUserRepository()
        self.sessions = DjangoSessionRepository()
        self.sign_in_tries = DjangoSignInTriesRepository()
