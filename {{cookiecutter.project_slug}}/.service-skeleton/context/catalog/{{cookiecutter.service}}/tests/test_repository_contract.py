"""The promises of catalog.application.ports, held to by the database repositories and by the
unit tests' in-memory ones alike, so that what a unit test shows on the fakes holds in production."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from uuid import uuid4

import pytest

from chassis.domain import Conflict, Money, NotFound
from chassis_testing.fakes import both_units_of_work

from catalog.domain.products import ListingOrder, ListingSearch, Product
from catalog.domain.stock import Reservation, ReservationLine, ReservationStatus, StockLevel, merged
from catalog.infrastructure.repositories import DjangoListingReader
from catalog.infrastructure.unit_of_work import DjangoCatalogUnitOfWork

from tests.fakes import InMemoryCatalogUnitOfWork, InMemoryListingReader

NOW = datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=UTC)


uow = both_units_of_work(InMemoryCatalogUnitOfWork, DjangoCatalogUnitOfWork)


@pytest.fixture
def listings(uow):
    if isinstance(uow, InMemoryCatalogUnitOfWork):
        return InMemoryListingReader(uow)
    return DjangoListingReader()


def a_product(sku="LAMP-1", name="Lamp", price="19.90", minutes_later=0) -> Product:
    return Product.create(
        sku=sku,
        name=name,
        description="Brass.",
        price=Money(Decimal(price), "EUR"),
        now=NOW + timedelta(minutes=minutes_later),
    )


def stored(uow, product: Product, on_hand: int = 0, reserved: int = 0) -> Product:
    with uow:
        uow.products.add(product)
        uow.stock.add(StockLevel(product.id, on_hand, reserved))
    return product


def test_a_product_is_got_back_as_it_was_added(uow):
    product = stored(uow, a_product())

    with uow:
        assert uow.products.get(product.id) == product


def test_an_unknown_product_is_not_found(uow):
    with uow, pytest.raises(NotFound):
        uow.products.get(uuid4())


def test_a_taken_sku_is_a_conflict_that_leaves_the_first_product(uow):
    first = stored(uow, a_product())

    with pytest.raises(Conflict) as error, uow:
        uow.products.add(a_product(name="Another lamp"))

    assert error.value.code == "sku_taken"
    with uow:
        assert uow.products.get(first.id) == first


def test_get_many_returns_those_that_exist(uow):
    lamp, chair = stored(uow, a_product()), stored(uow, a_product("CHAIR-1", "Chair"))

    with uow:
        found = uow.products.get_many([chair.id, uuid4(), lamp.id])

    assert sorted(found, key=lambda product: product.sku) == [chair, lamp]


def test_a_saved_product_is_got_back_changed(uow):
    product = stored(uow, a_product())
    later = NOW + timedelta(hours=1)
    changed = product.revise(
        name="Desk lamp", description="", price=Money(Decimal("24.50"), "EUR"), now=later
    ).deactivate(later)

    with uow:
        uow.products.save(changed)
    with uow:
        assert uow.products.get(product.id) == changed


def test_stock_levels_are_locked_and_saved(uow):
    lamp, chair = stored(uow, a_product()), stored(uow, a_product("CHAIR-1", "Chair"), 3, 1)

    with uow:
        levels = uow.stock.lock([lamp.id, chair.id])
        uow.stock.save([levels[lamp.id].adjust(5)])
    with uow:
        assert uow.stock.lock([lamp.id, chair.id]) == {
            lamp.id: StockLevel(lamp.id, 5, 0),
            chair.id: StockLevel(chair.id, 3, 1),
        }


def test_locking_a_missing_stock_level_is_not_found(uow):
    lamp = stored(uow, a_product())

    with uow, pytest.raises(NotFound):
        uow.stock.lock([lamp.id, uuid4()])


def test_an_order_without_a_reservation_has_none(uow):
    with uow:
        assert uow.reservations.lock(uuid4()) is None


def test_a_reservation_is_got_back_as_it_was_added_and_saved(uow):
    lamp, chair = uuid4(), uuid4()
    lines = merged([ReservationLine(lamp, 2), ReservationLine(chair, 1)])
    reservation = Reservation(uuid4(), ReservationStatus.RESERVED, lines)

    with uow:
        uow.reservations.add(reservation)
    with uow:
        assert uow.reservations.lock(reservation.order_id) == reservation
        uow.reservations.save(reservation.released())
    with uow:
        assert uow.reservations.lock(reservation.order_id) == reservation.released()


def test_a_release_before_the_reservation_is_kept_with_its_reason(uow):
    released = Reservation.released_before_reserved(uuid4())

    with uow:
        uow.reservations.add(released)
    with uow:
        assert uow.reservations.lock(released.order_id) == released


def test_an_order_has_one_reservation(uow):
    order = uuid4()
    with uow:
        uow.reservations.add(Reservation(order, ReservationStatus.REJECTED, reason="No stock."))

    with pytest.raises(Conflict), uow:
        uow.reservations.add(Reservation(order, ReservationStatus.RESERVED))


@pytest.fixture
def three_products(uow):
    """Names, prices and ages in three different orders."""
    return {
        "Chair": stored(uow, a_product("CHAIR-1", "Chair", "45.00", minutes_later=2), 10, 4),
        "Desk lamp": stored(uow, a_product("LAMP-1", "Desk lamp", "30.00", minutes_later=0), 2),
        "Floor lamp": stored(uow, a_product("LAMP-2", "Floor lamp", "90.00", minutes_later=1)),
    }


@pytest.mark.parametrize(
    ("order", "names"),
    [
        (ListingOrder.NAME, ["Chair", "Desk lamp", "Floor lamp"]),
        (ListingOrder.NAME_DESCENDING, ["Floor lamp", "Desk lamp", "Chair"]),
        (ListingOrder.PRICE, ["Desk lamp", "Chair", "Floor lamp"]),
        (ListingOrder.PRICE_DESCENDING, ["Floor lamp", "Chair", "Desk lamp"]),
        (ListingOrder.NEWEST, ["Chair", "Floor lamp", "Desk lamp"]),
        (ListingOrder.OLDEST, ["Desk lamp", "Floor lamp", "Chair"]),
    ],
)
def test_listings_come_in_the_searchs_order(listings, three_products, order, names):
    found = listings.find(ListingSearch(order=order))

    assert [listing.product.name for listing in found] == names


@pytest.mark.parametrize(
    ("criteria", "names"),
    [
        ({"active": False}, ["Floor lamp"]),
        ({"active": True}, ["Chair", "Desk lamp"]),
        ({"min_price": Decimal("30.00"), "max_price": Decimal("45.00")}, ["Chair", "Desk lamp"]),
        ({"text": "LAMP"}, ["Desk lamp", "Floor lamp"]),
        ({"text": "chair-"}, ["Chair"]),
        ({"max_available": 2}, ["Desk lamp", "Floor lamp"]),
    ],
)
def test_listings_are_filtered_by_the_search(uow, listings, three_products, criteria, names):
    floor_lamp = three_products["Floor lamp"]
    with uow:
        uow.products.save(floor_lamp.deactivate(NOW))

    found = listings.find(ListingSearch(**criteria))

    assert [listing.product.name for listing in found] == names


def test_a_listing_says_how_many_are_available(listings, three_products):
    chair = three_products["Chair"]

    listing = listings.get(chair.id)

    assert (listing.product, listing.available) == (chair, 6)


def test_an_unknown_listing_is_not_found(listings):
    with pytest.raises(NotFound):
        listings.get(uuid4())
