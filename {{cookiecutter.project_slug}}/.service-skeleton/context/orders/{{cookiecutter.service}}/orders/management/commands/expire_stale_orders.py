"""Expire the orders left pending longer than ORDERS_PENDING_MINUTES: by hand, from cron, or on
the schedule of orders/schedules.py, which runs this command."""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand

from orders.application.orders import ExpireStaleOrders, handle_expire_stale_orders
from orders.infrastructure.unit_of_work import DjangoOrdersUnitOfWork

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = __doc__.splitlines()[0]

    def handle(self, *args: object, **options: object) -> None:
        command = ExpireStaleOrders(pending_for=timedelta(minutes=settings.ORDERS_PENDING_MINUTES))
        expired = handle_expire_stale_orders(command, DjangoOrdersUnitOfWork())
        if expired:
            logger.info(
                "Expired %d orders left pending: %s", len(expired), ", ".join(map(str, expired))
            )
        self.stdout.write(f"Expired {len(expired)} orders.")
