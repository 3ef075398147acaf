"""What the catalog tells the rest of the system: each event with the type it is published as.

Their JSON Schemas are in catalog/event_schemas/, one per type.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import ClassVar
from uuid import UUID

from catalog.domain.products import Product
from catalog.domain.stock import Reservation, ReservationLine, ReservationStatus


@dataclass(frozen=True)
class ProductChanged:
    """A product as it is now: everything another service may keep a copy of."""

    product_id: UUID
    sku: str
    name: str
    price: Decimal
    currency: str
    active: bool
    updated_at: datetime

    @classmethod
    def of(cls, product: Product) -> ProductChanged:
        return cls(
            product.id,
            product.sku,
            product.name,
            product.price.amount,
            product.price.currency,
            product.active,
            product.updated_at,
        )


@dataclass(frozen=True)
class ProductCreated(ProductChanged):
    TYPE: ClassVar[str] = "catalog.product.created.v1"


@dataclass(frozen=True)
class ProductUpdated(ProductChanged):
    TYPE: ClassVar[str] = "catalog.product.updated.v1"


@dataclass(frozen=True)
class ProductDeactivated(ProductChanged):
    TYPE: ClassVar[str] = "catalog.product.deactivated.v1"


@dataclass(frozen=True)
class StockReserved:
    TYPE: ClassVar[str] = "catalog.stock.reserved.v1"

    order_id: UUID
    lines: tuple[ReservationLine, ...]


@dataclass(frozen=True)
class StockRejected:
    TYPE: ClassVar[str] = "catalog.stock.rejected.v1"

    order_id: UUID
    reason: str


@dataclass(frozen=True)
class StockReleased:
    TYPE: ClassVar[str] = "catalog.stock.released.v1"

    order_id: UUID


def reservation_outcome(reservation: Reservation) -> StockReserved | StockRejected:
    """What a reservation means for its order, however many times it is asked."""
    if reservation.status is ReservationStatus.RESERVED:
        return StockReserved(reservation.order_id, reservation.lines)
    return StockRejected(
        reservation.order_id, reservation.reason or "The order's stock was released."
    )
