"""Keeping the product read model: the catalog's product events end here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from uuid import UUID

from chassis.domain import Money

from orders.application.ports import OrdersUnitOfWork
from orders.domain.products import ProductSnapshot


@dataclass(frozen=True)
class UpsertProductSnapshot:
    product_id: UUID
    sku: str
    name: str
    price: Decimal
    currency: str
    active: bool
    updated_at: datetime


def handle_upsert_product_snapshot(command: UpsertProductSnapshot, uow: OrdersUnitOfWork) -> bool:
    """Store the product as the catalog last described it; ``False`` if a newer description is stored."""
    snapshot = ProductSnapshot(
        command.product_id,
        command.sku,
        command.name,
        Money(command.price, command.currency),
        command.active,
        command.updated_at,
    )
    with uow:
        if not snapshot.is_newer_than(uow.products.lock(command.product_id)):
            return False
        uow.products.save(snapshot)
    return True
