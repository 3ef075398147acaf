"""The example resource of every plain service, through the gateway."""

import pytest

from tests.system.conftest import PROJECT_DIR, SERVICES, assert_problem

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
