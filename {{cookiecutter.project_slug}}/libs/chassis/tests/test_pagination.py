from uuid import uuid4

import pytest
from django.core.paginator import EmptyPage, PageNotAnInteger

from chassis.pagination import OneQueryPaginator
from chassis.persistence import EntityPage

from tests.models import Effect

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


@pytest.mark.parametrize("parameter", ["page", "page_size"])
@pytest.mark.parametrize("value", ["", "0", "-1", "ten", "1.5", "last", str(2**64)])
def test_a_page_or_size_that_is_not_a_number_in_bounds_is_refused_naming_it(api, parameter, value):
    response = api.get("/api/sample/widgets/", {parameter: value})

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == parameter


@pytest.mark.parametrize("parameter", ["page", "page_size"])
def test_a_page_or_size_sent_twice_is_refused_naming_it(api, parameter):
    response = api.get(f"/api/sample/widgets/?{parameter}=1&{parameter}=2")

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == parameter


def test_page_past_the_end_is_not_found(api):
    response = api.get("/api/sample/widgets/", {"page": 99})

    assert response.status_code == 404


@pytest.fixture
def effects():
    Effect.objects.bulk_create(Effect(event_id=uuid4(), number=number) for number in range(1, 46))
    return EntityPage(Effect.objects.order_by("number"), lambda row: row.number)


@pytest.mark.parametrize(
    ("number", "numbers"), [(1, range(1, 21)), (2, range(21, 41)), (3, range(41, 46))]
)
def test_a_page_of_entities_is_read_and_counted_in_one_query(
    effects, django_assert_num_queries, number, numbers
):
    paginator = OneQueryPaginator(effects, 20)

    with django_assert_num_queries(1):
        page = paginator.page(number)
        assert (list(page), paginator.count, paginator.num_pages) == (list(numbers), 45, 3)
    assert page.has_next() == (number < 3)


@pytest.mark.parametrize(
    ("number", "refusal"), [(4, EmptyPage), (0, EmptyPage), ("two", PageNotAnInteger)]
)
def test_pages_past_the_end_or_not_numbers_are_refused_as_django_does(effects, number, refusal):
    with pytest.raises(refusal):
        OneQueryPaginator(effects, 20).page(number)


def test_nothing_at_all_is_one_empty_page():
    paginator = OneQueryPaginator(EntityPage(Effect.objects.none(), lambda row: row.number), 20)

    assert (list(paginator.page(1)), paginator.count, paginator.num_pages) == ([], 0, 1)
