"""Use cases of products: create, revise, take off sale and back, list."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from uuid import UUID

from catalog.application.ports import CatalogUnitOfWork, ListingReader
from catalog.domain.events import ProductCreated, ProductDeactivated, ProductUpdated
from catalog.domain.products import Listing, ListingSearch, Product, price
from catalog.domain.stock import StockLevel


@dataclass(frozen=True)
class CreateProduct:
    sku: str
    name: str
    price: Decimal
    currency: str
    description: str = ""


def handle_create_product(command: CreateProduct, uow: CatalogUnitOfWork) -> Product:
    product = Product.create(
        sku=command.sku,
        name=command.name,
        description=command.description,
        price=price(command.price, command.currency),
        now=datetime.now(UTC),
    )
    with uow:
        uow.products.add(product)
        uow.stock.add(StockLevel.empty(product.id))
        uow.publish(ProductCreated.of(product))
    return product


@dataclass(frozen=True)
class ReviseProduct:
    """Change a product; a field left as ``None`` keeps its value."""

    product_id: UUID
    name: str | None = None
    description: str | None = None
    price: Decimal | None = None
    currency: str | None = None


def handle_revise_product(command: ReviseProduct, uow: CatalogUnitOfWork) -> Product:
    with uow:
        product = uow.products.get(command.product_id)
        new_price = None
        if command.price is not None or command.currency is not None:
            new_price = price(
                product.price.amount if command.price is None else command.price,
                command.currency or product.price.currency,
            )
        product = product.revise(
            name=command.name,
            description=command.description,
            price=new_price,
            now=datetime.now(UTC),
        )
        uow.products.save(product)
        uow.publish(ProductUpdated.of(product))
    return product


@dataclass(frozen=True)
class DeactivateProduct:
    product_id: UUID


def handle_deactivate_product(command: DeactivateProduct, uow: CatalogUnitOfWork) -> Product:
    with uow:
        product = uow.products.get(command.product_id)
        if product.active:
            product = product.deactivate(datetime.now(UTC))
            uow.products.save(product)
            uow.publish(ProductDeactivated.of(product))
    return product


@dataclass(frozen=True)
class ActivateProduct:
    product_id: UUID


def handle_activate_product(command: ActivateProduct, uow: CatalogUnitOfWork) -> Product:
    with uow:
        product = uow.products.get(command.product_id)
        if not product.active:
            product = product.activate(datetime.now(UTC))
            uow.products.save(product)
            uow.publish(ProductUpdated.of(product))
    return product


def handle_find_listings(search: ListingSearch, listings: ListingReader) -> Sequence[Listing]:
    return listings.find(search)


@dataclass(frozen=True)
class GetListing:
    product_id: UUID


def handle_get_listing(query: GetListing, listings: ListingReader) -> Listing:
    return listings.get(query.product_id)
