"""Rendered reads kept in Redis, which a committed write makes stale for every process at once.

A :class:`ReadCache` holds responses as the bytes they are sent as, so that a
hit costs one Redis round trip and no serialisation. It is a namespace of
entries sharing one *generation* number: an entry is valid only while the
generation it was stored under is current, so one write makes every entry
stale (list pages with any filter included) without finding them.

A view answers with :func:`cached_json`; a write calls
:meth:`ReadCache.stale_on_commit` inside its transaction (the chassis's unit
of work does, for the caches a service names in ``stale_on_commit``). What is
promised: once the transaction has committed, no read anywhere returns what
was cached before it. Three steps make that true whatever the timing:

1. Before the commit, the generation moves on (old entries are stale) and the
   write is registered as in progress, with a lease.
2. While any write is in progress, nothing is stored: a reader that read the
   database before the commit cannot put that old state back.
3. After the commit, the generation moves on again and the write is
   unregistered; what readers store from then on was read after the commit.

A write whose transaction rolls back leaves its registration to expire with
its lease (reads meanwhile go to the database; they stay correct, only
slower). If Redis cannot be reached for step 3, the process retries it in the
background until it succeeds, and reads no entry meanwhile.

A read cache keeps at most ``max_entries`` entries at a time: its keys are
URLs, which anyone may vary without end (a new search text, a parameter no view
reads), so past the bound a miss is answered from the database and not stored,
until entries expire or a write (step 3) deletes them all, being stale.

Redis holds only JSON and bytes: Django's cache is given :class:`JSONSerializer`
instead of its own, which unpickles what it reads (whoever could write a key
would run code in every process that reads it).

The cache only ever speeds reads up: when Redis is away, reads go to the
database and writes still commit. It needs a cache every process shares: with
Django's per-process memory cache (no ``REDIS_URL``) a write in one process
could not make another's entries stale, so nothing is cached.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import redis
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import transaction
from django.http import HttpResponse
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request

from chassis.metrics import CACHE_LOOKUPS

logger = logging.getLogger(__name__)

# Bounds how long an entry lives if no write ever comes.
TIMEOUT_SECONDS = 300
# Entries a read cache keeps at a time, unless it says otherwise.
MAX_ENTRIES = 10_000
# Longer than any transaction of a write lasts between steps 1 and 3.
WRITE_LEASE_SECONDS = 60
# A generation no write has moved for a day expires (its entries expired long before), so
# that nothing is kept for ever; it starts again from Redis's clock, as below.
GENERATION_SECONDS = 86_400

# Generations start from Redis's clock, so that a generation key lost (a Redis
# restart, an eviction) never comes back to a number an old entry carries.
_NEW_GENERATION = f"""
if redis.call('EXISTS', KEYS[1]) == 0 then
  local now = redis.call('TIME')
  redis.call('SET', KEYS[1], now[1] * 1000000 + now[2], 'EX', {GENERATION_SECONDS})
end
"""
_GENERATION = _NEW_GENERATION + "return redis.call('GET', KEYS[1])"
_BEGIN_WRITE = (
    _NEW_GENERATION
    + f"""
