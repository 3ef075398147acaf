"""Each service's Redis user, on the real Redis: it does all that Django's cache, the read caches
and Celery's results need under its own key prefix, and nothing else; and the cache never
unpickles what it finds under a key."""

from __future__ import annotations

import os
import pickle
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit
from uuid import uuid4

import pytest
import redis
from celery import Celery
from django.core.cache import caches
from django.db import transaction

from chassis import redis_acl
from chassis.caching import ReadCache
from chassis.settings import service_settings

# What administers Redis in these tests: this machine's, as make provision does.
ADMIN_URL = os.environ.get("REDIS_ADMIN_URL", "redis://127.0.0.1:6379/0")


@dataclass(frozen=True)
class RedisUser:
    name: str
    prefix: str
    url: str


def make_user(admin: redis.Redis, service: str) -> RedisUser:
    prefix = f"test-{uuid4().hex[:12]}-{service}"
    name, password = prefix.replace("-", "_"), secrets.token_hex(16)
    rules = ["resetpass", redis_acl.password_rule(password), *redis_acl.acl_rules(prefix)]
    admin.execute_command("ACL", "SETUSER", name, *rules)
    address = urlsplit(ADMIN_URL)
    url = f"redis://{name}:{password}@{address.hostname}:{address.port or 6379}/0"
    return RedisUser(name, prefix, url)


@pytest.fixture
def admin() -> Iterator[redis.Redis]:
    with redis.Redis.from_url(ADMIN_URL) as client:
        yield client


@pytest.fixture
def users(admin) -> Iterator[tuple[RedisUser, RedisUser]]:
    """Two services' users, as provisioning makes them; deleted with their keys afterwards."""
    made: list[RedisUser] = []
    try:
        made += [make_user(admin, "a"), make_user(admin, "b")]
        yield made[0], made[1]
    finally:
        for user in made:
            admin.execute_command("ACL", "DELUSER", user.name)
            for key in admin.scan_iter(match=f"{user.prefix}:*", count=500):
                admin.delete(key)


@pytest.fixture
def service_cache(users, settings, monkeypatch, tmp_path) -> RedisUser:
    """Django's cache as chassis.settings makes it for service a, logged in as a's user."""
    a, _ = users
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "a"\nversion = "1"\ndescription = "A."\n'
    )
    monkeypatch.setenv("DJANGO_SECRET_KEY", "k" * 50)
    monkeypatch.setenv("REDIS_URL", a.url)
    monkeypatch.setenv("CACHE_KEY_PREFIX", a.prefix)
    settings.CACHES = service_settings(name="a", base_dir=tmp_path, apps=[])["CACHES"]
    return a


def test_a_service_cannot_touch_another_services_keys(users):
    a, b = users
    with redis.Redis.from_url(b.url) as as_b:
        as_b.set(f"{b.prefix}:1:secret", b'"of b"')
    with redis.Redis.from_url(a.url) as as_a:
        for denied in (
            lambda: as_a.get(f"{b.prefix}:1:secret"),
            lambda: as_a.set(f"{b.prefix}:1:secret", b'"planted by a"'),
            lambda: as_a.delete(f"{b.prefix}:1:secret"),
            lambda: as_a.set("unprefixed", b"1"),
            lambda: as_a.publish(f"{b.prefix}:celery-task-meta-x", b"{}"),
        ):
            with pytest.raises(redis.exceptions.NoPermissionError):
                denied()


@pytest.mark.parametrize(
    "command",
    [
        ("FLUSHALL",),
        ("FLUSHDB",),
        ("KEYS", "*"),
        ("CONFIG", "GET", "maxmemory"),
        ("CONFIG", "SET", "maxmemory", "1"),
        ("ACL", "LIST"),
        ("INFO",),
        ("CLIENT", "LIST"),
        ("SCRIPT", "FLUSH"),
        ("EVAL", "return 1", "0"),
        ("MONITOR",),
        ("CLIENT", "KILL", "TYPE", "normal"),
        ("SCAN", "0"),
    ],
    ids=lambda command: " ".join(command[:2]),
)
def test_a_service_may_run_no_dangerous_command(users, command):
    a, _ = users
    with redis.Redis.from_url(a.url) as as_a, pytest.raises(redis.exceptions.NoPermissionError):
        as_a.execute_command(*command)


def test_djangos_cache_works_within_the_services_prefix(service_cache):
    cache = caches["default"]

    cache.set("page", {"items": [1, 2], "next": None}, timeout=30)
    assert cache.add("page", "other") is False
    assert cache.get("page") == {"items": [1, 2], "next": None}
    assert cache.has_key("page")
    cache.set("hits", 1)
    assert cache.incr("hits", 4) == 5
    assert cache.decr("hits") == 4
    assert cache.touch("hits", None)
    cache.set_many({"x": "1", "y": [2]})
    assert cache.get_many(["x", "y", "z"]) == {"x": "1", "y": [2]}
    cache.delete_many(["x", "y"])
    assert cache.delete("page")
    assert cache.get("page", "missing") == "missing"


@pytest.mark.django_db(transaction=True)
def test_a_read_cache_works_within_the_services_prefix(service_cache):
    cache = ReadCache(f"things-{uuid4().hex[:8]}")
    lookup = cache.lookup("/things/")
    cache.store(lookup, b'{"things":[]}')
    assert cache.lookup("/things/").payload == b'{"things":[]}'

    with transaction.atomic():
        cache.stale_on_commit()

    assert cache.lookup("/things/").payload is None


def test_celerys_results_work_within_the_services_prefix(service_cache):
    app = Celery(broker="memory://", backend=service_cache.url, set_as_current=False)
    app.conf.result_backend_transport_options = {"global_keyprefix": f"{service_cache.prefix}:"}
    task_id = uuid4().hex
    result = app.AsyncResult(task_id)
    try:
        app.backend.store_result(task_id, {"sent": 1}, "SUCCESS")

        assert result.get(timeout=5) == {"sent": 1}  # announced on the task's channel
        result.forget()
        assert app.backend.get_task_meta(task_id)["status"] == "PENDING"
    finally:
        app.backend.result_consumer.stop()
        app.close()


class Planted:
    """What an attacker who could write a key would plant: unpickling it runs code."""

    def __init__(self, witness: Path) -> None:
        self.witness = witness

    def __reduce__(self):
        return (os.mkdir, (str(self.witness),))


def test_the_cache_never_unpickles_what_it_reads(service_cache, tmp_path):
    cache = caches["default"]
    witness = tmp_path / "code-ran"
    with redis.Redis.from_url(service_cache.url) as client:
        client.set(cache.make_key("profile"), pickle.dumps(Planted(witness)))

    with pytest.raises(ValueError, match="not JSON"):
        cache.get("profile")

    assert not witness.exists()


def test_the_cache_refuses_to_store_what_is_not_json(service_cache):
    with pytest.raises(TypeError):
        caches["default"].set("when", object())
