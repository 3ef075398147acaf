"""Publish this service's outbox to the events exchange until stopped (SIGTERM or Ctrl-C)."""

import signal
import threading

from django.conf import settings
from django.core.management.base import CommandError

from chassis.events.relay import Relay
from chassis.management import ProcessCommand


class Command(ProcessCommand):
    help = __doc__

    def handle(self, *args: object, **options: object) -> None:
        if not settings.EVENTS["BROKER_URL"]:
            raise CommandError("Set BROKER_URL to the RabbitMQ URL events are published to.")
        stop = threading.Event()
        for signal_number in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signal_number, lambda *_: stop.set())
        Relay(stop).run()
