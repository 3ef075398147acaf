"""The relay: publishes committed outbox rows, and marks each sent once the broker confirms it.

Publisher confirms are what make "sent" true: a row is marked only when the
broker has taken responsibility for its message. Waiting for each confirm in
turn caps a publisher near a thousand messages a second, so the relay keeps a
window of messages in flight on pika's asynchronous connection and settles
them as confirms arrive (the broker confirms many at once).

Which rows: every row not marked sent and not already in flight, lowest
sequence first. A row's sequence is taken when it is written, not when its
transaction commits, so a row written before one already published can
become visible after it; the relay never assumes that sequences commit in
order, and such a row is published as soon as its commit is seen.

What order is promised: on one connection, rows go out in the order of their
sequences among those committed at the time. Events about one aggregate keep
their order, because the writes that produce them are serialised by the
aggregate's row lock (the second transaction writes its row after the first
committed). Events about different aggregates carry no order between them;
nor does a message the broker refused (nack), which goes out again behind
later ones, nor an event a consumer retries. Consumers are written for that
(see chassis.events.consumer).

A commit wakes the relay at once through PostgreSQL's LISTEN/NOTIFY; it also
polls, in case a notification is missed. Marking rows sent is gathered for
``MARK_SECONDS`` into one update, committed without waiting for the disk: a
mark lost to a crash only publishes its rows again, and leaving the relay's
loop free for the next commit is what keeps latency low at a steady rate.

One relay per service publishes at a time: replicas wait on an advisory lock
held by the active one's listening connection. If the broker or the database goes away, the relay reconnects
with growing pauses; unconfirmed rows are simply published again. The one
moment two relays can publish the same row is a failover (the active relay's
database session ended while its last messages were in flight): consumers
take such a duplicate in their stride, their inbox skips what they have seen.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import timedelta

import pika
import psycopg
from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection
from django.utils import timezone
from pika.adapters.select_connection import SelectConnection
from pika.channel import Channel
from pika.frame import Method
from psycopg import sql

from chassis import metrics, tracing
from chassis.events import broker
from chassis.events.envelope import CONTENT_TYPE, Event
from chassis.events.outbox import NOTIFY_CHANNEL
from chassis.heartbeat import beat
from chassis.models import OutboxMessage

logger = logging.getLogger(__name__)

# Any number will do as long as every relay of this database uses the same one.
ADVISORY_LOCK = 7_071_905
# How long confirmed rows wait to be marked sent together.
MARK_SECONDS = 0.05


class Backoff:
    """Pauses that double from `first` up to `longest` seconds, until a success resets them."""

    def __init__(self, first: float = 1, longest: float = 30) -> None:
        self.first, self.longest, self.next = first, longest, first

    def pause(self) -> float:
        pause, self.next = self.next, min(self.next * 2, self.longest)
        return pause

    def reset(self) -> None:
        self.next = self.first


class Relay:
    def __init__(self, stop: threading.Event) -> None:
        events = settings.EVENTS
        self.stop = stop
        self.topology = broker.Topology.from_settings()
        self.window = events["RELAY_WINDOW"]
        self.poll_seconds = events["RELAY_POLL_SECONDS"]
        self.retention = timedelta(days=events["OUTBOX_RETENTION_DAYS"])
        self.backoff = Backoff()
        self.published = metrics.EVENTS_PUBLISHED.labels(metrics.service())

    def run(self) -> None:
        """Relay until stopped, surviving broker and database outages."""
        while not self.stop.is_set():
            try:
                with self._listener() as listener:
                    if self._wait_for_the_lock(listener):
                        self._relay(listener)
            except (pika.exceptions.AMQPError, psycopg.Error, DatabaseError, OSError) as error:
                logger.warning("Relay interrupted, reconnecting: %s", error)
            except Exception:
                logger.exception("Relay failed, restarting")
            finally:
                close_old_connections()
            self.stop.wait(self.backoff.pause())

    def _listener(self) -> psycopg.Connection:
        """A connection of its own, to hold the lock, hear commits and mark rows sent, made as
        Django makes its own (TLS, timeouts and every other option of DATABASES included)."""
        listener = psycopg.connect(**connection.get_connection_params(), autocommit=True)
        # What it commits are marks, which a crash may lose (see the module's docstring).
        listener.execute("SET synchronous_commit TO off")
        return listener

    def _wait_for_the_lock(self, listener: psycopg.Connection) -> bool:
        while not self.stop.is_set():
            beat("relay")  # a relay waiting for its turn is alive too
            if listener.execute("SELECT pg_try_advisory_lock(%s)", [ADVISORY_LOCK]).fetchone()[0]:
                listener.execute(f"LISTEN {NOTIFY_CHANNEL}")
                return True
            self.stop.wait(self.poll_seconds)
        return False

    def _relay(self, listener: psycopg.Connection) -> None:
        publisher = _Publisher(self, listener)
        amqp = SelectConnection(
            broker.parameters(),
            on_open_callback=publisher.on_connection_open,
            on_open_error_callback=publisher.on_connection_failed,
            on_close_callback=publisher.on_connection_closed,
        )
        publisher.amqp = amqp
        amqp.ioloop.start()
        if publisher.error is not None:
            raise publisher.error

    def prune(self) -> None:
        """Forget rows sent long enough ago that nobody will ask about them."""
        OutboxMessage.objects.filter(sent_at__lt=timezone.now() - self.retention).delete()


# The relay's own queries run on its listening connection, as plain prepared statements: it
# makes hundreds a second, and building each through the ORM cost more than running it.
_OUTBOX = sql.Identifier(OutboxMessage._meta.db_table)
PENDING = sql.SQL(
    "SELECT sequence, event_id, event_type, body FROM {} WHERE sent_at IS NULL"
    " AND sequence <> ALL(%s) ORDER BY sequence LIMIT %s"
).format(_OUTBOX)
MARK_SENT = sql.SQL("UPDATE {} SET sent_at = now() WHERE sequence = ANY(%s)").format(_OUTBOX)


class _Publisher:
    """One connection's worth of relaying, driven by pika's I/O loop."""

    def __init__(self, relay: Relay, listener: psycopg.Connection) -> None:
        self.relay = relay
        self.listener = listener
        self.amqp: SelectConnection | None = None
        self.channel: Channel | None = None
        self.error: BaseException | None = None
        self.unconfirmed: dict[int, int] = {}  # delivery tag -> outbox sequence
        # Where tracing is on: delivery tag -> the span of its send, ended by the confirm.
        self.sending: dict[int, tracing.Span] = {}
        self.confirmed: list[int] = []  # sequences not marked sent yet
        # Published and not yet marked sent (unconfirmed or confirmed): never published again
        # on this connection, unless the broker refuses them.
        self.in_flight: set[int] = set()
        self.next_tag = 0
        self.listening = False
        # The last query filled the window: rows may wait behind it.
        self.backlog = False
        self.publishing_soon = False

    # Connection and channel

    def on_connection_open(self, amqp: SelectConnection) -> None:
        amqp.channel(on_open_callback=self.on_channel_open)

    def on_connection_failed(self, amqp: SelectConnection, error: BaseException) -> None:
        self.error = error
        amqp.ioloop.stop()

    def on_connection_closed(self, amqp: SelectConnection, reason: BaseException) -> None:
        self._fail(reason)
        for span in self.sending.values():
            tracing.end(span, error=f"no confirm before the connection closed: {reason}")
        if self.listening:
            amqp.ioloop.remove_handler(self.listener.fileno())
        amqp.ioloop.stop()

    def on_channel_open(self, channel: Channel) -> None:
        self.channel = channel
        channel.add_on_close_callback(lambda _channel, reason: self._fail(reason))
        channel.confirm_delivery(ack_nack_callback=self.on_confirm, callback=self.on_confirming)

    def on_confirming(self, _frame: Method) -> None:
        self._declare(self.relay.topology.exchange_check())

    def _declare(self, declarations: list[broker.Declaration]) -> None:
        """Declare step by step, each step in the callback of the one before."""
        if not declarations:
            self.on_ready()
            return
        first, *rest = declarations
        getattr(self.channel, first.method)(
            **first.arguments, callback=lambda _frame: self._declare(rest)
        )

    def on_ready(self) -> None:
        logger.info("Relay publishing to %s", self.relay.topology.exchange)
        self.relay.backoff.reset()
        ioloop = self.amqp.ioloop
        ioloop.add_handler(self.listener.fileno(), self.on_commit_notified, ioloop.READ)
        self.listening = True
        self._every(self.relay.poll_seconds, self.publish_pending)
        self._every(5, self._upkeep)
        self._every(0.2, self._stop_when_asked)
        self._every(60, self.relay.prune)
        self.publish_pending()

    # Publishing

    def on_commit_notified(self, _fd: int, _events: int) -> None:
        self._guarded(self._hear_commits)

    def _hear_commits(self) -> None:
        """Publish soon if a commit has been notified since the last time."""
        if sum(1 for _ in self.listener.notifies(timeout=0)):
            self.publish_soon()

    def _query(self, query: sql.Composed, params: list[object]) -> psycopg.Cursor:
        """Run one of the relay's queries on the listener. A query may read a commit's
        notification off the socket, which then never wakes the loop: it is heard here."""
        cursor = self.listener.execute(query, params)
        self._hear_commits()
        return cursor

    def publish_soon(self) -> None:
        """Publish once the loop has handled what it has read: the commits and confirms that
        arrived together share one query."""
        if not self.publishing_soon:
            self.publishing_soon = True
            self.amqp.ioloop.call_later(0, lambda: self._guarded(self.publish_pending))

    def publish_pending(self) -> None:
        self.publishing_soon = False
        room = self.relay.window - len(self.unconfirmed)
        if room <= 0 or self.channel is None or not self.channel.is_open:
            return
        rows = self._query(PENDING, [list(self.in_flight), room]).fetchall()
        self.backlog = len(rows) == room
        for sequence, event_id, event_type, body in rows:
            properties = pika.BasicProperties(
                content_type=CONTENT_TYPE,
                delivery_mode=pika.DeliveryMode.Persistent,
                message_id=str(event_id),
                type=event_type,
            )
            exchange = self.relay.topology.exchange
            self.channel.basic_publish(exchange, event_type, body, properties)
            self.next_tag += 1
            self.unconfirmed[self.next_tag] = sequence
            self.in_flight.add(sequence)
            if tracing.ENABLED:
                self.sending[self.next_tag] = tracing.start_sending(
                    event_type, str(event_id), exchange, Event.from_json(body).trace_context
                )

    def on_confirm(self, frame: Method) -> None:
        method = frame.method
        tags = (
            [t for t in self.unconfirmed if t <= method.delivery_tag]
            if method.multiple
            else [method.delivery_tag]
        )
        sequences = [self.unconfirmed.pop(tag) for tag in tags if tag in self.unconfirmed]
        acknowledged = isinstance(method, pika.spec.Basic.Ack)
        if self.sending:
            for tag in tags:
                tracing.end(
                    self.sending.pop(tag, None),
                    error=None if acknowledged else "the broker refused the message",
                )
        if acknowledged:
            if not self.confirmed:
                self.amqp.ioloop.call_later(MARK_SECONDS, lambda: self._guarded(self._mark_sent))
            self.confirmed += sequences
            self.relay.published.inc(len(sequences))
            if self.backlog:  # the window has room again
                self.publish_soon()
        elif sequences:
            logger.warning(
                "The broker refused %d messages; they will be published again", len(sequences)
            )
            self.in_flight.difference_update(sequences)
            self.publish_soon()

    def _mark_sent(self) -> None:
        sequences, self.confirmed = self.confirmed, []
        self._query(MARK_SENT, [sequences])
        self.in_flight.difference_update(sequences)

    # Upkeep

    def _every(self, seconds: float, action: Callable[[], None]) -> None:
        def tick() -> None:
            self._guarded(action)
            if self.amqp.is_open:
                self.amqp.ioloop.call_later(seconds, tick)

        self.amqp.ioloop.call_later(seconds, tick)

    def _upkeep(self) -> None:
        beat("relay")
        # Between requests, as Django does for web processes: honour CONN_MAX_AGE, drop a broken connection.
        close_old_connections()

    def _stop_when_asked(self) -> None:
        if self.relay.stop.is_set() and self.amqp.is_open:
            self.amqp.close()

    def _guarded(self, action: Callable[[], None]) -> None:
        """Run a callback; a failure (the database went away) ends this connection, and run() starts over."""
        try:
            action()
        except Exception as error:
            self._fail(error)

    def _fail(self, error: BaseException) -> None:
        """End this connection; unless the relay is stopping, run() reconnects after a pause."""
        if self.error is None and not self.relay.stop.is_set():
            self.error = error
        if self.amqp.is_open:
            self.amqp.close()
