"""Orders' scheduled work.
{%- if cookiecutter.use_django_q == "yes" %}

Django Q runs it on the schedule the migration
``0002_schedule_expire_stale_orders`` made (editable in the admin); ``manage.py
expire_stale_orders`` runs it by hand.
{%- else %}

``manage.py expire_stale_orders`` runs it: from cron, or a Kubernetes CronJob,
every minute or so.
{%- endif %}
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings

from orders.application.orders import ExpireStaleOrders, handle_expire_stale_orders
from orders.infrastructure.unit_of_work import DjangoOrdersUnitOfWork

logger = logging.getLogger(__name__)


def expire_stale_orders() -> int:
    """Expire the orders pending for longer than ``ORDERS_PENDING_MINUTES``; how many."""
    command = ExpireStaleOrders(pending_for=timedelta(minutes=settings.ORDERS_PENDING_MINUTES))
    expired = handle_expire_stale_orders(command, DjangoOrdersUnitOfWork())
    if expired:
        logger.info(
            "Expired %d orders left pending: %s", len(expired), ", ".join(map(str, expired))
        )
    return len(expired)
