"""Orders' repositories kept in dicts: the unit tests' stand-ins for the database.

They keep the promises of orders.application.ports as the database ones do
(tests/test_repository_contract.py checks both).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from uuid import UUID

from chassis_testing.fakes import InMemoryUnitOfWork

from orders.application.ports import no_such_order
from orders.domain.orders import Order, OrderStatus
from orders.domain.products import ProductSnapshot


class InMemoryOrderRepository:
    def __init__(self) -> None:
        self.rows: dict[UUID, Order] = {}

    def add(self, order: Order) -> None:
        self.rows[order.id] = order

    def lock(self, order_id: UUID, *, customer_id: UUID | None = None) -> Order:
        order = self.rows.get(order_id)
        if order is None or (customer_id is not None and order.customer_id != customer_id):
            raise no_such_order(order_id)
        return order

    def save(self, order: Order) -> None:
        self.rows[order.id] = order

    def pending_since(self, placed_before: datetime) -> list[UUID]:
        pending = [
            o
            for o in self.rows.values()
            if o.status is OrderStatus.PENDING and o.created_at < placed_before
        ]
        return [order.id for order in sorted(pending, key=lambda order: order.created_at)]


class InMemoryProductSnapshotRepository:
    def __init__(self) -> None:
        self.rows: dict[UUID, ProductSnapshot] = {}

    def get_many(self, product_ids: Iterable[UUID]) -> dict[UUID, ProductSnapshot]:
        return {
            product_id: self.rows[product_id]
            for product_id in product_ids
            if product_id in self.rows
        }

    def lock(self, product_id: UUID) -> ProductSnapshot | None:
        return self.rows.get(product_id)

    def save(self, snapshot: ProductSnapshot) -> None:
        self.rows[snapshot.product_id] = snapshot


class InMemoryOrdersUnitOfWork(InMemoryUnitOfWork):
    def __init__(self) -> None:
        super().__init__()
        self.orders = InMemoryOrderRepository()
        self.products = InMemoryProductSnapshotRepository()


class InMemoryOrderReader:
    def __init__(self, uow: InMemoryOrdersUnitOfWork) -> None:
        self._uow = uow

    def find(self, *, customer_id: UUID, status: OrderStatus | None) -> Sequence[Order]:
        orders = [
            order
            for order in self._uow.orders.rows.values()
            if order.customer_id == customer_id and status in (None, order.status)
        ]
        return sorted(orders, key=lambda order: order.created_at, reverse=True)

    def get(self, order_id: UUID, *, customer_id: UUID) -> Order:
        return self._uow.orders.lock(order_id, customer_id=customer_id)
