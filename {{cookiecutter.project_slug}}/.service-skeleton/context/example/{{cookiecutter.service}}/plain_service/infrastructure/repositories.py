"""The item repository on the database (its port is in {{ cookiecutter.service }}.application.ports)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from uuid import UUID

from django.db import IntegrityError, transaction

from chassis.persistence import EntityPage

from plain_service import models
from plain_service.application.ports import name_taken, no_such_item
from plain_service.domain.items import Item


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
