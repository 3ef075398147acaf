"""Orders listens to the catalog: its products (kept as a read model) and its answers to orders."""

from datetime import datetime
from decimal import Decimal
from uuid import UUID

from chassis.events import Event, subscriber

from orders.application import orders, products
from orders.infrastructure.unit_of_work import DjangoOrdersUnitOfWork


@subscriber("catalog.product.created.v1")
@subscriber("catalog.product.updated.v1")
@subscriber("catalog.product.deactivated.v1")
def keep_the_product_read_model(event: Event) -> None:
    data = event.data
    command = products.UpsertProductSnapshot(
        product_id=UUID(data["product_id"]),
        sku=data["sku"],
        name=data["name"],
        price=Decimal(data["price"]),
        currency=data["currency"],
        active=data["active"],
        updated_at=datetime.fromisoformat(data["updated_at"]),
    )
    products.handle_upsert_product_snapshot(command, DjangoOrdersUnitOfWork())


@subscriber("catalog.stock.reserved.v1")
def confirm_the_order(event: Event) -> None:
    orders.handle_confirm_order(
        orders.ConfirmOrder(UUID(event.data["order_id"])), DjangoOrdersUnitOfWork()
    )


@subscriber("catalog.stock.rejected.v1")
def reject_the_order(event: Event) -> None:
    command = orders.RejectOrder(UUID(event.data["order_id"]), event.data["reason"])
    orders.handle_reject_order(command, DjangoOrdersUnitOfWork())
