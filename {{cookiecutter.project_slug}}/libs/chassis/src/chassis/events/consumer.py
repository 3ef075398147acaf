"""The consumer: handles this service's events exactly once in effect, and never loses one.

Each event is handled inside a transaction that also records it in the inbox;
the message is acknowledged only after that transaction commits. A redelivered
event finds itself in the inbox and is acknowledged without running again.

The messages already delivered when the consumer turns to them are handled in
one transaction: its commit (a disk flush) is what bounds a consumer, and
sharing it is what lets one keep up with thousands of events a second. If a
handler fails, that transaction is rolled back and its events are handled
again one transaction each, so that one bad event holds back no other. This is
why handlers change nothing but the database; anything else they cause (an
e-mail, a call) goes through ``transaction.on_commit``.

A handler that fails sends the event to a retry queue, which hands it back
after its delay (each retry waits longer); after the last retry the event is
parked in the service's dead-letter queue with the error, for a person to look
at. An event whose ``source`` is not the service that publishes its type (see
chassis.broker_access) is parked at once, unhandled. A database outage is not
the events' fault: the consumer holds the deliveries it has (unacknowledged,
so the broker keeps them for it), takes no more, and waits with growing pauses
until the database answers, then handles them. Returning them to the queue
instead would count a delivery each time against the queue's delivery limit,
and a long outage would dead-letter them.

Every ``UPKEEP_SECONDS`` the consumer forgets the inbox rows older than
``INBOX_RETENTION_DAYS`` (an event comes again within seconds of its first
delivery, when it comes again at all: a relay or a consumer died between two
steps), and while events wait in the dead-letter queue it says so in an error
line, until someone puts their cause right and hands them back with
``manage.py replay_dead_letters``.
"""

from __future__ import annotations

import logging
import threading
import time
import traceback
from datetime import datetime, timedelta
from functools import partial
from uuid import UUID

import pika
from django.conf import settings
from django.db import (
    InterfaceError,
    OperationalError,
    close_old_connections,
    connection,
    transaction,
)
from django.utils import timezone
from django_guid import clear_guid, set_guid
from pika.adapters.blocking_connection import BlockingChannel

from chassis import broker_access, metrics, tracing
from chassis.events import broker
from chassis.events.envelope import Event, InvalidEvent
from chassis.events.relay import Backoff
from chassis.events.subscribers import handlers
from chassis.heartbeat import beat
from chassis.models import InboxMessage
from chassis.persistence import forget_some

logger = logging.getLogger(__name__)

ATTEMPT_HEADER = "x-attempt"

# The database went away: not the events' fault, so they go back to the queue.
DATABASE_OUTAGE = (OperationalError, InterfaceError)

Delivery = tuple[pika.spec.Basic.Deliver, pika.BasicProperties, bytes]
# Inbox rows forgotten per upkeep, at most.
PRUNE_BATCH = 10_000


