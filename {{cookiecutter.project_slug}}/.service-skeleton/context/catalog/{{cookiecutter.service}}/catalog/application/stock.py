"""Use cases of stock: count it in and out, reserve it for an order, release it again.

Reserving and releasing are the catalog's steps of the ordering saga (see
catalog/subscribers.py): asked any number of times for an order, they act and
announce their outcome once.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from catalog.application.ports import CatalogUnitOfWork
from catalog.domain.events import StockRejected, StockReleased, StockReserved, reservation_outcome
from catalog.domain.stock import (
    Reservation,
    ReservationLine,
    ReservationStatus,
    StockLevel,
    merged,
    reserve_for_order,
)


@dataclass(frozen=True)
class AdjustStock:
    """Count `change` items of a product in (positive) or out (negative)."""

    product_id: UUID
    change: int


def handle_adjust_stock(command: AdjustStock, uow: CatalogUnitOfWork) -> StockLevel:
    with uow:
        level = uow.stock.lock([command.product_id])[command.product_id].adjust(command.change)
        uow.stock.save([level])
    return level


@dataclass(frozen=True)
class ReserveStock:
    order_id: UUID
    lines: tuple[ReservationLine, ...]


def handle_reserve_stock(
    command: ReserveStock, uow: CatalogUnitOfWork
) -> StockReserved | StockRejected:
    with uow:
        existing = uow.reservations.lock(command.order_id)
        if existing is not None:
            return reservation_outcome(existing)
        lines = merged(command.lines)
        product_ids = [line.product_id for line in lines]
        on_sale = {product.id for product in uow.products.get_many(product_ids) if product.active}
        stock = uow.stock.lock([product_id for product_id in product_ids if product_id in on_sale])
        reservation, changed = reserve_for_order(command.order_id, lines, stock, on_sale)
        uow.stock.save(changed)
        uow.reservations.add(reservation)
        outcome = reservation_outcome(reservation)
        uow.publish(outcome)
    return outcome


@dataclass(frozen=True)
class ReleaseStock:
    order_id: UUID


def handle_release_stock(command: ReleaseStock, uow: CatalogUnitOfWork) -> StockReleased | None:
    """Give an order's reserved stock back; ``None`` when there was nothing to give back."""
    with uow:
        reservation = uow.reservations.lock(command.order_id)
        if reservation is None:
            uow.reservations.add(Reservation.released_before_reserved(command.order_id))
            return None
        if reservation.status is not ReservationStatus.RESERVED:
            return None
        stock = uow.stock.lock([line.product_id for line in reservation.lines])
        uow.stock.save(
            [stock[line.product_id].release(line.quantity) for line in reservation.lines]
        )
        uow.reservations.save(reservation.released())
        released = StockReleased(command.order_id)
        uow.publish(released)
    return released
