"""The catalog's unit of work: the repositories one business transaction uses."""

from __future__ import annotations

from types import TracebackType
from typing import Protocol, Self

from chassis.events.outbox import DomainEvent
from chassis.persistence import DjangoUnitOfWork

from catalog.infrastructure.cache import LISTINGS
from catalog.infrastructure.repositories import (
    DjangoProductRepository,
    DjangoReservationRepository,
    DjangoStockRepository,
    ProductRepository,
    ReservationRepository,
    StockRepository,
)


class CatalogUnitOfWork(Protocol):
    products: ProductRepository
    stock: StockRepository
    reservations: ReservationRepository

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None: ...

    def publish(self, event: DomainEvent) -> None: ...


class DjangoCatalogUnitOfWork(DjangoUnitOfWork):
    stale_on_commit = (LISTINGS,)

    def __init__(self) -> None:
        super().__init__()
        self.products = DjangoProductRepository()
        self.stock = DjangoStockRepository()
        self.reservations = DjangoReservationRepository()
