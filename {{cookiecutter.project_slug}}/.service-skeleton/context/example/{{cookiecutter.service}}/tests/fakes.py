"""An item repository kept in a dict: the unit tests' stand-in for the database one.

It keeps the promises of {{ cookiecutter.service }}.application.ports as the
database one does (tests/test_repository_contract.py checks both).
"""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from chassis_testing.fakes import InMemoryUnitOfWork

from plain_service.application.ports import name_taken, no_such_item
from plain_service.domain.items import Item


class InMemoryItemRepository:
    def __init__(self) -> None:
        self.rows: dict[UUID, Item] = {}

    def add(self, item: Item) -> None:
        self._refuse_taken_name(item)
        self.rows[item.id] = item

    def get(self, item_id: UUID) -> Item:
        try:
            return self.rows[item_id]
        except KeyError as error:
            raise no_such_item(item_id) from error

    def save(self, item: Item) -> None:
        if item.id not in self.rows:
            raise no_such_item(item.id)
        self._refuse_taken_name(item)
        self.rows[item.id] = item

    def remove(self, item_id: UUID) -> None:
        if self.rows.pop(item_id, None) is None:
            raise no_such_item(item_id)

    def find(self, *, search: str) -> Sequence[Item]:
        matching = (item for item in self.rows.values() if search.lower() in item.name.lower())
        return sorted(matching, key=lambda item: (item.name, str(item.id)))

    def _refuse_taken_name(self, item: Item) -> None:
        if any(other.name == item.name and other.id != item.id for other in self.rows.values()):
            raise name_taken(item.name)


class InMemoryItemsUnitOfWork(InMemoryUnitOfWork):
    def __init__(self) -> None:
        super().__init__()
        self.items = InMemoryItemRepository()
