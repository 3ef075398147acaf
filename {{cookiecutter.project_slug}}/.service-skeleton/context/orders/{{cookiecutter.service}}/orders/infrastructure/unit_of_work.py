"""Orders' unit of work on the database: the repositories one business transaction uses."""

from __future__ import annotations

from chassis.persistence import DjangoUnitOfWork

from orders.infrastructure.repositories import (
    DjangoOrderRepository,
    DjangoProductSnapshotRepository,
)


class DjangoOrdersUnitOfWork(DjangoUnitOfWork):
    def __init__(self) -> None:
        super().__init__()
        self.orders = DjangoOrderRepository()
        self.products = DjangoProductSnapshotRepository()
