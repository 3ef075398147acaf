"""Stock: how many of each product the catalog holds, and how many are promised to orders.

An order's reservation is all or nothing: either every line is reserved or
none is. Reserving and releasing are idempotent per order, because the
requests come as events, which may arrive twice or out of order.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from uuid import UUID

from chassis.domain import RuleViolation


@dataclass(frozen=True)
class StockLevel:
    product_id: UUID
    on_hand: int
    reserved: int

    @classmethod
    def empty(cls, product_id: UUID) -> StockLevel:
        return cls(product_id, on_hand=0, reserved=0)

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved

    def adjust(self, change: int) -> StockLevel:
        """Count stock in (positive `change`) or out (negative)."""
        if change == 0:
            raise RuleViolation(
                "A stock adjustment changes the stock.", field="change", code="zero"
            )
        if self.on_hand + change < self.reserved:
            raise RuleViolation(
                f"Only {self.available} can be taken out: {self.reserved} are reserved for orders.",
                field="change",
                code="insufficient_stock",
            )
        return replace(self, on_hand=self.on_hand + change)

    def reserve(self, quantity: int) -> StockLevel:
        if quantity > self.available:
            raise RuleViolation(f"Only {self.available} available.", code="insufficient_stock")
        return replace(self, reserved=self.reserved + quantity)

    def release(self, quantity: int) -> StockLevel:
        return replace(self, reserved=max(self.reserved - quantity, 0))


@dataclass(frozen=True)
class ReservationLine:
    product_id: UUID
    quantity: int


class ReservationStatus(StrEnum):
    RESERVED = "reserved"
    REJECTED = "rejected"
    # Also recorded when a release arrives before its order's reservation:
    # the late reservation must then not take the stock.
    RELEASED = "released"


@dataclass(frozen=True)
class Reservation:
    order_id: UUID
    status: ReservationStatus
    lines: tuple[ReservationLine, ...] = ()
    reason: str = ""

    @classmethod
    def released_before_reserved(cls, order_id: UUID) -> Reservation:
        """Marks an order cancelled before its reservation arrived, so that it never takes stock."""
        reason = "The order was cancelled before its stock was reserved."
        return cls(order_id, ReservationStatus.RELEASED, reason=reason)

    def released(self) -> Reservation:
        return replace(self, status=ReservationStatus.RELEASED)


def merged(lines: Iterable[ReservationLine]) -> tuple[ReservationLine, ...]:
    """One line per product, quantities added up, in a stable order."""
    quantities: Counter[UUID] = Counter()
    for line in lines:
        quantities[line.product_id] += line.quantity
    return tuple(
        ReservationLine(product_id, quantity) for product_id, quantity in sorted(quantities.items())
    )


def reserve_for_order(
    order_id: UUID,
    lines: tuple[ReservationLine, ...],
    stock: Mapping[UUID, StockLevel],
    on_sale: set[UUID],
) -> tuple[Reservation, list[StockLevel]]:
    """The reservation for an order and the stock levels it changes (none when it is rejected)."""
    for line in lines:
        if line.product_id not in on_sale:
            return _rejected(order_id, lines, f"Product {line.product_id} is not for sale."), []
        available = stock[line.product_id].available
        if available < line.quantity:
            reason = (
                f"Only {available} of product {line.product_id} available, {line.quantity} ordered."
            )
            return _rejected(order_id, lines, reason), []
    changed = [stock[line.product_id].reserve(line.quantity) for line in lines]
    return Reservation(order_id, ReservationStatus.RESERVED, lines), changed


def _rejected(order_id: UUID, lines: tuple[ReservationLine, ...], reason: str) -> Reservation:
    return Reservation(order_id, ReservationStatus.REJECTED, lines, reason)
