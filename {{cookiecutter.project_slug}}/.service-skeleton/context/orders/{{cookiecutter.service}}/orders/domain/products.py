"""What orders knows about products: a copy of the catalog's, as of its last event."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from chassis.domain import Money


@dataclass(frozen=True)
class ProductSnapshot:
    product_id: UUID
    sku: str
    name: str
    price: Money
    active: bool
    # The catalog's last change, so that an older event never overwrites a newer one.
    updated_at: datetime

    def is_newer_than(self, other: ProductSnapshot | None) -> bool:
        return other is None or self.updated_at >= other.updated_at
