"""Use cases of orders: place, cancel, follow the catalog's answer, expire, look up."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import UUID

from orders.application.ports import OrderReader, OrdersUnitOfWork
from orders.domain.events import (
    OrderCancelled,
    OrderConfirmed,
    OrderExpired,
    OrderPlaced,
    OrderRejected,
)
from orders.domain.orders import Order, OrderStatus, RequestedLine


@dataclass(frozen=True)
class PlaceOrder:
    customer_id: UUID
    customer_email: str
    lines: tuple[RequestedLine, ...]


def handle_place_order(command: PlaceOrder, uow: OrdersUnitOfWork) -> Order:
    with uow:
        products = uow.products.get_many(line.product_id for line in command.lines)
        order = Order.place(
            customer_id=command.customer_id,
            customer_email=command.customer_email,
            requested=command.lines,
            products=products,
            now=datetime.now(UTC),
        )
        uow.orders.add(order)
        # The catalog answers by reserving its stock (see subscribers.py for the rest of the saga).
        uow.publish(OrderPlaced.of(order))
    return order


@dataclass(frozen=True)
class CancelOrder:
    """A customer cancels one of their own orders."""

    customer_id: UUID
    order_id: UUID


def handle_cancel_order(command: CancelOrder, uow: OrdersUnitOfWork) -> Order:
    with uow:
        order = uow.orders.lock(command.order_id, customer_id=command.customer_id)
        if order.status is not OrderStatus.CANCELLED:
            order = order.cancel(datetime.now(UTC))
            uow.orders.save(order)
            uow.publish(OrderCancelled(order.id))
    return order


@dataclass(frozen=True)
class ConfirmOrder:
    """The catalog reserved the order's stock."""

    order_id: UUID


def handle_confirm_order(command: ConfirmOrder, uow: OrdersUnitOfWork) -> Order:
    with uow:
        order = uow.orders.lock(command.order_id)
        if order.status in (OrderStatus.CANCELLED, OrderStatus.EXPIRED):
            # It ended while the catalog was reserving: say so again, and the catalog releases the stock.
            uow.publish(OrderCancelled(order.id))
        elif order.status is OrderStatus.PENDING:
            order = order.confirm(datetime.now(UTC))
            uow.orders.save(order)
            uow.publish(OrderConfirmed.of(order))
    return order


@dataclass(frozen=True)
class RejectOrder:
    """The catalog could not reserve the order's stock."""

    order_id: UUID
    reason: str


def handle_reject_order(command: RejectOrder, uow: OrdersUnitOfWork) -> Order:
    with uow:
        order = uow.orders.lock(command.order_id)
        # An order that ended before the answer came stays as it is: no stock was reserved.
        if order.status is OrderStatus.PENDING:
            order = order.reject(command.reason, datetime.now(UTC))
            uow.orders.save(order)
            uow.publish(OrderRejected.of(order))
    return order


@dataclass(frozen=True)
class ExpireStaleOrders:
    """Expire the orders still pending after `pending_for`."""

    pending_for: timedelta


def handle_expire_stale_orders(command: ExpireStaleOrders, uow: OrdersUnitOfWork) -> list[UUID]:
    """The orders expired, each in a transaction of its own."""
    now = datetime.now(UTC)
    expired = []
    for order_id in uow.orders.pending_since(now - command.pending_for):
        with uow:
            order = uow.orders.lock(order_id)
            if order.status is OrderStatus.PENDING:  # the catalog may have answered meanwhile
                uow.orders.save(order.expire(now))
                uow.publish(OrderExpired(order_id))
                expired.append(order_id)
    return expired


@dataclass(frozen=True)
class FindOrders:
    customer_id: UUID
    status: OrderStatus | None = None


def handle_find_orders(query: FindOrders, orders: OrderReader) -> Sequence[Order]:
    return orders.find(customer_id=query.customer_id, status=query.status)


@dataclass(frozen=True)
class GetOrder:
    customer_id: UUID
    order_id: UUID


def handle_get_order(query: GetOrder, orders: OrderReader) -> Order:
    return orders.get(query.order_id, customer_id=query.customer_id)
