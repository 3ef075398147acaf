"""Cached listings: product reads served from Redis, made stale by every committed write.

Every key carries a generation number; a write moves to the next generation,
which makes every cached read stale at once (list pages with any filter
included) without finding them. The cache only ever speeds reads up: when
Redis is down, reads go to the database and writes still commit.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Sequence
from typing import TypeVar, overload
from uuid import UUID

from django.core.cache import caches

from catalog.domain.products import Listing, ListingSearch
from catalog.infrastructure.repositories import ListingReader

logger = logging.getLogger(__name__)

T = TypeVar("T")
GENERATION_KEY = "listings:generation"
# Bounds how stale a read can be if an invalidation is lost while Redis is away.
TIMEOUT_SECONDS = 300


class ListingCache:
    """One per request: it reads the generation once, however many listings the request reads."""

    def __init__(self) -> None:
        self._generation: int | None = None

    def remember(self, key: str, compute: Callable[[], T]) -> T:
        """The cached value for `key`, or `compute()`'s, which is then cached."""
        cache = caches["default"]
        try:
            if self._generation is None:
                self._generation = cache.get_or_set(GENERATION_KEY, 1, timeout=None)
            generation_key = f"listings:{self._generation}:{key}"
            cached = cache.get(generation_key)
        except Exception as error:  # the cache must never break a read
            logger.warning("Listing cache unavailable, reading the database: %s", error)
            return compute()
        if cached is not None:
            return cached
        value = compute()
        try:
            cache.set(generation_key, value, timeout=TIMEOUT_SECONDS)
        except Exception as error:
            logger.warning("Listing cache unavailable, not caching: %s", error)
        return value

    def invalidate(self) -> None:
        """Make every cached listing stale."""
        cache = caches["default"]
        try:
            cache.incr(GENERATION_KEY)
        except ValueError:  # no generation yet: nothing is cached either
            cache.add(GENERATION_KEY, 1, timeout=None)
        except Exception as error:
            logger.warning("Listing cache unavailable, could not invalidate: %s", error)


class CachedListingReader:
    """A :class:`ListingReader` that answers from :class:`ListingCache` when it can."""

    def __init__(self, reader: ListingReader, cache: ListingCache) -> None:
        self._reader = reader
        self._cache = cache

    def find(self, search: ListingSearch) -> Sequence[Listing]:
        key = hashlib.sha256(repr(search).encode()).hexdigest()[:32]
        return _CachedListings(lambda: self._reader.find(search), self._cache, key)

    def get(self, product_id: UUID) -> Listing:
        return self._cache.remember(f"product:{product_id}", lambda: self._reader.get(product_id))


class _CachedListings(Sequence[Listing]):
    """Counts and pages of one search, each cached on its own, so that pagination stays cheap."""

    def __init__(
        self, listings: Callable[[], Sequence[Listing]], cache: ListingCache, key: str
    ) -> None:
        self._listings = listings
        self._cache = cache
        self._key = key

    def __len__(self) -> int:
        return self._cache.remember(f"count:{self._key}", lambda: len(self._listings()))

    @overload
    def __getitem__(self, index: int) -> Listing: ...
    @overload
    def __getitem__(self, index: slice) -> list[Listing]: ...
    def __getitem__(self, index: int | slice) -> Listing | list[Listing]:
        if isinstance(index, int):
            return self._listings()[index]
        window = f"page:{self._key}:{index.start}:{index.stop}:{index.step}"
        return self._cache.remember(window, lambda: list(self._listings()[index]))
