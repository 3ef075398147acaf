"""Item rules and use cases, on an in-memory repository: no database."""

from uuid import uuid4

import pytest

from chassis.domain import Conflict, NotFound, RuleViolation

from plain_service.application import items as use_cases
from plain_service.domain.events import ItemCreated, ItemDeleted, ItemRevised

# Relative, so that it sorts after the service's own imports whatever the service is called.
from ..fakes import InMemoryItemsUnitOfWork


@pytest.fixture
def uow() -> InMemoryItemsUnitOfWork:
    return InMemoryItemsUnitOfWork()


def test_create_trims_the_name_and_stores_the_item(uow):
    item = use_cases.handle_create_item(use_cases.CreateItem(name="  Lamp "), uow)

    assert item.name == "Lamp"
    assert uow.items.get(item.id) == item
    assert item.created_at == item.updated_at


@pytest.mark.parametrize(("name", "code"), [("   ", "blank"), ("x" * 121, "max_length")])
def test_a_name_must_be_present_and_short(uow, name, code):
    with pytest.raises(RuleViolation) as error:
        use_cases.handle_create_item(use_cases.CreateItem(name=name), uow)

    assert (error.value.field, error.value.code) == ("name", code)


def test_names_are_unique(uow):
    use_cases.handle_create_item(use_cases.CreateItem(name="Lamp"), uow)

    with pytest.raises(Conflict):
        use_cases.handle_create_item(use_cases.CreateItem(name="Lamp"), uow)


def test_revise_keeps_what_it_is_not_given(uow):
    item = use_cases.handle_create_item(use_cases.CreateItem(name="Lamp", description="Brass"), uow)

    revised = use_cases.handle_revise_item(use_cases.ReviseItem(item.id, name="Desk lamp"), uow)

    assert (revised.name, revised.description) == ("Desk lamp", "Brass")
    assert revised.updated_at >= item.updated_at
    assert uow.items.get(item.id) == revised


def test_revise_cannot_take_another_items_name(uow):
    use_cases.handle_create_item(use_cases.CreateItem(name="Lamp"), uow)
    chair = use_cases.handle_create_item(use_cases.CreateItem(name="Chair"), uow)

    with pytest.raises(Conflict):
        use_cases.handle_revise_item(use_cases.ReviseItem(chair.id, name="Lamp"), uow)


def test_unknown_items_are_not_found(uow):
    with pytest.raises(NotFound):
        use_cases.handle_get_item(use_cases.GetItem(uuid4()), uow.items)
    with pytest.raises(NotFound):
        use_cases.handle_delete_item(use_cases.DeleteItem(uuid4()), uow)


def test_find_searches_names_in_any_case_and_orders_by_name(uow):
    for name in ("Table lamp", "Chair", "Floor LAMP"):
        use_cases.handle_create_item(use_cases.CreateItem(name=name), uow)

    found = use_cases.handle_find_items(use_cases.FindItems(search="lamp"), uow.items)

    assert [item.name for item in found] == ["Floor LAMP", "Table lamp"]


def test_every_change_is_announced(uow):
    item = use_cases.handle_create_item(use_cases.CreateItem(name="Lamp"), uow)
    use_cases.handle_revise_item(use_cases.ReviseItem(item.id, name="Desk lamp"), uow)
    use_cases.handle_delete_item(use_cases.DeleteItem(item.id), uow)

    assert uow.published == [
        ItemCreated(item.id, "Lamp"),
        ItemRevised(item.id, "Desk lamp"),
        ItemDeleted(item.id),
    ]
