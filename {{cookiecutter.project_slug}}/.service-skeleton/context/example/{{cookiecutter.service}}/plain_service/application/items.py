"""Use cases of items.

A command's handler takes the unit of work it changes state in; a query's
handler takes the repository it reads. Unit tests pass in-memory ones, the API
the database ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

from plain_service.application.ports import ItemRepository, ItemsUnitOfWork
from plain_service.domain.events import ItemCreated, ItemDeleted, ItemRevised
from plain_service.domain.items import Item


@dataclass(frozen=True)
class CreateItem:
    name: str
    description: str = ""


def handle_create_item(command: CreateItem, uow: ItemsUnitOfWork) -> Item:
    item = Item.create(name=command.name, description=command.description, now=datetime.now(UTC))
    with uow:
        uow.items.add(item)
        uow.publish(ItemCreated(item.id, item.name))
    return item


@dataclass(frozen=True)
class ReviseItem:
    """Change an item; a field left as ``None`` keeps its value."""

    item_id: UUID
    name: str | None = None
    description: str | None = None


def handle_revise_item(command: ReviseItem, uow: ItemsUnitOfWork) -> Item:
    with uow:
        item = uow.items.get(command.item_id).revise(
            name=command.name, description=command.description, now=datetime.now(UTC)
        )
        uow.items.save(item)
        uow.publish(ItemRevised(item.id, item.name))
    return item


@dataclass(frozen=True)
class DeleteItem:
    item_id: UUID


def handle_delete_item(command: DeleteItem, uow: ItemsUnitOfWork) -> None:
    with uow:
        uow.items.remove(command.item_id)
        uow.publish(ItemDeleted(command.item_id))


@dataclass(frozen=True)
class FindItems:
    """Items whose name contains `search` (any case), by name; all of them without one."""

    search: str = ""


def handle_find_items(query: FindItems, items: ItemRepository) -> Sequence[Item]:
    return items.find(search=query.search)


@dataclass(frozen=True)
class GetItem:
    item_id: UUID


def handle_get_item(query: GetItem, items: ItemRepository) -> Item:
    return items.get(query.item_id)
