{%- if cookiecutter.use_celery == "yes" -%}
# Active products with this many or fewer left to order are reported as running low.
CATALOG_LOW_STOCK_THRESHOLD = env.int("CATALOG_LOW_STOCK_THRESHOLD", default=5)

CELERY_BEAT_SCHEDULE = {
    "report-low-stock": {
        "task": "catalog.tasks.report_low_stock",
        "schedule": env.float("CATALOG_LOW_STOCK_REPORT_SECONDS", default=60 * 60),
    },
}
{%- endif %}
