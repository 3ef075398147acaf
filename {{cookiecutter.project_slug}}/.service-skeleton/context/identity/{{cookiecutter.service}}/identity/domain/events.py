"""What identity tells the rest of the system (schemas in identity/event_schemas/)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar
from uuid import UUID

from identity.domain.users import User


@dataclass(frozen=True)
class UserRegistered:
    """Someone has an account now: they registered, or it is the operators' staff account."""

    TYPE: ClassVar[str] = "identity.user.registered.v1"

    user_id: UUID
    email: str
    full_name: str

    @classmethod
    def of(cls, user: User) -> UserRegistered:
        return cls(user.id, user.email, user.full_name)


@dataclass(frozen=True)
class RegistrationRepeated:
    """Someone tried to register an address that has an account: its owner should hear of it,
    and nobody else (registration answers the same either way)."""

    TYPE: ClassVar[str] = "identity.registration.repeated.v1"

    user_id: UUID
    email: str

    @classmethod
    def of(cls, user: User) -> RegistrationRepeated:
        return cls(user.id, user.email)
