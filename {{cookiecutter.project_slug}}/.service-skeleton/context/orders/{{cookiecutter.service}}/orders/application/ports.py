"""The ports of ordering's use cases: what they need from the world, as Protocols.

Production implements them on Django, the unit tests on stand-ins (tests/fakes.py);
both keep what each method's docstring promises, as tests/test_repository_contract.py
checks.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Protocol
from uuid import UUID

from chassis.domain import NotFound
from chassis.persistence import UnitOfWork

from orders.domain.orders import Order, OrderStatus
from orders.domain.products import ProductSnapshot


class OrderRepository(Protocol):
    def add(self, order: Order) -> None:
        """Store a new order."""

    def lock(self, order_id: UUID, *, customer_id: UUID | None = None) -> Order:
        """The order, locked until the unit of work ends; :class:`NotFound` if there is
        none, or if `customer_id` is given and the order is someone else's."""

    def save(self, order: Order) -> None:
        """Store a changed order."""

    def pending_since(self, placed_before: datetime) -> list[UUID]:
        """The orders placed before then that are still pending, oldest first."""


class ProductSnapshotRepository(Protocol):
    def get_many(self, product_ids: Iterable[UUID]) -> dict[UUID, ProductSnapshot]:
        """The snapshots that exist among these ids."""

    def lock(self, product_id: UUID) -> ProductSnapshot | None:
        """The snapshot, locked until the unit of work ends, if there is one."""

    def save(self, snapshot: ProductSnapshot) -> None:
        """Store a snapshot, new or changed."""


class OrdersUnitOfWork(UnitOfWork, Protocol):
    orders: OrderRepository
    products: ProductSnapshotRepository


class OrderReader(Protocol):
    def find(self, *, customer_id: UUID, status: OrderStatus | None) -> Sequence[Order]:
        """The customer's orders, newest first, optionally of one status."""

    def get(self, order_id: UUID, *, customer_id: UUID) -> Order:
        """The customer's order; :class:`NotFound` if there is none or it is someone else's."""


def no_such_order(order_id: UUID) -> NotFound:
    return NotFound(f"No order {order_id}.")
