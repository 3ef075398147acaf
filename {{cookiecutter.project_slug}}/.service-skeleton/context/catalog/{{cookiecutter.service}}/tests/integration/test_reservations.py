"""Reservations on the real database: all-or-nothing, and never oversold under concurrency."""

from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from threading import Barrier
from uuid import uuid4

import pytest
from django.db import connection

from catalog import models
from catalog.application import products, stock
from catalog.domain.events import StockRejected, StockReserved
from catalog.domain.stock import ReservationLine
from catalog.infrastructure.unit_of_work import DjangoCatalogUnitOfWork


def stocked(quantity: int, sku: str):
    command = products.CreateProduct(sku=sku, name=sku, price=Decimal("10.00"), currency="EUR")
    product = products.handle_create_product(command, DjangoCatalogUnitOfWork())
    stock.handle_adjust_stock(stock.AdjustStock(product.id, quantity), DjangoCatalogUnitOfWork())
    return product.id


def reserve(order_id, *lines):
    command = stock.ReserveStock(
        order_id, tuple(ReservationLine(product, quantity) for product, quantity in lines)
    )
    return stock.handle_reserve_stock(command, DjangoCatalogUnitOfWork())


@pytest.mark.django_db
def test_reserve_and_release_are_stored():
    lamp = stocked(5, "LAMP-1")
    order = uuid4()

    assert isinstance(reserve(order, (lamp, 2)), StockReserved)
    assert models.StockLevel.objects.get(pk=lamp).reserved == 2
    assert list(models.ReservationLine.objects.values_list("product_id", "quantity")) == [(lamp, 2)]

    stock.handle_release_stock(stock.ReleaseStock(order), DjangoCatalogUnitOfWork())
    assert models.StockLevel.objects.get(pk=lamp).reserved == 0
    assert models.Reservation.objects.get(pk=order).status == "released"


@pytest.mark.django_db
def test_a_rejected_order_changes_no_stock():
    lamp, chair = stocked(5, "LAMP-1"), stocked(1, "CHAIR-1")

    assert isinstance(reserve(uuid4(), (lamp, 2), (chair, 2)), StockRejected)
    assert models.StockLevel.objects.get(pk=lamp).reserved == 0


@pytest.mark.django_db(transaction=True)
def test_concurrent_orders_never_oversell():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    lamp = stocked(5, "LAMP-1")
    orders = 8
    start = Barrier(orders)

    def place_order(_):
        start.wait()
        try:
            return reserve(uuid4(), (lamp, 2))
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=orders) as pool:
        outcomes = list(pool.map(place_order, range(orders)))

    assert sum(isinstance(outcome, StockReserved) for outcome in outcomes) == 2
    level = models.StockLevel.objects.get(pk=lamp)
    assert (level.on_hand, level.reserved) == (5, 4)


@pytest.mark.django_db(transaction=True)
def test_the_same_order_reserved_concurrently_is_reserved_once():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    lamp = stocked(10, "LAMP-1")
    order = uuid4()
    start = Barrier(4)

    def redeliver(_):
        start.wait()
        try:
            return reserve(order, (lamp, 3))
        except (
            Exception
        ) as error:  # the loser's insert conflicts; its retry would see the reservation
            return error
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(redeliver, range(4)))

    assert isinstance(reserve(order, (lamp, 3)), StockReserved)
    assert models.StockLevel.objects.get(pk=lamp).reserved == 3
