"""The promises of {{ cookiecutter.service }}.application.ports, held to by the database repository
and by the unit tests' in-memory one alike, so that what a unit test shows on the fake holds in
production."""

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from chassis.domain import Conflict, NotFound
from chassis_testing.fakes import both_units_of_work

from plain_service.domain.items import Item
from plain_service.infrastructure.unit_of_work import DjangoItemsUnitOfWork

# Relative, so that it sorts after the service's own imports whatever the service is called.
from .fakes import InMemoryItemsUnitOfWork

NOW = datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=UTC)


uow = both_units_of_work(InMemoryItemsUnitOfWork, DjangoItemsUnitOfWork)


def stored(uow, name="Lamp") -> Item:
    item = Item.create(name=name, description="Brass.", now=NOW)
    with uow:
        uow.items.add(item)
    return item


def test_an_item_is_got_back_as_it_was_added(uow):
    item = stored(uow)

    with uow:
        assert uow.items.get(item.id) == item


def test_an_unknown_item_is_not_found(uow):
    with uow:
        with pytest.raises(NotFound):
            uow.items.get(uuid4())
        with pytest.raises(NotFound):
            uow.items.save(Item.create(name="Ghost", description="", now=NOW))
        with pytest.raises(NotFound):
            uow.items.remove(uuid4())


def test_a_taken_name_is_a_conflict_that_leaves_the_first_item(uow):
    first = stored(uow)

    with pytest.raises(Conflict) as error, uow:
        uow.items.add(Item.create(name="Lamp", description="", now=NOW))

    assert error.value.code == "name_taken"
    with uow:
        assert uow.items.get(first.id) == first


def test_a_saved_item_is_got_back_changed(uow):
    item = stored(uow)
    changed = item.revise(name="Desk lamp", description="", now=NOW + timedelta(hours=1))

    with uow:
        uow.items.save(changed)
    with uow:
        assert uow.items.get(item.id) == changed


def test_an_item_cannot_be_saved_with_another_items_name(uow):
    stored(uow, "Lamp")
    chair = stored(uow, "Chair")

    with pytest.raises(Conflict), uow:
        uow.items.save(chair.revise(name="Lamp", description=None, now=NOW))

    with uow:
        assert uow.items.get(chair.id) == chair


def test_a_removed_item_is_gone(uow):
    item = stored(uow)

    with uow:
        uow.items.remove(item.id)
    with uow, pytest.raises(NotFound):
        uow.items.get(item.id)


def test_find_matches_names_in_any_case_in_name_order(uow):
    for name in ("Table lamp", "Chair", "Floor LAMP"):
        stored(uow, name)

    with uow:
        assert [item.name for item in uow.items.find(search="lamp")] == ["Floor LAMP", "Table lamp"]
        assert [item.name for item in uow.items.find(search="")] == [
            "Chair",
            "Floor LAMP",
            "Table lamp",
        ]
