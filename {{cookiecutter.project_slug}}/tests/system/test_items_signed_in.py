"""The example resource of every plain service, through the gateway, signed in."""

import pytest

from tests.system.conftest import assert_problem, bearer
from tests.system.test_items import PLAIN_SERVICES


@pytest.mark.parametrize("service", PLAIN_SERVICES)
def test_a_signed_in_customer_keeps_items(gateway, customer, service):
    items, signed_in = f"/api/{service}/items/", bearer(customer["access_token"])
    name = f"Lamp {customer['id'][:8]}"

    created = gateway.post(items, json={"name": name, "description": "Brass"}, headers=signed_in)
    assert created.status_code == 201, created.text
    item = f"{items}{created.json()['id']}/"
    revised = gateway.patch(item, json={"description": "Copper"}, headers=signed_in)
    assert revised.json()["description"] == "Copper"
    assert gateway.get(items, params={"search": name}).json()["count"] == 1
    assert gateway.delete(item, headers=signed_in).status_code == 204
    assert_problem(gateway.get(item), 404, "not_found")
