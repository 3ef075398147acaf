"""Product rules and use cases, on in-memory repositories: no database."""

from decimal import Decimal
from uuid import uuid4

import pytest

from chassis.domain import Conflict, NotFound, RuleViolation

from catalog.application import products, stock
from catalog.domain.products import ListingOrder, ListingSearch

from tests.fakes import InMemoryCatalogUnitOfWork, InMemoryListingReader


@pytest.fixture
def uow() -> InMemoryCatalogUnitOfWork:
    return InMemoryCatalogUnitOfWork()


def create(uow, sku="LAMP-1", name="Lamp", price="19.90", currency="EUR"):
    command = products.CreateProduct(sku=sku, name=name, price=Decimal(price), currency=currency)
    return products.handle_create_product(command, uow)


def test_a_new_product_is_on_sale_with_no_stock(uow):
    product = create(uow, sku=" lamp-1 ")

    assert product.sku == "LAMP-1"
    assert product.active
    assert uow.stock.rows[product.id].on_hand == 0


@pytest.mark.parametrize(
    ("fields", "field", "code"),
    [
        ({"sku": "x"}, "sku", "invalid"),
        ({"sku": "LAMP 1"}, "sku", "invalid"),
        ({"price": "-1"}, "price", "min_value"),
        ({"price": "1.999"}, "price", "invalid"),
        ({"currency": "euro"}, "currency", "invalid_currency"),
        ({"name": "  "}, "name", "blank"),
    ],
)
def test_invalid_products_are_refused_naming_the_field(uow, fields, field, code):
    with pytest.raises(RuleViolation) as error:
        create(uow, **fields)

    assert (error.value.field, error.value.code) == (field, code)
    assert uow.products.rows == {}


def test_skus_are_unique_and_nothing_is_half_stored(uow):
    create(uow)

    with pytest.raises(Conflict):
        create(uow, name="Another lamp")

    assert len(uow.products.rows) == len(uow.stock.rows) == 1


def test_revise_changes_the_price_keeping_the_currency(uow):
    product = create(uow)

    revised = products.handle_revise_product(
        products.ReviseProduct(product.id, price=Decimal("24.50")), uow
    )

    assert str(revised.price) == "24.50 EUR"
    assert revised.name == "Lamp"


def test_deactivate_and_activate_are_idempotent(uow):
    product = create(uow)

    products.handle_deactivate_product(products.DeactivateProduct(product.id), uow)
    again = products.handle_deactivate_product(products.DeactivateProduct(product.id), uow)
    assert not again.active

    assert products.handle_activate_product(products.ActivateProduct(product.id), uow).active


def test_unknown_products_are_not_found(uow):
    with pytest.raises(NotFound):
        products.handle_revise_product(products.ReviseProduct(uuid4(), name="Ghost"), uow)


def test_listings_filter_and_order(uow):
    create(uow, sku="LAMP-1", name="Desk lamp", price="30.00")
    create(uow, sku="LAMP-2", name="Floor lamp", price="90.00")
    chair = create(uow, sku="CHAIR-1", name="Chair", price="45.00")
    products.handle_deactivate_product(products.DeactivateProduct(chair.id), uow)
    reader = InMemoryListingReader(uow)

    def names(**criteria):
        return [
            listing.product.name
            for listing in products.handle_find_listings(ListingSearch(**criteria), reader)
        ]

    assert names() == ["Chair", "Desk lamp", "Floor lamp"]
    assert names(text="lamp", order=ListingOrder.PRICE_DESCENDING) == ["Floor lamp", "Desk lamp"]
    assert names(min_price=Decimal(40), max_price=Decimal(60)) == ["Chair"]
    assert names(active=True) == ["Desk lamp", "Floor lamp"]


def test_listings_can_be_narrowed_to_those_running_low(uow):
    create(uow, sku="LAMP-1", name="Desk lamp")
    plenty = create(uow, sku="LAMP-2", name="Floor lamp")
    stock.handle_adjust_stock(stock.AdjustStock(plenty.id, 50), uow)

    running_low = products.handle_find_listings(
        ListingSearch(max_available=5), InMemoryListingReader(uow)
    )

    assert [listing.product.name for listing in running_low] == ["Desk lamp"]


def test_a_price_range_must_be_the_right_way_round():
    with pytest.raises(RuleViolation) as error:
        ListingSearch(min_price=Decimal(10), max_price=Decimal(5))

    assert error.value.field == "max_price"


def test_every_change_of_a_product_is_announced_once(uow):
    product = create(uow)
    products.handle_revise_product(products.ReviseProduct(product.id, price=Decimal("24.50")), uow)
    products.handle_deactivate_product(products.DeactivateProduct(product.id), uow)
    products.handle_deactivate_product(products.DeactivateProduct(product.id), uow)
    products.handle_activate_product(products.ActivateProduct(product.id), uow)

    assert [type(event).__name__ for event in uow.published] == [
        "ProductCreated",
        "ProductUpdated",
        "ProductDeactivated",
        "ProductUpdated",
    ]
    assert (uow.published[1].price, uow.published[2].active) == (Decimal("24.50"), False)


def test_a_refused_change_announces_nothing(uow):
    create(uow)

    with pytest.raises(Conflict):
        create(uow, name="Another lamp")

    assert len(uow.published) == 1
