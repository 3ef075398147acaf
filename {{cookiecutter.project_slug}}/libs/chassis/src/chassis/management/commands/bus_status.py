"""Print, as one JSON object, what of this service's events is not done yet.

    python manage.py bus_status

``outbox``: the events committed but not yet published, and how long the oldest has waited.
``queue`` (a service that subscribes to events; else null): the events waiting in its queue,
waiting out a retry, and parked in its dead-letter queue, and its consumers. All zero is a
bus at rest: what `make load` reads once the load is over, and what an operator reads when
events seem stuck.
"""

from __future__ import annotations

import json

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from chassis.events.status import outbox_status, queue_depths


class Command(BaseCommand):
    help = __doc__.splitlines()[0]

    def handle(self, *args: object, **options: object) -> None:
        try:
            queue = queue_depths()
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from error
        self.stdout.write(json.dumps({"outbox": outbox_status(), "queue": queue}))
