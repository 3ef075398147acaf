"""What orders tells the rest of the system: each event with the type it is published as.

Their JSON Schemas are in orders/event_schemas/, one per type.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar
from uuid import UUID

from chassis.domain import Money

from orders.domain.orders import Order


@dataclass(frozen=True)
class OrderedLine:
    product_id: UUID
    quantity: int


@dataclass(frozen=True)
class OrderPlaced:
    TYPE: ClassVar[str] = "orders.order.placed.v1"

    order_id: UUID
    customer_id: UUID
    lines: tuple[OrderedLine, ...]
    total: Money

    @classmethod
    def of(cls, order: Order) -> OrderPlaced:
        lines = tuple(OrderedLine(line.product_id, line.quantity) for line in order.lines)
        return cls(order.id, order.customer_id, lines, order.total)


@dataclass(frozen=True)
class OrderConfirmed:
    TYPE: ClassVar[str] = "orders.order.confirmed.v1"

    order_id: UUID
    customer_id: UUID
    customer_email: str
    total: Money

    @classmethod
    def of(cls, order: Order) -> OrderConfirmed:
        return cls(order.id, order.customer_id, order.customer_email, order.total)


@dataclass(frozen=True)
class OrderRejected:
    TYPE: ClassVar[str] = "orders.order.rejected.v1"

    order_id: UUID
    customer_id: UUID
    customer_email: str
    reason: str

    @classmethod
    def of(cls, order: Order) -> OrderRejected:
        return cls(order.id, order.customer_id, order.customer_email, order.reason)


@dataclass(frozen=True)
class OrderCancelled:
    """Also sent again when stock is reserved for an order that has ended meanwhile:
    the catalog then releases it."""

    TYPE: ClassVar[str] = "orders.order.cancelled.v1"

    order_id: UUID


@dataclass(frozen=True)
class OrderExpired:
    TYPE: ClassVar[str] = "orders.order.expired.v1"

    order_id: UUID
