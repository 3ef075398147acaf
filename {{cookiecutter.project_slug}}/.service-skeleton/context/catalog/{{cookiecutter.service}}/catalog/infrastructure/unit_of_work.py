"""The catalog's unit of work on the database: the repositories one business transaction uses."""

from __future__ import annotations

from chassis.persistence import DjangoUnitOfWork

from catalog.infrastructure.cache import LISTINGS, SEARCHES
from catalog.infrastructure.repositories import (
    DjangoProductRepository,
    DjangoReservationRepository,
    DjangoStockRepository,
)


class DjangoCatalogUnitOfWork(DjangoUnitOfWork):
    stale_on_commit = (LISTINGS, SEARCHES)

    def __init__(self) -> None:
        super().__init__()
        self.products = DjangoProductRepository()
        self.stock = DjangoStockRepository()
        self.reservations = DjangoReservationRepository()
