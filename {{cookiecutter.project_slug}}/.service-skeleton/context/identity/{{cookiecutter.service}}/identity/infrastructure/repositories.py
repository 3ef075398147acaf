"""Identity's repositories: the Protocols use cases depend on, and their database implementations."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol
from uuid import UUID

from django.db import IntegrityError, transaction

from chassis.domain import Conflict, NotFound

from identity import models
from identity.domain.sessions import RefreshSession
from identity.domain.users import User


class UserRepository(Protocol):
    def add(self, user: User) -> None:
        """Store a new user; :class:`Conflict` if the e-mail address is taken."""

    def get(self, user_id: UUID) -> User:
        """The user; :class:`NotFound` if there is none."""

    def find_by_email(self, email: str) -> User | None: ...

    def save(self, user: User) -> None: ...


class SessionRepository(Protocol):
    def add(self, session: RefreshSession) -> None: ...

    def lock_by_hash(self, token_hash: str) -> RefreshSession | None:
        """The session with this token, locked until the unit of work ends, if there is one."""

    def save(self, session: RefreshSession) -> None: ...

    def revoke_family(self, family_id: UUID, now: datetime) -> None:
        """End every session of one sign-in."""


class UserReader(Protocol):
    def get(self, user_id: UUID) -> User: ...


def email_taken(email: str) -> Conflict:
    return Conflict(f"An account with {email} already exists.", code="email_taken")


def no_such_user(user_id: UUID) -> NotFound:
    return NotFound(f"No user {user_id}.")


class DjangoUserRepository:
    def add(self, user: User) -> None:
        try:
            with transaction.atomic():
                models.User.objects.create(id=user.id, **_user_fields(user))
        except IntegrityError as error:
            raise email_taken(user.email) from error

    def get(self, user_id: UUID) -> User:
        row = models.User.objects.filter(pk=user_id).first()
        if row is None:
            raise no_such_user(user_id)
        return _to_user(row)

    def find_by_email(self, email: str) -> User | None:
        row = models.User.objects.filter(email=email).first()
        return None if row is None else _to_user(row)

    def save(self, user: User) -> None:
        models.User.objects.filter(pk=user.id).update(**_user_fields(user))


class DjangoSessionRepository:
    def add(self, session: RefreshSession) -> None:
        models.RefreshSession.objects.create(
            id=session.id,
            user_id=session.user_id,
            family_id=session.family_id,
            token_hash=session.token_hash,
            created_at=session.created_at,
            expires_at=session.expires_at,
        )

    def lock_by_hash(self, token_hash: str) -> RefreshSession | None:
        row = (
            models.RefreshSession.objects.select_for_update().filter(token_hash=token_hash).first()
        )
        if row is None:
            return None
        return RefreshSession(
            row.id,
            row.user_id,
            row.family_id,
            row.token_hash,
            row.created_at,
            row.expires_at,
            row.used_at,
            row.revoked_at,
        )

    def save(self, session: RefreshSession) -> None:
        models.RefreshSession.objects.filter(pk=session.id).update(
            used_at=session.used_at, revoked_at=session.revoked_at
        )

    def revoke_family(self, family_id: UUID, now: datetime) -> None:
        models.RefreshSession.objects.filter(family_id=family_id, revoked_at=None).update(
            revoked_at=now
        )


def _user_fields(user: User) -> dict[str, object]:
    return {
        "email": user.email,
        "full_name": user.full_name,
        "password": user.password_hash,
        "is_staff": user.staff,
        "is_active": user.active,
        "date_joined": user.created_at,
    }


def _to_user(row: models.User) -> User:
    return User(
        id=row.id,
        email=row.email,
        full_name=row.full_name,
        password_hash=row.password,
        staff=row.is_staff,
        active=row.is_active,
        created_at=row.date_joined,
    )
