"""Stock rules: counting, and reservations that are all-or-nothing and idempotent per order."""

from decimal import Decimal
from uuid import uuid4

import pytest

from chassis.domain import RuleViolation

from catalog.application import products, stock
from catalog.domain.events import StockRejected, StockReleased, StockReserved
from catalog.domain.stock import ReservationLine

from tests.fakes import InMemoryCatalogUnitOfWork


@pytest.fixture
def uow() -> InMemoryCatalogUnitOfWork:
    return InMemoryCatalogUnitOfWork()


def stocked(uow, quantity: int, sku: str = "LAMP-1"):
    command = products.CreateProduct(sku=sku, name=sku, price=Decimal("10.00"), currency="EUR")
    product = products.handle_create_product(command, uow)
    if quantity:
        stock.handle_adjust_stock(stock.AdjustStock(product.id, quantity), uow)
    return product.id


def reserve(uow, order_id, *lines):
    return stock.handle_reserve_stock(
        stock.ReserveStock(
            order_id, tuple(ReservationLine(product, quantity) for product, quantity in lines)
        ),
        uow,
    )


def test_stock_is_counted_in_and_out(uow):
    lamp = stocked(uow, 10)

    level = stock.handle_adjust_stock(stock.AdjustStock(lamp, -4), uow)

    assert (level.on_hand, level.reserved, level.available) == (6, 0, 6)


def test_stock_never_goes_below_what_is_reserved(uow):
    lamp = stocked(uow, 5)
    reserve(uow, uuid4(), (lamp, 3))

    with pytest.raises(RuleViolation) as error:
        stock.handle_adjust_stock(stock.AdjustStock(lamp, -3), uow)

    assert (error.value.field, error.value.code) == ("change", "insufficient_stock")
    assert uow.stock.rows[lamp].on_hand == 5


def test_an_order_reserves_every_line(uow):
    lamp, chair = stocked(uow, 5), stocked(uow, 2, sku="CHAIR-1")
    order = uuid4()

    outcome = reserve(uow, order, (lamp, 3), (chair, 2))

    assert isinstance(outcome, StockReserved)
    assert outcome.order_id == order
    assert uow.stock.rows[lamp].available == 2
    assert uow.stock.rows[chair].available == 0


def test_one_short_line_rejects_the_whole_order(uow):
    lamp, chair = stocked(uow, 5), stocked(uow, 1, sku="CHAIR-1")

    outcome = reserve(uow, uuid4(), (lamp, 3), (chair, 2))

    assert isinstance(outcome, StockRejected)
    assert "Only 1" in outcome.reason
    assert uow.stock.rows[lamp].reserved == 0


@pytest.mark.parametrize("known", [True, False])
def test_products_off_sale_or_unknown_cannot_be_reserved(uow, known):
    lamp = stocked(uow, 5)
    if known:
        products.handle_deactivate_product(products.DeactivateProduct(lamp), uow)
    product = lamp if known else uuid4()

    outcome = reserve(uow, uuid4(), (product, 1))

    assert isinstance(outcome, StockRejected)
    assert "not for sale" in outcome.reason


def test_reserving_twice_for_one_order_reserves_once(uow):
    lamp = stocked(uow, 5)
    order = uuid4()

    first = reserve(uow, order, (lamp, 2))
    second = reserve(uow, order, (lamp, 2))

    assert first == second
    assert uow.stock.rows[lamp].reserved == 2


def test_a_rejection_is_remembered_even_if_stock_arrives(uow):
    lamp = stocked(uow, 1)
    order = uuid4()
    first = reserve(uow, order, (lamp, 2))
    stock.handle_adjust_stock(stock.AdjustStock(lamp, 10), uow)

    assert reserve(uow, order, (lamp, 2)) == first


def test_the_same_product_on_two_lines_counts_once_in_total(uow):
    lamp = stocked(uow, 3)

    assert isinstance(reserve(uow, uuid4(), (lamp, 2), (lamp, 2)), StockRejected)
    assert isinstance(reserve(uow, uuid4(), (lamp, 1), (lamp, 2)), StockReserved)
    assert uow.stock.rows[lamp].reserved == 3


def test_release_gives_the_stock_back_once(uow):
    lamp = stocked(uow, 5)
    order = uuid4()
    reserve(uow, order, (lamp, 4))

    assert stock.handle_release_stock(stock.ReleaseStock(order), uow) == StockReleased(order)
    assert stock.handle_release_stock(stock.ReleaseStock(order), uow) is None
    assert uow.stock.rows[lamp].reserved == 0


def test_a_release_before_its_reservation_keeps_the_stock_free(uow):
    lamp = stocked(uow, 5)
    order = uuid4()

    assert stock.handle_release_stock(stock.ReleaseStock(order), uow) is None
    outcome = reserve(uow, order, (lamp, 1))

    assert isinstance(outcome, StockRejected)
    assert "cancelled before" in outcome.reason
    assert uow.stock.rows[lamp].reserved == 0


def test_a_released_order_is_not_reserved_again(uow):
    lamp = stocked(uow, 5)
    order = uuid4()
    reserve(uow, order, (lamp, 1))
    stock.handle_release_stock(stock.ReleaseStock(order), uow)

    assert isinstance(reserve(uow, order, (lamp, 1)), StockRejected)
    assert uow.stock.rows[lamp].reserved == 0


def test_the_outcome_of_a_reservation_is_announced_once(uow):
    lamp = stocked(uow, 5)
    order = uuid4()
    announced_before = len(uow.published)

    reserve(uow, order, (lamp, 2))
    reserve(uow, order, (lamp, 2))
    stock.handle_release_stock(stock.ReleaseStock(order), uow)
    stock.handle_release_stock(stock.ReleaseStock(order), uow)

    assert uow.published[announced_before:] == [
        StockReserved(order, (ReservationLine(lamp, 2),)),
        StockReleased(order),
    ]
