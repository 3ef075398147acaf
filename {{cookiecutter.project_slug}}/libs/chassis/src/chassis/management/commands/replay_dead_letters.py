"""Hand the events parked in this service's dead-letter queue back to its queue, for another try.

    python manage.py replay_dead_letters             # every parked event
    python manage.py replay_dead_letters --limit 10  # the ten parked first

Run it once the cause of their failure (each one's ``x-error`` header says it)
is put right. Each event goes back with its attempts counted from the start,
and leaves the dead-letter queue only once the broker has confirmed it is in
the service's queue again: a replay cut short loses nothing, and at worst hands
an event back twice, which the consumer's inbox absorbs.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from chassis.events import broker
from chassis.events.consumer import ATTEMPT_HEADER, persistent_copy

# What failing wrote on an event (the consumer's count and errors, the broker's x-death
# records): a replayed event starts afresh.
FAILURE_HEADERS = (ATTEMPT_HEADER, "x-attempts", "x-error", "x-last-error")
DEAD_LETTERING_HEADERS = ("x-death", "x-first-death-", "x-last-death-")


class Command(BaseCommand):
    help = __doc__.splitlines()[0]

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--limit", type=int, default=None, help="replay at most this many")

    def handle(self, *args: object, limit: int | None, **options: object) -> None:
        if not settings.EVENTS["BROKER_URL"]:
            raise CommandError("Set BROKER_URL to the RabbitMQ URL events are consumed from.")
        topology = broker.Topology.from_settings()
        channel = broker.connection().channel()
        channel.confirm_delivery()
        replayed = 0
        while limit is None or replayed < limit:
            method, properties, body = channel.basic_get(topology.dead_letter_queue)
            if method is None:
                break
            headers = {
                name: value
                for name, value in (properties.headers or {}).items()
                if name not in FAILURE_HEADERS and not name.startswith(DEAD_LETTERING_HEADERS)
            }
            # Confirmed (or raising) before the parked copy is acknowledged.
            channel.basic_publish(
                topology.redelivery_exchange,
                topology.queue,
                body,
                persistent_copy(properties, headers),
                mandatory=True,
            )
            channel.basic_ack(method.delivery_tag)
            replayed += 1
        broker.close()
        self.stdout.write(f"Handed {replayed} events back to {topology.queue}.")