class Consumer:
    def __init__(self, stop: threading.Event) -> None:
        self.stop = stop
        self.topology = broker.Topology.from_settings()
        self.handlers = handlers()
        self.prefetch = settings.EVENTS["PREFETCH"]
        self.backoff = Backoff()
        self.upkeep_seconds = settings.EVENTS["UPKEEP_SECONDS"]
        self.inbox_retention = timedelta(days=settings.EVENTS["INBOX_RETENTION_DAYS"])
        self.upkeep_due = 0.0
        self.consumed = {
            outcome: metrics.EVENTS_CONSUMED.labels(metrics.service(), outcome)
            for outcome in ("handled", "duplicate", "retried", "parked")
        }

    def run(self) -> None:
        """Consume until stopped, surviving broker and database outages."""
        logger.info("Consuming %s", ", ".join(sorted(self.handlers)) or "nothing yet")
        while not self.stop.is_set():
            try:
                self._consume()
            except (pika.exceptions.AMQPError, OSError) as error:
                logger.warning("Consumer lost the broker, reconnecting: %s", error)
            finally:
                broker.close()
                close_old_connections()
            self.stop.wait(self.backoff.pause())

    def _consume(self) -> None:
        channel = broker.connection().channel()
        # Retries and dead letters are published with confirms before the original is acknowledged.
        channel.confirm_delivery()
        self.topology.declare_queues(channel, sorted(self.handlers))
        channel.basic_qos(prefetch_count=self.prefetch)
        self.backoff.reset()
        deliveries = channel.consume(self.topology.queue, inactivity_timeout=0.5)
        for method, properties, body in deliveries:
            beat("consumer")
            if self.stop.is_set():
                break
            self._upkeep_when_due(channel)
            if method is None:
                continue
            batch: list[Delivery] = [(method, properties, body)]
            channel.connection.process_data_events(time_limit=0)
            while channel.get_waiting_message_count():
                batch.append(next(deliveries))
            self._handle(channel, batch)
        channel.cancel()

    def _upkeep_when_due(self, channel: BlockingChannel) -> None:
        if time.monotonic() < self.upkeep_due:
            return
        self.upkeep_due = time.monotonic() + self.upkeep_seconds
        try:
            _forget_inbox_rows(handled_before=timezone.now() - self.inbox_retention)
        except DATABASE_OUTAGE as error:
            logger.warning("Database unavailable, the inbox is pruned later: %s", error)
        queue = self.topology.dead_letter_queue
        if parked := channel.queue_declare(queue, passive=True).method.message_count:
            logger.error(
                "%d events wait in %s: read each one's x-error, put its cause right, then hand "
                "them back with `manage.py replay_dead_letters`",
                parked,
                queue,
            )

    def _handle(self, channel: BlockingChannel, batch: list[Delivery]) -> None:
        """Handle a batch of deliveries, then acknowledge all of them at once."""
        received: list[tuple[Event, pika.BasicProperties, bytes]] = []
        for _method, properties, body in batch:
            try:
                event = Event.from_json(body)
            except InvalidEvent as error:
                self._park(channel, body, properties, attempts=1, error=str(error))
                continue
            if (forged := _forged(event)) is not None:
                logger.error(forged)
                self._park(channel, body, properties, attempts=1, error=forged)
                continue
            received.append((event, properties, body))
        while True:
            try:
                self._apply_batch(channel, received)
                break
            except DATABASE_OUTAGE as error:
                logger.warning(
                    "Database unavailable, holding %d events until it is back: %s",
                    len(received),
                    error,
                )
                if not self._wait_for_the_database(channel):
                    # Stopping: closing the channel gives the deliveries back to the queue.
                    return
        channel.basic_ack(batch[-1][0].delivery_tag, multiple=True)

    def _apply_batch(
        self, channel: BlockingChannel, received: list[tuple[Event, pika.BasicProperties, bytes]]
    ) -> None:
        try:
            self._apply([event for event, _, _ in received])
        except DATABASE_OUTAGE:
            raise
        except Exception as error:
            if len(received) == 1:
                self._retry_or_park(channel, *received[0], error)
            else:
                self._apply_one_by_one(channel, received)

    def _wait_for_the_database(self, channel: BlockingChannel) -> bool:
        """Pause until the database answers again (True), or until asked to stop (False)."""
        while not self.stop.is_set():
            connection.close()
            self._pause(channel, self.backoff.pause())
            try:
                connection.ensure_connection()
            except DATABASE_OUTAGE:
                continue
            self.backoff.reset()
            return True
        return False

    def _pause(self, channel: BlockingChannel, seconds: float) -> None:
        """Wait `seconds`, or less if asked to stop, answering the broker's heartbeats meanwhile."""
        deadline = time.monotonic() + seconds
        while not self.stop.is_set() and (left := deadline - time.monotonic()) > 0:
            beat("consumer")  # waiting for the database is what it should be doing
            channel.connection.sleep(min(left, 0.2))

    def _apply_one_by_one(
        self, channel: BlockingChannel, received: list[tuple[Event, pika.BasicProperties, bytes]]
    ) -> None:
        for event, properties, body in received:
            try:
                self._apply([event])
            except DATABASE_OUTAGE:
                raise
            except Exception as error:
                self._retry_or_park(channel, event, properties, body, error)

    def _apply(self, events: list[Event]) -> None:
        """Run the handlers of `events` that are not in the inbox yet, in one transaction."""
        outside = tracing.current()
        duplicates = 0
        with transaction.atomic():
            first_time = _record_in_inbox(events)
            for event in events:
                if event.id not in first_time:
                    logger.info("Skipping %s %s: handled already", event.type, event.id)
                    duplicates += 1
                    continue
                first_time.discard(event.id)  # the same event twice in one batch
                correlation_id = event.correlationid or event.id
                set_guid(correlation_id)
                with tracing.processing_event(
                    event.type, event.id, self.topology.exchange, event.trace_context
                ) as trace_context:
                    # What a handler leaves for after the commit (a task, an e-mail) runs
                    # under its event's correlation id and in its event's trace too.
                    transaction.on_commit(partial(_resume, correlation_id, trace_context))
                    try:
                        for handler in self.handlers.get(event.type, []):
                            handler(event)
                    finally:
                        clear_guid()
            transaction.on_commit(partial(_resume, None, outside))
        self.consumed["handled"].inc(len(events) - duplicates)
        self.consumed["duplicate"].inc(duplicates)

    def _retry_or_park(
        self,
        channel: BlockingChannel,
        event: Event,
        properties: pika.BasicProperties,
        body: bytes,
        error: Exception,
    ) -> None:
        attempt = int((properties.headers or {}).get(ATTEMPT_HEADER, 1))
        logger.warning(
            "Handling %s %s failed (attempt %d): %s", event.type, event.id, attempt, error
        )
        if attempt > len(self.topology.retry_delays):
            self._park(channel, body, properties, attempts=attempt, error=_describe(error))
            return
        headers = {
            **(properties.headers or {}),
            ATTEMPT_HEADER: attempt + 1,
            "x-last-error": str(error)[:500],
        }
        channel.basic_publish(
            self.topology.redelivery_exchange,
            self.topology.retry_queue(attempt),
            body,
            persistent_copy(properties, headers),
            mandatory=True,
        )
        self.consumed["retried"].inc()

    def _park(
        self,
        channel: BlockingChannel,
        body: bytes,
        properties: pika.BasicProperties,
        attempts: int,
        error: str,
    ) -> None:
        logger.error(
            "Parking a message in %s after %d attempts: %s",
            self.topology.dead_letter_queue,
            attempts,
            error,
        )
        headers = {**(properties.headers or {}), "x-attempts": attempts, "x-error": error[-2000:]}
        channel.basic_publish(
            self.topology.redelivery_exchange,
            self.topology.dead_letter_queue,
            body,
            persistent_copy(properties, headers),
            mandatory=True,
        )
        self.consumed["parked"].inc()


