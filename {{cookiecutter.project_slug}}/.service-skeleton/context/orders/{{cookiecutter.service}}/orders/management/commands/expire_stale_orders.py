"""Expire the orders left pending longer than ORDERS_PENDING_MINUTES."""

from django.core.management.base import BaseCommand

from orders.tasks import expire_stale_orders


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args: object, **options: object) -> None:
        self.stdout.write(f"Expired {expire_stale_orders()} orders.")
