"""Settings of the orders service.

Everything every service shares comes from the chassis (see
``chassis.settings`` for the environment variables it reads); this module adds
only what is special about orders: how long an order may wait for the catalog
{%- if cookiecutter.use_django_q == "yes" %}, and the Django Q
cluster that expires the orders left waiting longer{% endif %}.
"""

from pathlib import Path

import environ
{% if cookiecutter.use_django_q == "yes" %}
from chassis.schedules import django_q_settings
{%- endif %}
from chassis.settings import service_settings

BASE_DIR = Path(__file__).resolve().parent.parent

globals().update(
    service_settings(
        name="orders",
        base_dir=BASE_DIR,
{%- if cookiecutter.use_django_q == "yes" %}
        apps=["orders", "django_q"],
{%- else %}
        apps=["orders"],
{%- endif %}
    ),
)
{%- if cookiecutter.use_django_q == "yes" %}
globals().update(django_q_settings(name="orders"))
{%- endif %}

env = environ.Env()

# Minutes an order may stay pending, waiting for the catalog's answer, before
# it expires (and the stock the catalog may have reserved is released).
ORDERS_PENDING_MINUTES = env.int("ORDERS_PENDING_MINUTES", default=30)