def _resume(correlation_id: str | None, trace_context: tracing.Context | None) -> None:
    if correlation_id:
        set_guid(correlation_id)
    else:
        clear_guid()
    tracing.resume(trace_context)


def _forged(event: Event) -> str | None:
    """Why `event` is not to be believed, if it is not: its source is not the service that
    publishes its type. The broker lets only that service publish the type's routing key, but
    an event's body is what handlers read, and a stolen key must not make it true."""
    publisher = broker_access.publisher_of(event.type)
    if event.source == broker_access.source(publisher):
        return None
    return (
        f"Refusing {event.type} {event.id}: it claims to come from {event.source!r}, but only"
        f" {publisher} publishes it ({broker_access.source(publisher)!r})"
    )


def _forget_inbox_rows(*, handled_before: datetime) -> None:
    # Bounded batches: a first prune of a long-grown inbox never holds the consumer long.
    forget_some(InboxMessage.objects.filter(handled_at__lt=handled_before), PRUNE_BATCH)


def _record_in_inbox(events: list[Event]) -> set[str]:
    """Record `events` in the inbox; the ids of those that were not there yet.

    One statement for the whole batch, and safe against another consumer
    recording the same event at the same moment (the later one waits for the
    earlier one's commit, then finds the event there).
    """
    if not events:
        return set()
    inbox = InboxMessage._meta
    columns = [inbox.get_field(name) for name in ("event_id", "event_type", "handled_at")]
    now = timezone.now()
    values = [
        column.get_db_prep_value(value, connection)
        for event in events
        for column, value in zip(columns, (UUID(event.id), event.type, now), strict=True)
    ]
    rows = ", ".join(["(%s, %s, %s)"] * len(events))
    table = connection.ops.quote_name(inbox.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (event_id, event_type, handled_at) VALUES {rows}"  # noqa: S608 - our own table and placeholders
            " ON CONFLICT (event_id) DO NOTHING RETURNING event_id",
            values,
        )
        return {str(columns[0].to_python(event_id)) for (event_id,) in cursor.fetchall()}


def persistent_copy(
    properties: pika.BasicProperties, headers: dict[str, object]
) -> pika.BasicProperties:
    """A message's properties, persistent, with `headers` instead of its own."""
    return pika.BasicProperties(
        content_type=properties.content_type,
        delivery_mode=pika.DeliveryMode.Persistent,
        message_id=properties.message_id,
        type=properties.type,
        headers=headers,
    )


def _describe(error: Exception) -> str:
    return "".join(traceback.format_exception_only(type(error), error)).strip()
