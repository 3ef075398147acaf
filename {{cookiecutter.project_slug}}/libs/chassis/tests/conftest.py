"""Fixtures of the events tests: the real broker, names nobody else uses, and a way to cut it off."""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from urllib.parse import urlsplit, urlunsplit
from uuid import uuid4

import pika
import pytest
from django.db import connection, transaction
from django.utils import timezone

from chassis.events import Event, publish, subscribers
from chassis.events.broker import Topology
from chassis.models import OutboxMessage

from tests.events import WidgetShipped


def broker_url() -> str:
    url = os.environ.get("BROKER_URL")
    if not url:
        pytest.fail(
            "Set BROKER_URL to a RabbitMQ virtual host of this project (make provision writes it)."
        )
    return url


@pytest.fixture
def events_settings(settings) -> Iterator[dict]:
    """Events go through an exchange and queues of this test's own, deleted afterwards. The
    exchange is declared here, as provisioning declares the system's: a service may not."""
    name = f"test-{uuid4().hex[:12]}"
    settings.EVENTS = {
        **settings.EVENTS,
        "BROKER_URL": broker_url(),
        "EXCHANGE": name,
        "QUEUE": name,
        "RETRY_DELAYS": [1, 2],
        # Long enough that only a notification can wake the relay in time.
        "RELAY_POLL_SECONDS": 30,
        # Soon enough that a test sees the consumer prune its inbox and call out dead letters.
        "UPKEEP_SECONDS": 0.5,
    }
    with pika.BlockingConnection(pika.URLParameters(broker_url())) as amqp:
        Topology.from_settings().declare_exchange(amqp.channel())
    yield settings.EVENTS
    with pika.BlockingConnection(pika.URLParameters(broker_url())) as amqp:
        channel = amqp.channel()
        for queue in (
            name,
            f"{name}.dead-letter",
            f"{name}.retry.1s",
            f"{name}.retry.2s",
            f"{name}.probe",
            f"{name}.unroutable",
        ):
            channel.queue_delete(queue)
        channel.exchange_delete(name)
        channel.exchange_delete(f"{name}.unroutable")
        channel.exchange_delete(f"{name}.redelivery")


class Probe:
    """A queue bound to every event on the test's exchange, to see what was published."""

    def __init__(self, events: dict) -> None:
        self.amqp = pika.BlockingConnection(pika.URLParameters(events["BROKER_URL"]))
        self.channel = self.amqp.channel()
        self.queue = f"{events['QUEUE']}.probe"
        Topology.from_settings().declare_exchange(self.channel)
        self.channel.queue_declare(self.queue, durable=True)
        self.channel.queue_bind(self.queue, events["EXCHANGE"], routing_key="#")

    def take(self, count: int, timeout: float = 30) -> list[Event]:
        events: list[Event] = []
        deadline = time.monotonic() + timeout
        for method, _properties, body in self.channel.consume(self.queue, inactivity_timeout=0.2):
            if method is not None:
                events.append(Event.from_json(body))
                self.channel.basic_ack(method.delivery_tag)
            if len(events) >= count or time.monotonic() > deadline:
                break
        self.channel.cancel()
        return events

    def close(self) -> None:
        self.amqp.close()


@pytest.fixture
def probe(events_settings) -> Iterator[Probe]:
    probe = Probe(events_settings)
    yield probe
    probe.close()


@pytest.fixture
def in_thread() -> Iterator[Callable[[type], threading.Event]]:
    """Run a relay or consumer in a thread; every one is stopped, and its database connection closed, at the end."""
    running: list[tuple[threading.Thread, threading.Event]] = []

    def start(worker_class: type) -> threading.Event:
        stop = threading.Event()

        def work() -> None:
            try:
                worker_class(stop).run()
            finally:
                connection.close()

        thread = threading.Thread(target=work, daemon=True)
        thread.start()
        running.append((thread, stop))
        return stop

    yield start
    for thread, stop in running:
        stop.set()
        thread.join(timeout=30)


DEFAULT_PORTS = {"postgres": 5432, "amqp": 5672, "redis": 6379}


class CuttableLink:
    """A TCP proxy to a server (the broker, the database, Redis): a process connects through it,
    and a test can cut it (every open connection dropped, new ones refused) as a restart would."""

    @classmethod
    def to(cls, url: str) -> CuttableLink:
        """A link to the server of `url` (``postgres://``, ``amqp://`` or ``redis://``)."""
        parts = urlsplit(url)
        return cls((parts.hostname or "127.0.0.1", parts.port or DEFAULT_PORTS[parts.scheme]))

    def carry(self, url: str) -> str:
        """`url`, through this link: its host and port replaced by the link's."""
        parts = urlsplit(url)
        credentials = parts.netloc.rpartition("@")[0]
        return urlunsplit(parts._replace(netloc=f"{credentials}@127.0.0.1:{self.port}".lstrip("@")))

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.up = threading.Event()
        self.up.set()
        self.closing = False
        self.sockets: list[socket.socket] = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.closing:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.up.is_set():
                client.close()
                continue
            upstream = socket.create_connection(self.target)
            with self.lock:
                self.sockets += [client, upstream]
            for source, destination in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, destination), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, destination: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                destination.sendall(data)
        for end in (source, destination):
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)

    def down(self) -> None:
        """Drop every connection, and refuse new ones until :meth:`restore`."""
        self.up.clear()
        with self.lock:
            sockets, self.sockets = self.sockets, []
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def restore(self) -> None:
        self.up.set()

    def cut(self, seconds: float) -> None:
        """Go down for `seconds`, as a server restarting does."""
        self.down()
        time.sleep(seconds)
        self.restore()

    def close(self) -> None:
        self.closing = True
        self.listener.close()
        self.cut(0)


@pytest.fixture
def topology(events_settings):
    """The test's queues declared, each retry long enough to hold what it is given."""
    events_settings["RETRY_DELAYS"] = [300, 600]
    topology = Topology.from_settings()
    with pika.BlockingConnection(pika.URLParameters(events_settings["BROKER_URL"])) as amqp:
        topology.declare_queues(amqp.channel(), list(subscribers.handlers()))
    yield topology
    with pika.BlockingConnection(pika.URLParameters(events_settings["BROKER_URL"])) as amqp:
        channel = amqp.channel()
        for attempt in (1, 2):
            channel.queue_delete(topology.retry_queue(attempt))


def fill_the_bus(topology: Topology, broker_url: str, messages: dict[str, int]) -> None:
    """Two events in the outbox, unsent for two minutes, and `messages[queue]` messages waiting
    in each queue: a bus with something in every corner."""
    with transaction.atomic():
        publish(WidgetShipped(uuid4(), 1))
        publish(WidgetShipped(uuid4(), 2))
    OutboxMessage.objects.update(created_at=timezone.now() - timedelta(minutes=2))
    with pika.BlockingConnection(pika.URLParameters(broker_url)) as amqp:
        channel = amqp.channel()
        channel.confirm_delivery()
        for queue, count in messages.items():
            for _ in range(count):
                channel.basic_publish(topology.redelivery_exchange, queue, b"{}")
