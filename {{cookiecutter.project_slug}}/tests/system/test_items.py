"""The example resource of every plain service, through the gateway."""

import pytest

from tests.system.conftest import PROJECT_DIR, SERVICES, assert_problem{{ ", bearer" if cookiecutter.auth_provider == "identity" }}

# Plain services are those still holding the example resource.
PLAIN_SERVICES = [
    s for s in SERVICES if (PROJECT_DIR / "services" / s / s / "domain" / "items.py").exists()
]


@pytest.mark.parametrize("service", PLAIN_SERVICES)
def test_anyone_can_list_items(gateway, service):
    response = gateway.get(f"/api/{service}/items/", params={"search": "lamp"})

    assert response.status_code == 200
    assert response.json()["results"] == []


@pytest.mark.parametrize("service", PLAIN_SERVICES)
def test_creating_an_item_needs_a_token(gateway, service):
    assert_problem(
        gateway.post(f"/api/{service}/items/", json={"name": "Lamp"}), 401, "not_authenticated"
    )

{%- if cookiecutter.auth_provider == "identity" %}


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
{%- endif %}
