"""A notification: recorded first, then sent, with every attempt counted.

pending ──> sent
   │
   └──> failed   (after MAX_ATTEMPTS failed deliveries, or one that can never succeed)
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from uuid import UUID, uuid4

from chassis.domain import Conflict

from notifications.domain.messages import Message

MAX_ATTEMPTS = 5


class Channel(StrEnum):
    EMAIL = "email"


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


@dataclass(frozen=True)
class Notification:
    id: UUID
    recipient_id: UUID
    channel: Channel
    address: str
    message: Message
    status: DeliveryStatus
    attempts: int
    created_at: datetime
    updated_at: datetime
    last_error: str = ""
    sent_at: datetime | None = None

    @classmethod
    def record(
        cls, *, recipient_id: UUID, address: str, message: Message, now: datetime
    ) -> Notification:
        return cls(
            uuid4(),
            recipient_id,
            Channel.EMAIL,
            address,
            message,
            DeliveryStatus.PENDING,
            0,
            now,
            now,
        )

    def delivered(self, now: datetime) -> Notification:
        self._refuse_unless_pending()
        return replace(
            self,
            status=DeliveryStatus.SENT,
            attempts=self.attempts + 1,
            sent_at=now,
            updated_at=now,
            last_error="",
        )

    def delivery_failed(self, error: str, now: datetime) -> Notification:
        """Count a failed attempt; after the last one, the notification has failed."""
        self._refuse_unless_pending()
        attempts = self.attempts + 1
        status = DeliveryStatus.FAILED if attempts >= MAX_ATTEMPTS else DeliveryStatus.PENDING
        return replace(
            self, status=status, attempts=attempts, last_error=error[:500], updated_at=now
        )

    def undeliverable(self, reason: str, now: datetime) -> Notification:
        """An attempt that can never succeed (the address is refused): failed at once."""
        self._refuse_unless_pending()
        return replace(
            self,
            status=DeliveryStatus.FAILED,
            attempts=self.attempts + 1,
            last_error=reason[:500],
            updated_at=now,
        )

    def _refuse_unless_pending(self) -> None:
        if self.status is not DeliveryStatus.PENDING:
            raise Conflict(f"Notification {self.id} is {self.status}: there is nothing to deliver.")
