"""The catalog's repositories kept in dicts: the unit tests' stand-ins for the database.

They keep the promises of catalog.application.ports as the database ones do
(tests/test_repository_contract.py checks both).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from uuid import UUID

from chassis.domain import Conflict
from chassis_testing.fakes import InMemoryUnitOfWork

from catalog.application.ports import no_such_product, sku_taken
from catalog.domain.products import Listing, ListingOrder, ListingSearch, Product
from catalog.domain.stock import Reservation, StockLevel


class InMemoryProductRepository:
    def __init__(self) -> None:
        self.rows: dict[UUID, Product] = {}

    def add(self, product: Product) -> None:
        if any(other.sku == product.sku for other in self.rows.values()):
            raise sku_taken(product.sku)
        self.rows[product.id] = product

    def get(self, product_id: UUID) -> Product:
        if product_id not in self.rows:
            raise no_such_product(product_id)
        return self.rows[product_id]

    def get_many(self, product_ids: Iterable[UUID]) -> list[Product]:
        return [self.rows[product_id] for product_id in product_ids if product_id in self.rows]

    def save(self, product: Product) -> None:
        self.rows[product.id] = product


class InMemoryStockRepository:
    def __init__(self) -> None:
        self.rows: dict[UUID, StockLevel] = {}

    def add(self, level: StockLevel) -> None:
        self.rows[level.product_id] = level

    def lock(self, product_ids: Iterable[UUID]) -> dict[UUID, StockLevel]:
        for product_id in product_ids:
            if product_id not in self.rows:
                raise no_such_product(product_id)
        return {product_id: self.rows[product_id] for product_id in product_ids}

    def save(self, levels: Iterable[StockLevel]) -> None:
        for level in levels:
            self.rows[level.product_id] = level


class InMemoryReservationRepository:
    def __init__(self) -> None:
        self.rows: dict[UUID, Reservation] = {}

    def lock(self, order_id: UUID) -> Reservation | None:
        return self.rows.get(order_id)

    def add(self, reservation: Reservation) -> None:
        if reservation.order_id in self.rows:
            raise Conflict(f"Order {reservation.order_id} already has a reservation.")
        self.rows[reservation.order_id] = reservation

    def save(self, reservation: Reservation) -> None:
        self.rows[reservation.order_id] = reservation


class InMemoryCatalogUnitOfWork(InMemoryUnitOfWork):
    def __init__(self) -> None:
        super().__init__()
        self.products = InMemoryProductRepository()
        self.stock = InMemoryStockRepository()
        self.reservations = InMemoryReservationRepository()


LISTING_SORT_KEYS = {
    ListingOrder.NAME: (lambda listing: listing.product.name, False),
    ListingOrder.NAME_DESCENDING: (lambda listing: listing.product.name, True),
    ListingOrder.PRICE: (lambda listing: listing.product.price.amount, False),
    ListingOrder.PRICE_DESCENDING: (lambda listing: listing.product.price.amount, True),
    ListingOrder.NEWEST: (lambda listing: listing.product.created_at, True),
    ListingOrder.OLDEST: (lambda listing: listing.product.created_at, False),
}


class InMemoryListingReader:
    """Listings read from the in-memory repositories of a unit of work."""

    def __init__(self, uow: InMemoryCatalogUnitOfWork) -> None:
        self._uow = uow

    def find(self, search: ListingSearch) -> Sequence[Listing]:
        key, descending = LISTING_SORT_KEYS[search.order]
        listings = [listing for listing in self._all() if search.matches(listing)]
        return sorted(listings, key=key, reverse=descending)

    def get(self, product_id: UUID) -> Listing:
        product = self._uow.products.get(product_id)
        return Listing(product, self._uow.stock.rows[product_id].available)

    def _all(self) -> list[Listing]:
        return [self.get(product_id) for product_id in self._uow.products.rows]
