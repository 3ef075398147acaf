"""An order and its life: pending until the catalog reserves its stock, then confirmed,
or rejected; cancelled by its customer; expired when it stays pending too long.

    pending ──> confirmed ──> cancelled
       │
       ├──> rejected
       ├──> cancelled
       └──> expired
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from uuid import UUID, uuid4

from chassis.domain import Conflict, Money, RuleViolation

from orders.domain.products import ProductSnapshot

MAX_LINES = 50
MAX_QUANTITY = 1000


class OrderStatus(StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


TRANSITIONS = {
    OrderStatus.PENDING: {
        OrderStatus.CONFIRMED,
        OrderStatus.REJECTED,
        OrderStatus.CANCELLED,
        OrderStatus.EXPIRED,
    },
    OrderStatus.CONFIRMED: {OrderStatus.CANCELLED},
}


class InvalidTransition(Conflict):
    code = "invalid_transition"


@dataclass(frozen=True)
class RequestedLine:
    product_id: UUID
    quantity: int


@dataclass(frozen=True)
class OrderLine:
    product_id: UUID
    sku: str
    name: str
    unit_price: Money
    quantity: int

    @property
    def total(self) -> Money:
        return self.unit_price * self.quantity


@dataclass(frozen=True)
class Order:
    id: UUID
    customer_id: UUID
    customer_email: str
    status: OrderStatus
    lines: tuple[OrderLine, ...]
    total: Money
    created_at: datetime
    updated_at: datetime
    reason: str = ""

    @classmethod
    def place(
        cls,
        *,
        customer_id: UUID,
        customer_email: str,
        requested: Sequence[RequestedLine],
        products: Mapping[UUID, ProductSnapshot],
        now: datetime,
    ) -> Order:
        """A pending order for the requested lines, at the products' current prices."""
        lines = tuple(
            _line(index, line, products) for index, line in enumerate(_valid_lines(requested))
        )
        currencies = {line.unit_price.currency for line in lines}
        if len(currencies) > 1:
            raise RuleViolation(
                f"An order is paid in one currency; these products cost {', '.join(sorted(currencies))}.",
                field="lines",
                code="mixed_currencies",
            )
        total = Money.zero(currencies.pop())
        for line in lines:
            total += line.total
        return cls(
            uuid4(), customer_id, customer_email, OrderStatus.PENDING, lines, total, now, now
        )

    def confirm(self, now: datetime) -> Order:
        return self._become(OrderStatus.CONFIRMED, now)

    def reject(self, reason: str, now: datetime) -> Order:
        return self._become(OrderStatus.REJECTED, now, reason)

    def cancel(self, now: datetime) -> Order:
        return self._become(OrderStatus.CANCELLED, now)

    def expire(self, now: datetime) -> Order:
        return self._become(OrderStatus.EXPIRED, now, "Not confirmed in time.")

    @property
    def holds_stock(self) -> bool:
        """Whether the catalog may be holding stock for this order."""
        return self.status in (OrderStatus.PENDING, OrderStatus.CONFIRMED)

    def _become(self, status: OrderStatus, now: datetime, reason: str = "") -> Order:
        if status == self.status:  # asked twice: the second time changes nothing
            return self
        if status not in TRANSITIONS.get(self.status, set()):
            raise InvalidTransition(f"A {self.status} order cannot become {status}.")
        return replace(self, status=status, reason=reason, updated_at=now)


def _valid_lines(requested: Sequence[RequestedLine]) -> Sequence[RequestedLine]:
    if not requested:
        raise RuleViolation("An order has at least one line.", field="lines", code="empty")
    if len(requested) > MAX_LINES:
        raise RuleViolation(
            f"An order has at most {MAX_LINES} lines.", field="lines", code="max_length"
        )
    seen: set[UUID] = set()
    for index, line in enumerate(requested):
        if not 1 <= line.quantity <= MAX_QUANTITY:
            raise RuleViolation(
                f"A quantity is between 1 and {MAX_QUANTITY}.",
                field=f"lines[{index}].quantity",
                code="out_of_range",
            )
        if line.product_id in seen:
            raise RuleViolation(
                "Each product appears on one line.",
                field=f"lines[{index}].product_id",
                code="duplicate",
            )
        seen.add(line.product_id)
    return requested


def _line(index: int, line: RequestedLine, products: Mapping[UUID, ProductSnapshot]) -> OrderLine:
    product = products.get(line.product_id)
    field = f"lines[{index}].product_id"
    if product is None:
        raise RuleViolation(
            f"There is no product {line.product_id}.", field=field, code="unknown_product"
        )
    if not product.active:
        raise RuleViolation(f"{product.name} is not for sale.", field=field, code="not_for_sale")
    return OrderLine(product.product_id, product.sku, product.name, product.price, line.quantity)
