"""Cached reads on the real Redis: served until a write commits, and never the state from
before a committed write, whatever a concurrent reader does meanwhile or whether Redis
answered at the moment of the commit."""

from __future__ import annotations

import os
from collections.abc import Iterator
from uuid import uuid4

import pytest
import redis
from django.core.cache import caches
from django.db import transaction

from chassis import caching
from chassis.caching import ReadCache
from chassis_testing import eventually

from tests.conftest import CuttableLink

# Steps 1 and 3 run in the transaction's commit path.
pytestmark = pytest.mark.django_db(transaction=True)

REDIS = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")


def redis_cache(location: str) -> dict:
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": location,
            "KEY_PREFIX": f"test-{uuid4().hex[:12]}",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


def forget(caches_setting: dict) -> None:
    """Delete what a test's cache left in Redis, once no retry can write there any more."""
    eventually(lambda: not caching._pending, timeout=10)
    with redis.Redis.from_url(REDIS) as client:
        keys = list(client.scan_iter(f"{caches_setting['default']['KEY_PREFIX']}:*"))
        if keys:
            client.delete(*keys)


@pytest.fixture
def cache(settings) -> ReadCache:
    settings.CACHES = redis_cache(REDIS)
    yield ReadCache("things")
    forget(settings.CACHES)


@pytest.fixture
def link(settings) -> Iterator[CuttableLink]:
    """The cache's Redis behind a link the test can cut; what the test left there is deleted."""
    link = CuttableLink.to(REDIS)
    settings.CACHES = written_under = redis_cache(link.carry(REDIS))
    yield link
    link.restore()  # for a retry still waiting, had the test stopped with the link down
    forget(written_under)
    link.close()


def cached(cache: ReadCache, key: str, state: bytes) -> bytes:
    """A read: the cached entry, else `state` (what the database holds), stored for next time."""
    lookup = cache.lookup(key)
    if lookup.payload is not None:
        return lookup.payload
    cache.store(lookup, state)
    return state


def write(cache: ReadCache) -> None:
    with transaction.atomic():
        cache.stale_on_commit()


def test_an_entry_is_served_until_a_write_commits(cache):
    cached(cache, "/things/", b"before")

    assert cached(cache, "/things/", b"not asked") == b"before"
    with transaction.atomic():
        cache.stale_on_commit()
        assert cache.lookup("/things/").payload is None, "stale from before the commit"
    assert cached(cache, "/things/", b"after") == b"after"
    assert cached(cache, "/things/", b"not asked") == b"after"


def test_what_a_reader_read_before_the_commit_never_comes_back(cache):
    cached(cache, "/things/", b"old")
    read_before_the_write = cache.lookup("/things/")
    read_during_the_write: list[caching.Lookup] = []

    with transaction.atomic():
        cache.stale_on_commit()
        read_during_the_write.append(cache.lookup("/things/"))
        cache.store(read_before_the_write, b"old")
        cache.store(read_during_the_write[0], b"old")
        # Runs first after the commit, before the write's own step 3: the moment a reader
        # that queried the database before the commit would put its old state back.
        transaction.on_commit(lambda: cache.store(read_during_the_write[0], b"old"))
        transaction.on_commit(lambda: cache.store(read_before_the_write, b"old"))

    assert cached(cache, "/things/", b"new") == b"new"


def test_many_writes_and_readers_never_serve_a_state_older_than_the_last_commit(cache):
    committed = 0
    for _ in range(50):
        with transaction.atomic():
            cache.stale_on_commit()
            lookup = cache.lookup("/count/")
            transaction.on_commit(
                lambda lookup=lookup, seen=committed: cache.store(lookup, b"%d" % seen)
            )
            committed += 1
        assert cached(cache, "/count/", b"%d" % committed) == b"%d" % committed


def test_with_redis_away_at_the_commit_the_write_lands_and_the_cache_catches_up(link):
    cache = ReadCache("things")
    cached(cache, "/things/", b"before")
    link.down()

    write(cache)  # commits all the same
    assert cache.lookup("/things/").payload is None

    link.restore()
    assert cache.lookup("/things/").payload is None, "served while the invalidation waits"
    eventually(lambda: not cache._invalidation_pending(), timeout=10)
    assert cached(cache, "/things/", b"after") == b"after"


def test_a_retried_invalidation_reaches_the_redis_of_its_write_whatever_the_cache_is_now(
    settings, link
):
    """The retry runs in a thread of its own, later: it must end the write where the write
    began, even if the process's cache has since changed (to another prefix, or to none)."""
    cache = ReadCache("things")
    cached(cache, "/things/", b"before")
    link.down()
    write(cache)
    written_under = settings.CACHES

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    link.restore()
    eventually(lambda: not caching._pending, timeout=10)

    settings.CACHES = written_under
    assert cached(cache, "/things/", b"after") == b"after"
    assert cached(cache, "/things/", b"later") == b"after", "cached again once it ended"


def test_a_cache_of_this_process_alone_caches_nothing(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache = ReadCache("things")

    cached(cache, "/things/", b"first")

    assert cached(cache, "/things/", b"second") == b"second"


def test_a_generation_expires_unless_written_and_losing_it_only_makes_entries_stale(cache):
    cached(cache, "/things/", b"before")
    client = caching._client()
    generation = cache._generation_key

    assert 0 < client.ttl(generation) <= caching.GENERATION_SECONDS, "nothing is kept for ever"
    client.expire(generation, 5)
    write(cache)
    assert client.ttl(generation) > 5, "a write keeps the generation another day"
    assert cached(cache, "/things/", b"after the write") == b"after the write"
    client.delete(generation)  # expired, evicted, or Redis restarted
    assert cached(cache, "/things/", b"after the loss") == b"after the loss"


def test_a_read_cache_keeps_at_most_its_bound_of_entries_whatever_the_writes(settings):
    settings.CACHES = redis_cache(REDIS)
    prefix = settings.CACHES["default"]["KEY_PREFIX"]
    bounded = ReadCache("searches", max_entries=5)
    client = caches["default"]._cache.get_client(write=True)
    try:
        for number in range(5 + 100):
            if number == 50:
                write(bounded)  # deletes the entries it made stale, and their places
            assert cached(bounded, f"/things/?search={number}", b"state") == b"state"
        entries = list(client.scan_iter(f"{prefix}:*:searches:entry:*"))

        assert len(entries) == 5
        assert cached(bounded, "/things/?search=51", b"new") == b"state"  # stored after the write
        assert cached(bounded, "/things/?search=0", b"new") == b"new"  # stale, then deleted
    finally:
        forget(settings.CACHES)
