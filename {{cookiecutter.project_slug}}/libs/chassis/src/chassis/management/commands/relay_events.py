"""Publish this service's outbox to the events exchange until stopped (SIGTERM or Ctrl-C)."""

from argparse import ArgumentParser

from chassis.events.consumer import Consumer
from chassis.events.relay import Relay
from chassis.management import ProcessCommand, run_events_roles


class Command(ProcessCommand):
    help = __doc__

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--consume",
            action="store_true",
            help=(
                "Also handle the events the service subscribes to, in a thread of this process, "
                "as consume_events would: a native run starts one process fewer. Compose and "
                "Kubernetes run consume_events apart, to scale and restart it alone."
            ),
        )

    def handle(self, *args: object, consume: bool = False, **options: object) -> None:
        run_events_roles(Relay, *([Consumer] if consume else []))
