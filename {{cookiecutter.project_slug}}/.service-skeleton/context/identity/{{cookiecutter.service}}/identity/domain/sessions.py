"""A login session, held by its refresh token.

A refresh token is used once: using it ends it and starts its successor, in
the same family (one family per login). A spent token used again means it was
copied, so the whole family is revoked: the thief and the owner both sign in
again, and only the owner can. However often it is refreshed, no session of a
login lasts past SIGN_IN_LIFETIME after it: then its owner signs in again, and
its family (spent tokens too) may be forgotten.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from uuid import UUID, uuid4

SIGN_IN_LIFETIME = timedelta(days=30)


class SessionState(StrEnum):
    USABLE = "usable"
    SPENT = "spent"
    EXPIRED = "expired"
    REVOKED = "revoked"


@dataclass(frozen=True)
class RefreshSession:
    id: UUID
    user_id: UUID
    family_id: UUID
    token_hash: str
    created_at: datetime
    expires_at: datetime
    # When the login this session descends from was made.
    signed_in_at: datetime
    used_at: datetime | None = None
    revoked_at: datetime | None = None

    @classmethod
    def start(
        cls, *, user_id: UUID, token_hash: str, now: datetime, lifetime: timedelta
    ) -> RefreshSession:
        """The first session of a new login."""
        expires_at = now + min(lifetime, SIGN_IN_LIFETIME)
        return cls(uuid4(), user_id, uuid4(), token_hash, now, expires_at, signed_in_at=now)

    def successor(self, *, token_hash: str, now: datetime, lifetime: timedelta) -> RefreshSession:
        """The session that follows this one: as long again, up to its login's end."""
        expires_at = min(now + lifetime, self.signed_in_at + SIGN_IN_LIFETIME)
        return RefreshSession(
            uuid4(),
            self.user_id,
            self.family_id,
            token_hash,
            now,
            expires_at,
            signed_in_at=self.signed_in_at,
        )

    def state(self, now: datetime) -> SessionState:
        if self.revoked_at is not None:
            return SessionState.REVOKED
        if self.used_at is not None:
            return SessionState.SPENT
        if now >= self.expires_at:
            return SessionState.EXPIRED
        return SessionState.USABLE

    def spent(self, now: datetime) -> RefreshSession:
        return replace(self, used_at=now)
