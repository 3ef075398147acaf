"""Handle the events this service subscribes to until stopped (SIGTERM or Ctrl-C).

A stop lets the event being handled finish, so nothing is left half done.
"""

import signal
import threading

from django.conf import settings
from django.core.management.base import CommandError

from chassis.events.consumer import Consumer
from chassis.management import ProcessCommand


class Command(ProcessCommand):
    help = __doc__.splitlines()[0]

    def handle(self, *args: object, **options: object) -> None:
        if not settings.EVENTS["BROKER_URL"]:
            raise CommandError("Set BROKER_URL to the RabbitMQ URL events are consumed from.")
        stop = threading.Event()
        for signal_number in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signal_number, lambda *_: stop.set())
        Consumer(stop).run()
