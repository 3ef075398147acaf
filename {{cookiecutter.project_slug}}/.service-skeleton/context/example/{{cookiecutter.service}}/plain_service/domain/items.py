"""An item: the example resource a new service starts with."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from uuid import UUID, uuid4

from chassis.domain import RuleViolation

NAME_MAX_LENGTH = 120
DESCRIPTION_MAX_LENGTH = 2000


@dataclass(frozen=True)
class Item:
    id: UUID
    name: str
    description: str
    created_at: datetime
    updated_at: datetime

    @classmethod
    def create(cls, *, name: str, description: str, now: datetime) -> Item:
        return cls(
            id=uuid4(),
            name=_valid_name(name),
            description=_valid_description(description),
            created_at=now,
            updated_at=now,
        )

    def revise(self, *, name: str | None, description: str | None, now: datetime) -> Item:
        """A copy with the given fields changed; a field given as ``None`` keeps its value."""
        changes: dict[str, object] = {"updated_at": now}
        if name is not None:
            changes["name"] = _valid_name(name)
        if description is not None:
            changes["description"] = _valid_description(description)
        return replace(self, **changes)


def _valid_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise RuleViolation("A name cannot be blank.", field="name", code="blank")
    if len(name) > NAME_MAX_LENGTH:
        raise RuleViolation(
            f"A name has at most {NAME_MAX_LENGTH} characters.", field="name", code="max_length"
        )
    return name


def _valid_description(description: str) -> str:
    description = description.strip()
    if len(description) > DESCRIPTION_MAX_LENGTH:
        raise RuleViolation(
            f"A description has at most {DESCRIPTION_MAX_LENGTH} characters.",
            field="description",
            code="max_length",
        )
    return description
