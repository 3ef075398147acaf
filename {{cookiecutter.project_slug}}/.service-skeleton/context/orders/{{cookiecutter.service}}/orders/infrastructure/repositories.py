"""Orders' repositories and order reader on the database (ports in orders.application.ports)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from uuid import UUID

from django.db.models import QuerySet

from chassis.domain import Money
from chassis.persistence import EntityPage

from orders import models
from orders.application.ports import no_such_order
from orders.domain.orders import Order, OrderLine, OrderStatus
from orders.domain.products import ProductSnapshot


class DjangoOrderRepository:
    def add(self, order: Order) -> None:
        row = models.Order.objects.create(
            id=order.id, customer_id=order.customer_id, **_changing_fields(order)
        )
        models.OrderLine.objects.bulk_create(
            models.OrderLine(
                order=row,
                product_id=line.product_id,
                sku=line.sku,
                name=line.name,
                unit_price=line.unit_price.amount,
                quantity=line.quantity,
            )
            for line in order.lines
        )

    def lock(self, order_id: UUID, *, customer_id: UUID | None = None) -> Order:
        rows = models.Order.objects.select_for_update().filter(pk=order_id)
        if customer_id is not None:
            rows = rows.filter(customer_id=customer_id)
        return _only(rows, order_id)

    def save(self, order: Order) -> None:
        models.Order.objects.filter(pk=order.id).update(**_changing_fields(order))

    def pending_since(self, placed_before: datetime) -> list[UUID]:
        rows = models.Order.objects.filter(status=OrderStatus.PENDING, created_at__lt=placed_before)
        return list(rows.order_by("created_at").values_list("id", flat=True))


class DjangoProductSnapshotRepository:
    def get_many(self, product_ids: Iterable[UUID]) -> dict[UUID, ProductSnapshot]:
        rows = models.ProductSnapshot.objects.filter(pk__in=list(product_ids))
        return {row.product_id: _to_snapshot(row) for row in rows}

    def lock(self, product_id: UUID) -> ProductSnapshot | None:
        row = models.ProductSnapshot.objects.select_for_update().filter(pk=product_id).first()
        return None if row is None else _to_snapshot(row)

    def save(self, snapshot: ProductSnapshot) -> None:
        models.ProductSnapshot.objects.update_or_create(
            product_id=snapshot.product_id,
            defaults={
                "sku": snapshot.sku,
                "name": snapshot.name,
                "price": snapshot.price.amount,
                "currency": snapshot.price.currency,
                "active": snapshot.active,
                "updated_at": snapshot.updated_at,
            },
        )


class DjangoOrderReader:
    def find(self, *, customer_id: UUID, status: OrderStatus | None) -> Sequence[Order]:
        rows = _order_rows().filter(customer_id=customer_id).order_by("-created_at", "id")
        if status is not None:
            rows = rows.filter(status=status)
        return EntityPage(rows, _to_order)

    def get(self, order_id: UUID, *, customer_id: UUID) -> Order:
        return _only(_order_rows().filter(pk=order_id, customer_id=customer_id), order_id)


def _order_rows() -> QuerySet[models.Order]:
    return models.Order.objects.prefetch_related("lines")


def _only(rows: QuerySet[models.Order], order_id: UUID) -> Order:
    row = rows.first()
    if row is None:
        raise no_such_order(order_id)
    return _to_order(row)


def _changing_fields(order: Order) -> dict[str, object]:
    return {
        "customer_email": order.customer_email,
        "status": order.status,
        "reason": order.reason,
        "total": order.total.amount,
        "currency": order.total.currency,
        "created_at": order.created_at,
        "updated_at": order.updated_at,
    }


def _to_order(row: models.Order) -> Order:
    lines = tuple(
        OrderLine(
            line.product_id,
            line.sku,
            line.name,
            Money(line.unit_price, row.currency),
            line.quantity,
        )
        for line in sorted(row.lines.all(), key=lambda line: line.pk)
    )
    return Order(
        id=row.id,
        customer_id=row.customer_id,
        customer_email=row.customer_email,
        status=OrderStatus(row.status),
        lines=lines,
        total=Money(row.total, row.currency),
        created_at=row.created_at,
        updated_at=row.updated_at,
        reason=row.reason,
    )


def _to_snapshot(row: models.ProductSnapshot) -> ProductSnapshot:
    return ProductSnapshot(
        row.product_id,
        row.sku,
        row.name,
        Money(row.price, row.currency),
        row.active,
        row.updated_at,
    )
