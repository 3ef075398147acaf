"""What {{ cookiecutter.service }} tells the rest of the system (schemas in {{ cookiecutter.service }}/event_schemas/)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar
from uuid import UUID


@dataclass(frozen=True)
class ItemCreated:
    TYPE: ClassVar[str] = "{{ cookiecutter.service }}.item.created.v1"

    item_id: UUID
    name: str


@dataclass(frozen=True)
class ItemRevised:
    TYPE: ClassVar[str] = "{{ cookiecutter.service }}.item.revised.v1"

    item_id: UUID
    name: str


@dataclass(frozen=True)
class ItemDeleted:
    TYPE: ClassVar[str] = "{{ cookiecutter.service }}.item.deleted.v1"

    item_id: UUID
