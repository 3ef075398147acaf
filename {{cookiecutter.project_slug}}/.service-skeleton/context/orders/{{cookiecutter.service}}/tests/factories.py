"""Products for orders' tests, put in the read model the way the catalog's events do."""

from datetime import UTC, datetime
from decimal import Decimal
from uuid import UUID, uuid4

from orders.application.ports import OrdersUnitOfWork
from orders.application.products import UpsertProductSnapshot, handle_upsert_product_snapshot


def known_product(
    uow: OrdersUnitOfWork, price: str = "10.00", currency: str = "EUR", *, active: bool = True
) -> UUID:
    product_id = uuid4()
    command = UpsertProductSnapshot(
        product_id=product_id,
        sku=f"SKU-{product_id.hex[:6].upper()}",
        name=f"Product {product_id.hex[:6]}",
        price=Decimal(price),
        currency=currency,
        active=active,
        updated_at=datetime.now(UTC),
    )
    handle_upsert_product_snapshot(command, uow)
    return product_id
