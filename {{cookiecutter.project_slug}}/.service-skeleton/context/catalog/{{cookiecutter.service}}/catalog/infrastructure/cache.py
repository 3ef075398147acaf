"""The catalog's cached reads: rendered product pages, stale once any write commits (see chassis.caching)."""

from chassis.caching import ReadCache

# Prices, names, stock and sale status all show in listings: any write makes them stale.
LISTINGS = ReadCache("listings")
