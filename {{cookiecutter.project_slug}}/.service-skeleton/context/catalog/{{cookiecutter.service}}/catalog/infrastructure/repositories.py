"""The catalog's repositories and listing reader on the database (ports in catalog.application.ports)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from uuid import UUID

from django.db import IntegrityError, transaction
from django.db.models import F, Q

from chassis.domain import Conflict, Money
from chassis.persistence import EntityPage

from catalog import models
from catalog.application.ports import no_such_product, sku_taken
from catalog.domain.products import Listing, ListingOrder, ListingSearch, Product
from catalog.domain.stock import Reservation, ReservationLine, ReservationStatus, StockLevel


class DjangoProductRepository:
    def add(self, product: Product) -> None:
        try:
            with transaction.atomic():
                models.Product.objects.create(**_product_fields(product))
        except IntegrityError as error:
            raise sku_taken(product.sku) from error

    def get(self, product_id: UUID) -> Product:
        try:
            return _to_product(models.Product.objects.get(pk=product_id))
        except models.Product.DoesNotExist as error:
            raise no_such_product(product_id) from error

    def get_many(self, product_ids: Iterable[UUID]) -> list[Product]:
        return [_to_product(row) for row in models.Product.objects.filter(pk__in=list(product_ids))]

    def save(self, product: Product) -> None:
        fields = _product_fields(product)
        del fields["id"], fields["sku"]
        models.Product.objects.filter(pk=product.id).update(**fields)


class DjangoStockRepository:
    def add(self, level: StockLevel) -> None:
        models.StockLevel.objects.create(
            product_id=level.product_id, on_hand=level.on_hand, reserved=level.reserved
        )

    def lock(self, product_ids: Iterable[UUID]) -> dict[UUID, StockLevel]:
        wanted = set(product_ids)
        # Rows locked in one order, so that two reservations never wait on each other.
        rows = models.StockLevel.objects.select_for_update().filter(pk__in=wanted).order_by("pk")
        levels = {
            row.product_id: StockLevel(row.product_id, row.on_hand, row.reserved) for row in rows
        }
        for product_id in wanted - levels.keys():
            raise no_such_product(product_id)
        return levels

    def save(self, levels: Iterable[StockLevel]) -> None:
        for level in levels:
            models.StockLevel.objects.filter(pk=level.product_id).update(
                on_hand=level.on_hand, reserved=level.reserved
            )


class DjangoReservationRepository:
    def lock(self, order_id: UUID) -> Reservation | None:
        row = models.Reservation.objects.select_for_update().filter(pk=order_id).first()
        if row is None:
            return None
        lines = tuple(
            ReservationLine(line.product_id, line.quantity)
            for line in row.lines.order_by("product_id")
        )
        return Reservation(row.order_id, ReservationStatus(row.status), lines, row.reason)

    def add(self, reservation: Reservation) -> None:
        try:
            with transaction.atomic():
                row = models.Reservation.objects.create(
                    order_id=reservation.order_id,
                    status=reservation.status,
                    reason=reservation.reason,
                )
        except IntegrityError as error:
            raise Conflict(f"Order {reservation.order_id} already has a reservation.") from error
        models.ReservationLine.objects.bulk_create(
            models.ReservationLine(
                reservation=row, product_id=line.product_id, quantity=line.quantity
            )
            for line in reservation.lines
        )

    def save(self, reservation: Reservation) -> None:
        models.Reservation.objects.filter(pk=reservation.order_id).update(
            status=reservation.status, reason=reservation.reason
        )


# Each order ends on the id, so that pages never overlap.
LISTING_ORDER_FIELDS = {
    ListingOrder.NAME: ("name", "id"),
    ListingOrder.NAME_DESCENDING: ("-name", "id"),
    ListingOrder.PRICE: ("price", "name", "id"),
    ListingOrder.PRICE_DESCENDING: ("-price", "name", "id"),
    ListingOrder.NEWEST: ("-created_at", "id"),
    ListingOrder.OLDEST: ("created_at", "id"),
}


class DjangoListingReader:
    def find(self, search: ListingSearch) -> Sequence[Listing]:
        rows = _listing_rows().order_by(*LISTING_ORDER_FIELDS[search.order])
        if search.active is not None:
            rows = rows.filter(active=search.active)
        if search.min_price is not None:
            rows = rows.filter(price__gte=search.min_price)
        if search.max_price is not None:
            rows = rows.filter(price__lte=search.max_price)
        if search.text:
            rows = rows.filter(Q(name__icontains=search.text) | Q(sku__icontains=search.text))
        if search.max_available is not None:
            rows = rows.filter(available__lte=search.max_available)
        return EntityPage(rows, _to_listing)

    def get(self, product_id: UUID) -> Listing:
        try:
            return _to_listing(_listing_rows().get(pk=product_id))
        except models.Product.DoesNotExist as error:
            raise no_such_product(product_id) from error


def _listing_rows():
    return models.Product.objects.annotate(available=F("stock__on_hand") - F("stock__reserved"))


def _product_fields(product: Product) -> dict[str, object]:
    return {
        "id": product.id,
        "sku": product.sku,
        "name": product.name,
        "description": product.description,
        "price": product.price.amount,
        "currency": product.price.currency,
        "active": product.active,
        "created_at": product.created_at,
        "updated_at": product.updated_at,
    }


def _to_product(row: models.Product) -> Product:
    return Product(
        id=row.id,
        sku=row.sku,
        name=row.name,
        description=row.description,
        price=Money(row.price, row.currency),
        active=row.active,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _to_listing(row: models.Product) -> Listing:
    return Listing(_to_product(row), available=row.available)
