"""Orders' settings: the chassis's (see chassis.settings), then what only orders has."""

from pathlib import Path

import environ

from chassis.settings import service_settings

globals().update(service_settings(base_dir=Path(__file__).resolve().parent.parent))

env = environ.Env()

# Minutes an order may stay pending, waiting for the catalog's answer, before
# it expires (and the stock the catalog may have reserved is released).
ORDERS_PENDING_MINUTES = env.int("ORDERS_PENDING_MINUTES", default=30)
