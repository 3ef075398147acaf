"""Liveness and readiness: the one health endpoint that Compose, Kubernetes, CI,
the gateway's registry and the tests all use.

``/health/live`` answers 200 while the process can serve requests at all.
``/health/ready`` checks what the service depends on. The database is
required: when it is down the answer is 503 and traffic goes elsewhere. The
cache and the broker are reported but only degrade the service (still 200):
every cached read falls back to the database, and events wait in the outbox.

Both are answered by a middleware that comes before everything else, so that a
probe does not depend on the Host header, sessions or authentication.
"""

from __future__ import annotations

import logging
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import connections
from django.http import HttpRequest, HttpResponse, JsonResponse

logger = logging.getLogger(__name__)

LIVE_PATH = "/health/live"
READY_PATH = "/health/ready"


@dataclass(frozen=True)
class Check:
    name: str
    probe: Callable[[], None]
    required: bool


def check_databases() -> None:
    for alias in connections:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")


def check_cache() -> None:
    cache = caches["default"]
    cache.set("health:ready", "ok", timeout=5)
    if cache.get("health:ready") != "ok":
        raise RuntimeError("the cache did not return what was stored")


def check_broker() -> None:
    """The broker answers (the web process never needs it: events go through the outbox)."""
    address = urlsplit(settings.EVENTS["BROKER_URL"])
    socket.create_connection((address.hostname, address.port or 5672), timeout=2).close()


def readiness_checks() -> list[Check]:
    checks = [Check("database", check_databases, required=True)]
    if settings.EVENTS["BROKER_URL"]:
        checks.append(Check("broker", check_broker, required=False))
    # A per-process memory cache cannot be down: only a cache server is checked.
    if isinstance(caches["default"], RedisCache):
        checks.append(Check("cache", check_cache, required=False))
    return checks


def readiness() -> tuple[int, dict[str, Any]]:
    """Run every check; return the HTTP status and the report."""
    results: dict[str, dict[str, Any]] = {}
    required_ok = True
    degraded = False
    for check in readiness_checks():
        started = time.perf_counter()
        try:
            check.probe()
        except Exception as error:  # a probe reports any failure, it never raises
            logger.warning("Readiness check %s failed: %s", check.name, error)
            results[check.name] = {"status": "down", "error": type(error).__name__}
            required_ok = required_ok and not check.required
            degraded = True
        else:
            elapsed_ms = round((time.perf_counter() - started) * 1000, 1)
            results[check.name] = {"status": "up", "duration_ms": elapsed_ms}
    status = "unavailable" if not required_ok else "degraded" if degraded else "ready"
    return (200 if required_ok else 503), {**_identity(), "status": status, "checks": results}


def _identity() -> dict[str, str]:
    info = settings.SERVICE_INFO
    return {"service": info.name, "version": info.version}


class HealthCheckMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path == LIVE_PATH:
            return JsonResponse({**_identity(), "status": "alive"})
        if request.path == READY_PATH:
            status, report = readiness()
            return JsonResponse(report, status=status)
        return self.get_response(request)
