"""What of this service's events is not done yet: read from its database and its queues, by
`manage.py bus_status` and by each scrape of /metrics (chassis.metrics)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Count, Min
from django.utils import timezone

from chassis.events import subscribers
from chassis.events.broker import Topology
from chassis.models import OutboxMessage
from chassis.queues import queue_statuses


def outbox_status() -> dict[str, float | int | None]:
    """The events committed but not yet published, and how long the oldest has waited."""
    unsent = OutboxMessage.objects.filter(sent_at=None).aggregate(
        count=Count("sequence"), oldest=Min("created_at")
    )
    oldest = unsent["oldest"]
    return {
        "unsent": unsent["count"],
        "oldest_unsent_seconds": None
        if oldest is None
        else round((timezone.now() - oldest).total_seconds(), 3),
    }


def queue_depths() -> dict[str, str | int] | None:
    """The events waiting in the service's queue, waiting out a retry and parked in its
    dead-letter queue, and its consumers; None for a service that subscribes to nothing."""
    if not subscribers.handlers():
        return None
    if not (url := settings.EVENTS["BROKER_URL"]):
        raise ImproperlyConfigured("Set BROKER_URL to the RabbitMQ URL events are consumed from.")
    topology = Topology.from_settings()
    retries = [
        topology.retry_queue(attempt) for attempt in range(1, len(topology.retry_delays) + 1)
    ]
    queue, dead_letters, *retrying = queue_statuses(
        url, [topology.queue, topology.dead_letter_queue, *retries]
    )
    return {
        "name": topology.queue,
        "waiting": queue.message_count,
        "consumers": queue.consumer_count,
        "retrying": sum(status.message_count for status in retrying),
        "dead_letters": dead_letters.message_count,
    }
