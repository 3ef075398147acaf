"""Product reads come from Redis until a write; a Redis outage falls back to the database; a
customer never reads a state older than the saga step they have seen the effect of; and however
many searches anyone makes, the keys they leave in Redis stay bounded."""

import os
import socket
import threading
from uuid import uuid4

import pytest
from django.core.cache import caches
from django.db import transaction

from chassis.events import Event

from catalog.infrastructure.cache import LISTINGS, SEARCHES
from catalog.subscribers import reserve_stock_for_the_order

# Invalidation runs when a write commits, so these tests commit for real.
pytestmark = pytest.mark.django_db(transaction=True)

PRODUCTS = "/api/catalog/products/"


@pytest.fixture
def redis_cache(settings):
    """The service's Redis, as its own user where provisioning made one: under the service's
    key prefix (all that user may touch), in a namespace of this test's, deleted afterwards."""
    prefix = f"{os.environ.get('CACHE_KEY_PREFIX', 'catalog')}:test-{uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
            "KEY_PREFIX": prefix,
            "OPTIONS": {"serializer": "chassis.caching.JSONSerializer"},
        }
    }
    yield prefix
    for cache in (LISTINGS, SEARCHES):  # the service's user may not list keys: each cache's own
        cache.clear()


@pytest.fixture
def product(api_as, staff):
    body = {"sku": "LAMP-1", "name": "Lamp", "price": "19.90", "currency": "EUR"}
    return api_as(staff).post(PRODUCTS, body).json()


@pytest.mark.usefixtures("redis_cache")
def test_reads_come_from_the_cache_until_a_write(
    api, api_as, staff, product, django_assert_num_queries
):
    url = f"{PRODUCTS}{product['id']}/"
    api.get(PRODUCTS)
    api.get(url)

    with django_assert_num_queries(0):
        assert api.get(PRODUCTS).json()["results"][0]["name"] == "Lamp"
        assert api.get(url).json()["name"] == "Lamp"

    api_as(staff).patch(url, {"name": "Desk lamp"})

    assert api.get(url).json()["name"] == "Desk lamp"
    assert api.get(PRODUCTS).json()["results"][0]["name"] == "Desk lamp"


def test_a_redis_outage_reads_the_database(api, api_as, staff, settings):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"socket_connect_timeout": 0.2},
        }
    }

    created = api_as(staff).post(
        PRODUCTS, {"sku": "LAMP-1", "name": "Lamp", "price": "1.00", "currency": "EUR"}
    )
    listing = api.get(PRODUCTS)

    assert created.status_code == 201
    assert listing.status_code == 200
    assert listing.json()["count"] == 1


def order_placed(product_id: str, quantity: int) -> Event:
    data = {"order_id": str(uuid4()), "lines": [{"product_id": product_id, "quantity": quantity}]}
    return Event(type="orders.order.placed.v1", source="/orders", data=data)


@pytest.mark.usefixtures("redis_cache")
def test_a_reservation_shows_in_every_read_from_its_commit_on(api, api_as, staff, product):
    """The catalog's saga step, as the consumer takes it, while readers fill the cache: the first
    read after the commit (before anything else runs, as when the relay's publish, orders'
    confirmation and the customer's next click all win the race) already sees the reservation."""
    url = f"{PRODUCTS}{product['id']}/"
    api_as(staff).post(f"{url}stock-adjustments/", {"change": 1000})
    reading = threading.Event()
    reading.set()

    def keep_reading() -> None:
        try:
            while reading.is_set():
                api.get(url)
                api.get(PRODUCTS)
        finally:
            from django.db import connection

            connection.close()

    def detail() -> dict:
        return api.get(url).json()

    def first_listed() -> dict:
        return api.get(PRODUCTS).json()["results"][0]

    reader = threading.Thread(target=keep_reading, daemon=True)
    reader.start()
    try:
        for _ in range(30):
            available = api.get(url).json()["available"]
            seen: list[int] = []
            with transaction.atomic():  # the consumer's transaction around its handlers
                transaction.on_commit(lambda seen=seen: seen.append(detail()["available"]))
                transaction.on_commit(lambda seen=seen: seen.append(first_listed()["available"]))
                reserve_stock_for_the_order(order_placed(product["id"], 1))
            assert seen == [available - 1, available - 1]
            assert api.get(url).json()["available"] == available - 1
    finally:
        reading.clear()
        reader.join(timeout=10)


def test_without_a_shared_cache_every_read_goes_to_the_database(
    api, product, settings, django_assert_num_queries
):
    # Each process would have a memory cache of its own, which the consumer's writes never
    # reach: reads go to the database instead.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    url = f"{PRODUCTS}{product['id']}/"
    api.get(url)

    with django_assert_num_queries(1):
        api.get(url)


def test_searches_leave_a_bounded_number_of_keys_and_browsing_stays_cached(
    api, product, redis_cache, monkeypatch, django_assert_num_queries
):
    """Anyone may search for anything: past SEARCHES.max_entries distinct searches, a search is
    answered from the database and stored nowhere, and the browsing pages are still served
    from the cache."""
    bound = 20
    monkeypatch.setattr(SEARCHES, "max_entries", bound)
    api.get(PRODUCTS)  # browsing: cached apart from searches
    searches = [f"lamp{number}" for number in range(bound + 100)]
    for text in searches:
        assert api.get(PRODUCTS, {"search": text}).status_code == 200

    # The keys each search would be stored under (the whole URL is the key).
    keys = [SEARCHES._entry_key(f"http://testserver{PRODUCTS}?search={text}") for text in searches]
    assert caches["default"]._cache.get_client().exists(*keys) == bound
    with django_assert_num_queries(0):
        assert api.get(PRODUCTS).json()["count"] == 1
    with django_assert_num_queries(0):  # a search stored before the bound is served
        api.get(PRODUCTS, {"search": "lamp0"})
