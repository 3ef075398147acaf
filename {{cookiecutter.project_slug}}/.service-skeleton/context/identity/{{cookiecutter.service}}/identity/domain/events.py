"""What identity tells the rest of the system (schemas in identity/event_schemas/)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar
from uuid import UUID


@dataclass(frozen=True)
class UserRegistered:
    TYPE: ClassVar[str] = "identity.user.registered.v1"

    user_id: UUID
    email: str
    full_name: str
