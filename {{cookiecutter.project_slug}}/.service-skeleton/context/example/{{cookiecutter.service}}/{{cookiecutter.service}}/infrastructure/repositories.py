"""The item repository: the Protocol use cases depend on, and its database implementation."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from typing import Protocol
from uuid import UUID

from django.db import IntegrityError, transaction

from chassis.domain import Conflict, NotFound
from chassis.persistence import EntityPage

from {{ cookiecutter.service }} import models
from {{ cookiecutter.service }}.domain.items import Item


class ItemRepository(Protocol):
    def add(self, item: Item) -> None:
        """Store a new item; :class:`Conflict` if its name is taken."""

    def get(self, item_id: UUID) -> Item:
        """The item with this id; :class:`NotFound` if there is none."""

    def save(self, item: Item) -> None:
        """Store a changed item; :class:`Conflict` if its new name is taken."""

    def remove(self, item_id: UUID) -> None:
        """Delete an item; :class:`NotFound` if there is none."""

    def find(self, *, search: str) -> Sequence[Item]:
        """Items whose name contains `search` (any case), ordered by name."""


def name_taken(name: str) -> Conflict:
    return Conflict(f"An item named {name!r} already exists.", code="name_taken")


def no_such_item(item_id: UUID) -> NotFound:
    return NotFound(f"No item {item_id}.")


class DjangoItemRepository:
    def add(self, item: Item) -> None:
        try:
            with transaction.atomic():
                models.Item.objects.create(**asdict(item))
        except IntegrityError as error:
            raise name_taken(item.name) from error

    def get(self, item_id: UUID) -> Item:
        try:
            return _to_entity(models.Item.objects.get(pk=item_id))
        except models.Item.DoesNotExist as error:
            raise no_such_item(item_id) from error

    def save(self, item: Item) -> None:
        fields = asdict(item)
        del fields["id"]
        try:
            with transaction.atomic():
                updated = models.Item.objects.filter(pk=item.id).update(**fields)
        except IntegrityError as error:
            raise name_taken(item.name) from error
        if not updated:
            raise no_such_item(item.id)

    def remove(self, item_id: UUID) -> None:
        deleted, _ = models.Item.objects.filter(pk=item_id).delete()
        if not deleted:
            raise no_such_item(item_id)

    def find(self, *, search: str) -> Sequence[Item]:
        rows = models.Item.objects.order_by("name", "id")
        if search:
            rows = rows.filter(name__icontains=search)
        return EntityPage(rows, _to_entity)


def _to_entity(row: models.Item) -> Item:
    return Item(
        id=row.id,
        name=row.name,
        description=row.description,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )
