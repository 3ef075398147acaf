"""Product reads come from Redis until a write; a Redis outage falls back to the database."""

import os
import socket
from uuid import uuid4

import pytest

# Invalidation runs when a write commits, so these tests commit for real.
pytestmark = pytest.mark.django_db(transaction=True)

PRODUCTS = "/api/catalog/products/"


@pytest.fixture
def redis_cache(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
            "KEY_PREFIX": f"test-{uuid4().hex}",
        }
    }


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
