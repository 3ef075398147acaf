"""The items API through DRF, on the real database."""

from uuid import uuid4

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

ITEMS = "/api/{{ cookiecutter.service }}/items/"


@pytest.fixture
def writer(api_as, customer) -> APIClient:
    return api_as(customer)


def create(client: APIClient, name: str, **fields: str) -> dict:
    response = client.post(ITEMS, {"name": name, **fields})
    assert response.status_code == 201, response.content
    return response.json()


def test_create_then_get(api, writer):
    created = create(writer, "Lamp", description="Brass")

    fetched = api.get(f"{ITEMS}{created['id']}/").json()

    assert fetched == created
    assert fetched["description"] == "Brass"


def test_list_is_paginated_and_searchable(api, writer):
    for number in range(25):
        create(writer, f"Lamp {number:02}")
    create(writer, "Chair")

    first_page = api.get(ITEMS, {"search": "lamp", "page_size": 10}).json()

    assert first_page["count"] == 25
    assert [item["name"] for item in first_page["results"]] == [f"Lamp {n:02}" for n in range(10)]
    assert "page=2" in first_page["next"]


def test_missing_name_is_a_problem_naming_the_field(writer):
    response = writer.post(ITEMS, {"description": "No name"})

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == "name"


def test_blank_name_breaks_a_domain_rule(writer):
    response = writer.post(ITEMS, {"name": "   "})

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "name", "message": "This field may not be blank.", "code": "blank"}
    ]


def test_duplicate_name_is_a_conflict(writer):
    create(writer, "Lamp")

    response = writer.post(ITEMS, {"name": "Lamp"})

    assert response.status_code == 409
    assert response.json()["code"] == "name_taken"


def test_patch_changes_only_what_is_sent(writer):
    item = create(writer, "Lamp", description="Brass")

    response = writer.patch(f"{ITEMS}{item['id']}/", {"name": "Desk lamp"})

    assert response.status_code == 200
    assert (response.json()["name"], response.json()["description"]) == ("Desk lamp", "Brass")


@pytest.mark.parametrize("body", [None, {}])
def test_a_patch_that_changes_nothing_is_refused(writer, body):
    item = create(writer, "Lamp")

    response = writer.patch(f"{ITEMS}{item['id']}/", body)

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert response.json()["errors"][0]["code"] == "empty"


def test_options_answers_what_a_writer_may_send(writer):
    item = create(writer, "Lamp")

    response = writer.options(f"{ITEMS}{item['id']}/")

    assert response.status_code == 200
    assert "PATCH" in response["Allow"]


def test_put_needs_the_whole_item(writer):
    item = create(writer, "Lamp")

    response = writer.put(f"{ITEMS}{item['id']}/", {"description": "Only this"})

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "name"


def test_delete_then_the_item_is_gone(api, writer):
    item = create(writer, "Lamp")

    assert writer.delete(f"{ITEMS}{item['id']}/").status_code == 204
    assert api.get(f"{ITEMS}{item['id']}/").status_code == 404


@pytest.mark.parametrize("item_id", [uuid4(), "not-a-uuid"])
def test_unknown_or_malformed_ids_are_not_found(api, item_id):
    response = api.get(f"{ITEMS}{item_id}/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_writing_without_a_token_is_401(api, writer, method):
    item = create(writer, "Lamp")
    url = ITEMS if method == "post" else f"{ITEMS}{item['id']}/"

    response = getattr(api, method)(url, {"name": "Stolen"})

    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


def test_oversized_page_is_refused(api):
    response = api.get(ITEMS, {"page_size": 1000})

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "page_size"
