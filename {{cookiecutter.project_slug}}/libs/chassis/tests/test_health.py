import socket

import pytest
from django.db import connections
from django.db.utils import load_backend


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_live_answers_without_touching_anything(client):
    response = client.get("/health/live", HTTP_HOST="10.1.2.3")

    assert response.status_code == 200
    assert response.json() == {
        "service": "sample",
        "version": response.json()["version"],
        "status": "alive",
    }


@pytest.mark.django_db
def test_ready_checks_the_database(client):
    response = client.get("/health/ready", HTTP_HOST="pod-ip-not-in-allowed-hosts")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ready"
    assert body["checks"]["database"]["status"] == "up"


@pytest.mark.django_db
def test_ready_is_503_when_the_database_is_unreachable(client):
    # A PostgreSQL connection to a port nobody listens on, whatever the tests run on.
    unreachable = load_backend("django.db.backends.postgresql").DatabaseWrapper(
        {**connections["default"].settings_dict, "HOST": "127.0.0.1", "PORT": closed_port()},
        "default",
    )
    original = connections["default"]
    connections["default"] = unreachable
    try:
        response = client.get("/health/ready")
    finally:
        connections["default"] = original

    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert response.json()["checks"]["database"] == {"status": "down", "error": "OperationalError"}


@pytest.mark.django_db
def test_a_cache_outage_degrades_but_stays_ready(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.2},
        }
    }

    response = client.get("/health/ready")

    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["checks"]["cache"] == {"status": "down", "error": "ConnectionError"}
