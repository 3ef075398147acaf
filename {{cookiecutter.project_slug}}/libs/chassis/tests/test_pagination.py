import pytest

pytestmark = pytest.mark.django_db


def test_pages_carry_count_and_links(api):
    body = api.get("/api/sample/widgets/", {"page": 2, "page_size": 50}).json()

    assert body["count"] == 250
    assert [widget["number"] for widget in body["results"]] == list(range(51, 101))
    assert body["next"].endswith("page=3&page_size=50")


def test_oversized_page_is_refused_naming_page_size(api):
    response = api.get("/api/sample/widgets/", {"page_size": 101})

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "page_size"


@pytest.mark.parametrize("page_size", ["0", "ten"])
def test_invalid_page_size_is_refused(api, page_size):
    response = api.get("/api/sample/widgets/", {"page_size": page_size})

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "page_size"


def test_page_past_the_end_is_not_found(api):
    response = api.get("/api/sample/widgets/", {"page": 99})

    assert response.status_code == 404
