"""Handle the events this service subscribes to until stopped (SIGTERM or Ctrl-C).

A stop lets the event being handled finish, so nothing is left half done.
"""

from chassis.events.consumer import Consumer
from chassis.management import ProcessCommand, run_events_roles


class Command(ProcessCommand):
    help = __doc__.splitlines()[0]

    def handle(self, *args: object, **options: object) -> None:
        run_events_roles(Consumer)
