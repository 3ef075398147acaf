"""Settings of the catalog service.

Everything every service shares comes from the chassis (see
``chassis.settings`` for the environment variables it reads); this module adds
only what is special about catalog
{%- if cookiecutter.use_celery == "yes" %}: its periodic low-stock report{% endif %}.
"""

from pathlib import Path
{%- if cookiecutter.use_celery == "yes" %}

import environ
{%- endif %}

from chassis.settings import service_settings
{%- if cookiecutter.use_celery == "yes" %}
from chassis.tasks import celery_settings
{%- endif %}

BASE_DIR = Path(__file__).resolve().parent.parent

globals().update(
    service_settings(
        name="catalog",
        base_dir=BASE_DIR,
        apps=["catalog"],
    ),
)
{%- if cookiecutter.use_celery == "yes" %}
globals().update(celery_settings(name="catalog"))

env = environ.Env()

# Active products with this many or fewer left to order are reported as running low.
CATALOG_LOW_STOCK_THRESHOLD = env.int("CATALOG_LOW_STOCK_THRESHOLD", default=5)

CELERY_BEAT_SCHEDULE = {
    "report-low-stock": {
        "task": "catalog.tasks.report_low_stock",
        "schedule": env.float("CATALOG_LOW_STOCK_REPORT_SECONDS", default=60 * 60),
    },
}
{%- endif %}
