"""The catalog's settings: the chassis's (see chassis.settings), then what only the catalog has."""

from pathlib import Path

import environ

from chassis.settings import service_settings

globals().update(service_settings(base_dir=Path(__file__).resolve().parent.parent))

env = environ.Env()

# Active products with this many or fewer left to order are reported as running low.
CATALOG_LOW_STOCK_THRESHOLD = env.int("CATALOG_LOW_STOCK_THRESHOLD", default=5)
CATALOG_LOW_STOCK_REPORT_SECONDS = env.float("CATALOG_LOW_STOCK_REPORT_SECONDS", default=60 * 60)
