"""Identity's repositories on the database (ports in identity.application.ports)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from django.db import IntegrityError, transaction

from chassis.persistence import forget_some

from identity import models
from identity.application.ports import email_taken, no_such_user
from identity.domain.sessions import RefreshSession
from identity.domain.sign_in import SignInTries
from identity.domain.users import User

# Rows a use case that tidies up (signing in) forgets at a time, at most.
FORGOTTEN_PER_CALL = 100


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
            signed_in_at=session.signed_in_at,
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
            row.signed_in_at,
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

    def forget_logins_before(self, signed_in_before: datetime) -> None:
        forget_some(
            models.RefreshSession.objects.filter(signed_in_at__lt=signed_in_before),
            FORGOTTEN_PER_CALL,
        )


class DjangoSignInTriesRepository:
    def lock(self, email: str) -> SignInTries:
        # The row is made first (if two tries make it at once, one of them does), then locked.
        models.SignInTries.objects.bulk_create(
            [models.SignInTries(email=email, failed=0)], ignore_conflicts=True
        )
        row = models.SignInTries.objects.select_for_update().get(pk=email)
        return SignInTries(row.email, row.failed, row.locked_until, row.last_tried_at)

    def save(self, tries: SignInTries) -> None:
        if tries.failed == 0:
            models.SignInTries.objects.filter(pk=tries.email).delete()
            return
        models.SignInTries.objects.update_or_create(
            email=tries.email,
            defaults={
                "failed": tries.failed,
                "locked_until": tries.locked_until,
                "last_tried_at": tries.last_tried_at,
            },
        )

    def forget_tried_before(self, tried_before: datetime) -> None:
        forget_some(
            models.SignInTries.objects.filter(last_tried_at__lt=tried_before), FORGOTTEN_PER_CALL
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
