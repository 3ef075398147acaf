"""The ports of the {{ cookiecutter.service }} service's use cases: what they need, as Protocols.

Production implements them on Django, the unit tests on stand-ins (tests/fakes.py);
both keep what each method's docstring promises, as tests/test_repository_contract.py
checks.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol
from uuid import UUID

from chassis.domain import Conflict, NotFound
from chassis.persistence import UnitOfWork

from plain_service.domain.items import Item


class ItemRepository(Protocol):
    def add(self, item: Item) -> None:
        """Store a new item; :class:`Conflict` (:func:`name_taken`) if its name is taken."""

    def get(self, item_id: UUID) -> Item:
        """The item with this id; :class:`NotFound` if there is none."""

    def save(self, item: Item) -> None:
        """Store a changed item; :class:`Conflict` if its new name is taken, :class:`NotFound`
        if there is no such item."""

    def remove(self, item_id: UUID) -> None:
        """Delete an item; :class:`NotFound` if there is none."""

    def find(self, *, search: str) -> Sequence[Item]:
        """Items whose name contains `search` (any case), ordered by name."""


class ItemsUnitOfWork(UnitOfWork, Protocol):
    items: ItemRepository


def name_taken(name: str) -> Conflict:
    return Conflict(f"An item named {name!r} already exists.", code="name_taken")


def no_such_item(item_id: UUID) -> NotFound:
    return NotFound(f"No item {item_id}.")
