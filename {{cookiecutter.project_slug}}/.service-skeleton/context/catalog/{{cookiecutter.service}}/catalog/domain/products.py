"""Products: what the catalog sells, and how it lists them."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from uuid import UUID, uuid4

from chassis.domain import Money, RuleViolation

SKU = re.compile(r"[A-Z0-9][A-Z0-9-]{2,31}")
NAME_MAX_LENGTH = 200
DESCRIPTION_MAX_LENGTH = 5000


def price(amount: Decimal, currency: str) -> Money:
    """A product's price; errors name the `price` and `currency` fields."""
    try:
        money = Money(amount, currency)
    except RuleViolation as error:
        field = "price" if error.field == "amount" else error.field
        raise RuleViolation(error.message, field=field, code=error.code) from error
    if money.amount < 0:
        raise RuleViolation("A price cannot be negative.", field="price", code="min_value")
    return money


@dataclass(frozen=True)
class Product:
    id: UUID
    sku: str
    name: str
    description: str
    price: Money
    active: bool
    created_at: datetime
    updated_at: datetime

    @classmethod
    def create(
        cls, *, sku: str, name: str, description: str, price: Money, now: datetime
    ) -> Product:
        return cls(
            id=uuid4(),
            sku=_valid_sku(sku),
            name=_valid_name(name),
            description=_valid_description(description),
            price=price,
            active=True,
            created_at=now,
            updated_at=now,
        )

    def revise(
        self, *, name: str | None, description: str | None, price: Money | None, now: datetime
    ) -> Product:
        """A copy with the given fields changed; a field given as ``None`` keeps its value."""
        changes: dict[str, object] = {"updated_at": now}
        if name is not None:
            changes["name"] = _valid_name(name)
        if description is not None:
            changes["description"] = _valid_description(description)
        if price is not None:
            changes["price"] = price
        return replace(self, **changes)

    def deactivate(self, now: datetime) -> Product:
        """Taken off sale: it stays listed, but no order can reserve it."""
        return replace(self, active=False, updated_at=now)

    def activate(self, now: datetime) -> Product:
        return replace(self, active=True, updated_at=now)


def _valid_sku(sku: str) -> str:
    sku = sku.strip().upper()
    if not SKU.fullmatch(sku):
        raise RuleViolation(
            "A SKU has 3 to 32 letters, digits and dashes, starting with a letter or digit.",
            field="sku",
            code="invalid",
        )
    return sku


def _valid_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise RuleViolation("A name cannot be blank.", field="name", code="blank")
    if len(name) > NAME_MAX_LENGTH:
        raise RuleViolation(
            f"A name has at most {NAME_MAX_LENGTH} characters.", field="name", code="max_length"
        )
    return name


def _valid_description(description: str) -> str:
    description = description.strip()
    if len(description) > DESCRIPTION_MAX_LENGTH:
        raise RuleViolation(
            f"A description has at most {DESCRIPTION_MAX_LENGTH} characters.",
            field="description",
            code="max_length",
        )
    return description


@dataclass(frozen=True)
class Listing:
    """A product as the catalog lists it: with how many are available to order."""

    product: Product
    available: int


class ListingOrder(StrEnum):
    NAME = "name"
    NAME_DESCENDING = "-name"
    PRICE = "price"
    PRICE_DESCENDING = "-price"
    NEWEST = "-created_at"
    OLDEST = "created_at"


@dataclass(frozen=True)
class ListingSearch:
    """Which listings to show, in which order. A criterion left as ``None`` does not filter."""

    active: bool | None = None
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    text: str = ""
    max_available: int | None = None
    order: ListingOrder = ListingOrder.NAME

    def __post_init__(self) -> None:
        if (
            self.min_price is not None
            and self.max_price is not None
            and self.min_price > self.max_price
        ):
            raise RuleViolation(
                "The maximum price is below the minimum price.", field="max_price", code="invalid"
            )

    def matches(self, listing: Listing) -> bool:
        product = listing.product
        text = self.text.lower()
        return (
            (self.active is None or product.active == self.active)
            and (self.min_price is None or product.price.amount >= self.min_price)
            and (self.max_price is None or product.price.amount <= self.max_price)
            and (not text or text in product.name.lower() or text in product.sku.lower())
            and (self.max_available is None or listing.available <= self.max_available)
        )