local now = tonumber(redis.call('TIME')[1])
redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], {GENERATION_SECONDS})
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[2]), ARGV[1])
redis.call('EXPIRE', KEYS[2], ARGV[2])
"""
)
_DELETE_ENTRIES = """
local stale = redis.call('ZRANGE', {entries}, 0, -1)
for first = 1, #stale, 500 do
  redis.call('UNLINK', unpack(stale, first, math.min(first + 499, #stale)))
end
redis.call('UNLINK', {entries})
"""
# Every entry stored so far is stale now: deleted, so that it takes neither memory nor a place
# under the bound (KEYS[3], which lists them) until it expires.
_END_WRITE = (
    _NEW_GENERATION
    + f"""
redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], {GENERATION_SECONDS})
redis.call('ZREM', KEYS[2], ARGV[1])
"""
    + _DELETE_ENTRIES.format(entries="KEYS[3]")
)
# What clear() leaves behind is what Redis held before the cache's first read.
_CLEAR = _DELETE_ENTRIES.format(entries="KEYS[2]") + "redis.call('UNLINK', KEYS[1])\n"
# KEYS[4] scores each entry stored by when it expires: what it counts is every entry key
# that may still exist, of any generation, so the bound holds however often writes come.
_STORE = (
    _NEW_GENERATION
    + """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
local now = tonumber(redis.call('TIME')[1])
if redis.call('ZCOUNT', KEYS[2], now, '+inf') > 0 then return 0 end
redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', now)
if not redis.call('ZSCORE', KEYS[4], KEYS[3])
   and redis.call('ZCARD', KEYS[4]) >= tonumber(ARGV[4]) then
  return 0
end
redis.call('SET', KEYS[3], ARGV[2], 'EX', ARGV[3])
redis.call('ZADD', KEYS[4], now + tonumber(ARGV[3]), KEYS[3])
redis.call('EXPIRE', KEYS[4], ARGV[3])
return 1
"""
)


@dataclass(frozen=True)
class Lookup:
    """What one round trip found for a key: the entry if valid, and the generation it was read in."""

    key: str
    payload: bytes | None
    generation: bytes | None


class JSONSerializer:
    """Django's RedisCache serializer (``OPTIONS["serializer"]``): JSON, never pickle.

    A value that is not JSON is refused when stored (TypeError), and an entry that is not
    JSON (a pickle planted under the key, say) is refused when read (ValueError), never
    run. Integers are JSON too, so ``cache.incr`` (Redis's INCRBY) still works.
    """

    def dumps(self, value: Any) -> bytes:
        return json.dumps(value, separators=(",", ":")).encode()

    def loads(self, data: bytes) -> Any:
        try:
            return json.loads(data)
        except ValueError as error:  # JSONDecodeError, UnicodeDecodeError
            raise ValueError("A cache entry that is not JSON: not loaded.") from error


class ReadCache:
    def __init__(self, namespace: str, *, max_entries: int = MAX_ENTRIES) -> None:
        self.namespace = namespace
        self.max_entries = max_entries
        self._lookups = {
            outcome: CACHE_LOOKUPS.labels(settings.SERVICE_INFO.name, namespace, outcome)
            for outcome in ("hit", "miss", "unavailable")
        }

    def lookup(self, key: str) -> Lookup:
        """The valid entry for `key`, if any, in one round trip; never raises."""
        lookup = self._lookup(key)
        if lookup.generation is None:
            self._lookups["unavailable"].inc()
        else:
            self._lookups["miss" if lookup.payload is None else "hit"].inc()
        return lookup

    def _lookup(self, key: str) -> Lookup:
        client = _client()
        if client is None or self._invalidation_pending():
            return Lookup(key, None, None)
        try:
            generation, entry = client.mget(self._generation_key, self._entry_key(key))
        except redis.RedisError as error:
            logger.warning("Read cache unavailable, reading the database: %s", error)
            return Lookup(key, None, None)
        if generation is None:  # the first read since Redis started
            try:
                generation = client.register_script(_GENERATION)(keys=[self._generation_key])
            except redis.RedisError:
                return Lookup(key, None, None)
        if entry is not None:
            tag, _, payload = entry.partition(b"\n")
            if tag == generation:
                return Lookup(key, payload, generation)
        return Lookup(key, None, generation)

    def store(self, lookup: Lookup, payload: bytes) -> None:
        """Keep `payload` for the looked-up key, unless a write began since the lookup."""
        client = _client()
        if client is None or lookup.generation is None:
            return
        try:
            client.register_script(_STORE)(
                keys=[
                    self._generation_key,
                    self._writers_key,
                    self._entry_key(lookup.key),
                    self._entries_key,
                ],
                args=[
                    lookup.generation,
                    lookup.generation + b"\n" + payload,
                    TIMEOUT_SECONDS,
                    self.max_entries,
                ],
            )
        except redis.RedisError as error:
            logger.warning("Read cache unavailable, not caching: %s", error)

    def stale_on_commit(self) -> None:
        """Make every entry stale for the transaction in progress (steps 1 to 3 above)."""
        client = _client()
        if client is None:
            return
        token = uuid.uuid4().hex
        try:
            client.register_script(_BEGIN_WRITE)(
                keys=[self._generation_key, self._writers_key], args=[token, WRITE_LEASE_SECONDS]
            )
        except redis.RedisError as error:
            # Step 3 still moves the generation on once Redis answers.
            logger.warning("Read cache unavailable before a commit: %s", error)
        # Step 3 goes to the Redis and the keys step 1 registered the write in, whatever the
        # cache of the thread that runs it (a retry's, or a test's that has swapped it) is.
        end = _EndWrite(
            client,
            (self._generation_key, self._writers_key, self._entries_key),
            token,
        )
        transaction.on_commit(lambda: self._end_write(end))

    def clear(self) -> None:
        """Delete every entry and the generation (for tests, and for tools that remove a
        service's data): the next read starts afresh. A write in progress keeps its
        registration, which goes when it ends."""
        client = _client()
        if client is not None:
            client.register_script(_CLEAR)(keys=[self._generation_key, self._entries_key])

    @staticmethod
    def _end_write(end: _EndWrite) -> None:
        try:
            end()
        except redis.RedisError as error:
            logger.warning("Read cache unavailable after a commit, will retry: %s", error)
            _retry_in_background(end)

    def _invalidation_pending(self) -> bool:
        # Of this cache where it is now: its generation key names its prefix and namespace.
        generation_key = self._generation_key
        with _pending_lock:
            return any(end.generation_key == generation_key for end in _pending)

    @property
    def _generation_key(self) -> str:
        return _make_key(f"{self.namespace}:generation")

    @property
    def _writers_key(self) -> str:
        return _make_key(f"{self.namespace}:writers")

    @property
    def _entries_key(self) -> str:
        return _make_key(f"{self.namespace}:entries")

    def _entry_key(self, key: str) -> str:
        digest = hashlib.sha256(key.encode()).hexdigest()[:32]
        return _make_key(f"{self.namespace}:entry:{digest}")


def cached_json(cache: ReadCache, request: Request, build: Callable[[], Any]) -> HttpResponse:
    """The JSON response to `request` that `build()` makes, from `cache` when it can.

    The whole URL is the key, host and scheme included: pages carry links to
    their neighbours. What `build()` raises (a 400, a 404) is never cached.
    """
    lookup = cache.lookup(request.build_absolute_uri())
    payload = lookup.payload
    if payload is None:
        payload = JSONRenderer().render(build())
        cache.store(lookup, payload)
    return HttpResponse(payload, content_type="application/json")


_clients = threading.local()


def _client() -> redis.Redis | None:
    """A client on Django's own Redis connection pool, if the cache is a shared Redis.

    Django builds a new client object at every call, which costs a cached read
    a fifth of its time; one is kept for each thread's cache backend instead
    (Django's caches are per thread, and a test may swap them).
    """
    cache = caches["default"]
    if not isinstance(cache, RedisCache):
        return None
    if getattr(_clients, "backend", None) is not cache:
        _clients.backend, _clients.client = cache, cache._cache.get_client(write=True)
    return _clients.client


def _make_key(key: str) -> str:
    return caches["default"].make_key(key)


@dataclass(frozen=True)
class _EndWrite:
    """Step 3 of one write, as it was due at the commit."""

    client: redis.Redis
    keys: tuple[str, ...]
    token: str

    @property
    def generation_key(self) -> str:
        return self.keys[0]

    def __call__(self) -> None:
        self.client.register_script(_END_WRITE)(keys=list(self.keys), args=[self.token])


_pending: list[_EndWrite] = []
_pending_lock = threading.Lock()
_retrier: threading.Thread | None = None
RETRY_SECONDS = 1


def _retry_in_background(end: _EndWrite) -> None:
    global _retrier
    with _pending_lock:
        _pending.append(end)
        if _retrier is None or not _retrier.is_alive():
            _retrier = threading.Thread(target=_retry_pending, name="read-cache", daemon=True)
            _retrier.start()


def _retry_pending() -> None:
    while True:
        time.sleep(RETRY_SECONDS)
        with _pending_lock:
            waiting = list(_pending)
        for end in waiting:
            try:
                end()
            except redis.RedisError:
                continue
            with _pending_lock:
                _pending.remove(end)
        with _pending_lock:
            if not _pending:
                return
