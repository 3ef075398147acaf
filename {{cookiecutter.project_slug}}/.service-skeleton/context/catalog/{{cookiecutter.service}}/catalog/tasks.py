"""The catalog's Celery tasks."""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings

from catalog.application.products import handle_find_listings
from catalog.domain.products import ListingSearch
from catalog.infrastructure.repositories import DjangoListingReader

logger = logging.getLogger(__name__)

# A log line is no place for a whole catalog.
REPORTED_AT_MOST = 50

# What Celery beat runs, and how often (see chassis.tasks).
SCHEDULE = {
    "report-low-stock": {
        "task": "catalog.tasks.report_low_stock",
        "schedule": settings.CATALOG_LOW_STOCK_REPORT_SECONDS,
    },
}


@shared_task
def report_low_stock() -> list[str]:
    """Log the active products running low, for whoever restocks; the SKUs reported.

    Celery beat runs it on the SCHEDULE above.
    """
    search = ListingSearch(active=True, max_available=settings.CATALOG_LOW_STOCK_THRESHOLD)
    running_low = handle_find_listings(search, DjangoListingReader())[:REPORTED_AT_MOST]
    if not running_low:
        logger.info("No product is low on stock.")
        return []
    logger.warning(
        "Low on stock: %s",
        ", ".join(f"{listing.product.sku} ({listing.available} left)" for listing in running_low),
    )
    return [listing.product.sku for listing in running_low]
