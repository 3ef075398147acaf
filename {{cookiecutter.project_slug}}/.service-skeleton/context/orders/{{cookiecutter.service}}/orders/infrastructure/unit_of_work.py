"""Orders' unit of work: the repositories one business transaction uses."""

from __future__ import annotations

from types import TracebackType
from typing import Protocol, Self

from chassis.events.outbox import DomainEvent
from chassis.persistence import DjangoUnitOfWork

from orders.infrastructure.repositories import (
    DjangoOrderRepository,
    DjangoProductSnapshotRepository,
    OrderRepository,
    ProductSnapshotRepository,
)


class OrdersUnitOfWork(Protocol):
    orders: OrderRepository
    products: ProductSnapshotRepository

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None: ...

    def publish(self, event: DomainEvent) -> None: ...


class DjangoOrdersUnitOfWork(DjangoUnitOfWork):
    def __init__(self) -> None:
        super().__init__()
        self.orders = DjangoOrderRepository()
        self.products = DjangoProductSnapshotRepository()
