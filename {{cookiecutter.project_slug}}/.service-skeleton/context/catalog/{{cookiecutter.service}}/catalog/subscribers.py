"""The catalog's part in the ordering saga: it answers orders by reserving or releasing their stock."""

from uuid import UUID

from chassis.events import Event, subscriber

from catalog.application import stock
from catalog.domain.stock import ReservationLine
from catalog.infrastructure.unit_of_work import DjangoCatalogUnitOfWork


@subscriber("orders.order.placed.v1")
def reserve_stock_for_the_order(event: Event) -> None:
    lines = tuple(
        ReservationLine(UUID(line["product_id"]), line["quantity"]) for line in event.data["lines"]
    )
    stock.handle_reserve_stock(
        stock.ReserveStock(UUID(event.data["order_id"]), lines), DjangoCatalogUnitOfWork()
    )


@subscriber("orders.order.cancelled.v1")
@subscriber("orders.order.expired.v1")
def release_the_orders_stock(event: Event) -> None:
    stock.handle_release_stock(
        stock.ReleaseStock(UUID(event.data["order_id"])), DjangoCatalogUnitOfWork()
    )
