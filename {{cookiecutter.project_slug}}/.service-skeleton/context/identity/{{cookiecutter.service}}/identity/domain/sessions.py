"""A login session, held by its refresh token.

A refresh token is used once: using it ends it and starts its successor, in
the same family (one family per login). A spent token used again means it was
copied, so the whole family is revoked: the thief and the owner both sign in
again, and only the owner can.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from uuid import UUID, uuid4


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
    used_at: datetime | None = None
    revoked_at: datetime | None = None

    @classmethod
    def start(
        cls, *, user_id: UUID, token_hash: str, now: datetime, lifetime: timedelta
    ) -> RefreshSession:
        """The first session of a new login."""
        return cls(uuid4(), user_id, uuid4(), token_hash, now, now + lifetime)

    def successor(self, *, token_hash: str, now: datetime, lifetime: timedelta) -> RefreshSession:
        return RefreshSession(
            uuid4(), self.user_id, self.family_id, token_hash, now, now + lifetime
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
