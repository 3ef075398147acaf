"""The ports of the catalog's use cases: what they need from the world, as Protocols.

Production implements them on Django, the unit tests on stand-ins (tests/fakes.py);
both keep what each method's docstring promises, as tests/test_repository_contract.py
checks.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol
from uuid import UUID

from chassis.domain import Conflict, NotFound
from chassis.persistence import UnitOfWork

from catalog.domain.products import Listing, ListingSearch, Product
from catalog.domain.stock import Reservation, StockLevel


class ProductRepository(Protocol):
    def add(self, product: Product) -> None:
        """Store a new product; :class:`Conflict` (:func:`sku_taken`) if its SKU is taken."""

    def get(self, product_id: UUID) -> Product:
        """The product; :class:`NotFound` if there is none."""

    def get_many(self, product_ids: Iterable[UUID]) -> list[Product]:
        """The products that exist among these ids."""

    def save(self, product: Product) -> None:
        """Store a changed product."""


class StockRepository(Protocol):
    def add(self, level: StockLevel) -> None:
        """Store the stock level of a new product."""

    def lock(self, product_ids: Iterable[UUID]) -> dict[UUID, StockLevel]:
        """The stock levels, locked until the unit of work ends; :class:`NotFound` if one is missing."""

    def save(self, levels: Iterable[StockLevel]) -> None:
        """Store changed stock levels."""


class ReservationRepository(Protocol):
    def lock(self, order_id: UUID) -> Reservation | None:
        """The order's reservation, locked until the unit of work ends, if it has one."""

    def add(self, reservation: Reservation) -> None:
        """Store a new reservation; :class:`Conflict` if the order has one."""

    def save(self, reservation: Reservation) -> None:
        """Store a changed reservation."""


class CatalogUnitOfWork(UnitOfWork, Protocol):
    products: ProductRepository
    stock: StockRepository
    reservations: ReservationRepository


class ListingReader(Protocol):
    def find(self, search: ListingSearch) -> Sequence[Listing]:
        """The listings the search selects, in its order."""

    def get(self, product_id: UUID) -> Listing:
        """The product's listing; :class:`NotFound` if there is none."""


def no_such_product(product_id: UUID) -> NotFound:
    return NotFound(f"No product {product_id}.")


def sku_taken(sku: str) -> Conflict:
    return Conflict(f"A product with SKU {sku} already exists.", code="sku_taken")
