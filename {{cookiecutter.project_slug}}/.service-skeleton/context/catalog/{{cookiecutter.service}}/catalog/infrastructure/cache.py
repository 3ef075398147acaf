"""The catalog's cached reads: rendered product pages, stale once any write commits (see chassis.caching)."""

from chassis.caching import ReadCache

# Prices, names, stock and sale status all show in listings: any write makes them stale.
# Browsing (a product, or the catalog page by page in one of its orders) has few distinct
# pages; a search or a filter has as many as callers care to type, so searches have a cache
# of their own, with a small bound: they never crowd browsing out of Redis.
LISTINGS = ReadCache("listings")
SEARCHES = ReadCache("searches", max_entries=1_000)
# Query parameters that keep a request to browsing.
BROWSING_PARAMETERS = frozenset({"page", "ordering"})


def read_cache_for(parameters: set[str]) -> ReadCache:
    """Where a read with these query parameters is cached."""
    return LISTINGS if parameters <= BROWSING_PARAMETERS else SEARCHES
