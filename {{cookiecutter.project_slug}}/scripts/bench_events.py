"""Measure the event bus (`make bench`) against pika and RabbitMQ alone, in the same run.

Latency at a steady rate, how many events a second the relay publishes and the consumer
handles, and what many writers committing at once lose or repeat (nothing, it must be): one
table of measure, this system, reference and their ratio against its goal. Asserts nothing.

Two copies of the chassis's sample service stand in for two services, each with a database of
its own and each in processes of its own, as in production: the producer writes events to its
outbox and its relay publishes them; the consumer handles each in the other database (its inbox
row and the handler's row, in one transaction). Latency runs from the outbox row's creation to
the inbox row's, each written just before its transaction commits. The burst is published with
the consumers stopped, then handled from the full queue, so that each rate is its own alone, as
pika's are. pika runs once the bus's processes have stopped, so that they take nothing from it.
The whole of it, the bus then pika, runs ``--rounds`` times, and each ratio is the median of
the rounds' own, with its spread: one run of each says more about the machine's mood than
about the bus. The databases, exchange and queues are this run's own, and are dropped at the end.
"""

from __future__ import annotations

import argparse
import math
import multiprocessing
import os
import queue
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from datetime import datetime
from pathlib import Path
from statistics import median
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit, urlunsplit
from uuid import uuid4

import pika
import psycopg
from dotenv import dotenv_values
from psycopg import sql

from chassis import broker_access
from chassis.queues import wait_until_consumed

from scripts.bench_table import Ratio, Row, table
from scripts.native import PROJECT_DIR, own_temporary_directory

CHASSIS_DIR = PROJECT_DIR / "libs" / "chassis"

# The chassis's default retry queues, which the consumer declares.
RETRY_DELAYS = (1, 5, 30, 120, 600)

# How pika's messages carry the moment they were sent: a double ahead of an event's body.
SENT_AT = struct.Struct("!d")


@dataclass(frozen=True)
class Options:
    """What the bench does; its command line's options are these fields."""

    rate: int = field(default=500, metadata={"help": "events a second, for the latency"})
    seconds: float = field(default=10.0, metadata={"help": "how long the steady rate lasts"})
    burst: int = field(default=20000, metadata={"help": "events committed at once"})
    consumers: int = field(
        default=1, metadata={"help": "consumer processes: replicas of one service"}
    )
    writers: int = field(default=8, metadata={"help": "writers committing at once"})
    concurrent: int = field(default=4000, metadata={"help": "events the writers write"})
    rounds: int = field(
        default=3, metadata={"help": "the bus and pika, measured in turn, this many times"}
    )

    @classmethod
    def from_arguments(cls, arguments: argparse.Namespace, prefix: str = "") -> Options:
        """The options `add_arguments(parser, prefix)` added, as `parser` parsed them."""
        return cls(
            **{
                option.name: getattr(arguments, f"{prefix}{option.name}".replace("-", "_"))
                for option in fields(cls)
            }
        )


def add_arguments(parser: argparse.ArgumentParser, prefix: str = "") -> None:
    """Add the bench's options to `parser`; a `prefix` such as "events-" names them apart
    (`--events-seconds`) in a parser that has options of the same names already."""
    for option in fields(Options):
        parser.add_argument(
            f"--{prefix}{option.name}",
            type=type(option.default),
            default=option.default,
            help=option.metadata["help"],
        )


def chassis_settings() -> dict[str, str]:
    """The chassis's database and broker, as `make provision` wrote them."""
    env_file = CHASSIS_DIR / ".env"
    if not env_file.is_file():
        sys.exit("error: libs/chassis/.env is missing: run `make provision` first.")
    return {**dotenv_values(env_file), **os.environ}


@contextmanager
def scratch_databases(url: str, run: str) -> Iterator[tuple[str, str]]:
    """A producer's and a consumer's database, made for this run (the chassis's role may), named
    after the chassis's own so that they are plainly this project's."""
    parts = urlsplit(url)
    names = [f"{parts.path.lstrip('/')}_bench_{run}_{role}" for role in ("producer", "consumer")]
    with psycopg.connect(url, autocommit=True) as admin:
        for name in names:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield tuple(urlunsplit(parts._replace(path=f"/{name}")) for name in names)
    finally:
        with psycopg.connect(url, autocommit=True) as admin:
            for name in names:
                admin.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )


class Service:
    """The chassis's sample service on one database: migrate it, run its workers."""

    def __init__(self, database_url: str, broker_url: str, names: str, logs: Path) -> None:
        self.env = {
            **os.environ,
            **own_temporary_directory(),
            "PYTHONPATH": os.pathsep.join(
                filter(None, [str(CHASSIS_DIR), os.environ.get("PYTHONPATH")])
            ),
            "DATABASE_URL": database_url,
            "BROKER_URL": broker_url,
            "EVENTS_EXCHANGE": names,
            "EVENTS_QUEUE": names,
        }
        self.logs = logs
        self.workers: list[subprocess.Popen[bytes]] = []

    def manage(self, *arguments: str) -> list[str]:
        return [sys.executable, "-m", "django", *arguments, "--settings", "tests.settings"]

    def migrate(self) -> None:
        subprocess.run(
            self.manage("migrate", "--verbosity", "0"), cwd=CHASSIS_DIR, env=self.env, check=True
        )

    def start(self, command: str) -> None:
        with (self.logs / f"{command}-{len(self.workers)}.log").open("ab") as log:
            self.workers.append(
                subprocess.Popen(
                    self.manage(command),
                    cwd=CHASSIS_DIR,
                    env=self.env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )

    def running(self) -> bool:
        return all(worker.poll() is None for worker in self.workers)

    def check_running(self) -> None:
        for worker in self.workers:
            if worker.poll() is not None:
                sys.exit(f"error: {' '.join(worker.args[3:4])} stopped; its log is in {self.logs}.")

    def stop(self) -> None:
        for worker in self.workers:
            if worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
        for worker in self.workers:
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
        self.workers.clear()


def start_consumers(consuming: Service, broker_url: str, names: str, count: int) -> None:
    for _ in range(count):
        consuming.start("consume_events")
    try:
        wait_until_consumed(broker_url, names, count, still_running=consuming.running)
    except (TimeoutError, RuntimeError):
        sys.exit(
            f"error: the consumers never started consuming; see their logs in {consuming.logs}."
        )


def declare_topology(broker_url: str, names: str) -> None:
    """The run's events exchange, as provisioning declares the system's: its services may not."""
    shared = broker_access.shared_topology("", names)
    with pika.BlockingConnection(pika.URLParameters(broker_url)) as amqp:
        channel = amqp.channel()
        for exchange in shared["exchanges"]:
            channel.exchange_declare(
                exchange["name"], exchange["type"], durable=True, arguments=exchange["arguments"]
            )
        for declared in shared["queues"]:
            channel.queue_declare(declared["name"], durable=True, arguments=declared["arguments"])
        for binding in shared["bindings"]:
            channel.queue_bind(binding["destination"], binding["source"])


def delete_topology(broker_url: str, names: str) -> None:
    with pika.BlockingConnection(pika.URLParameters(broker_url)) as amqp:
        channel = amqp.channel()
        suffixes = ("", ".dead-letter", ".unroutable", ".ceiling")
        for suffix in (*suffixes, *(f".retry.{d}s" for d in RETRY_DELAYS)):
            channel.queue_delete(f"{names}{suffix}")
        for exchange in (names, f"{names}.unroutable", f"{names}.redelivery", f"{names}.ceiling"):
            channel.exchange_delete(exchange)


def steadily(rate: int, seconds: float, act: Callable[[], object]) -> None:
    """`act` `rate` times a second for `seconds`, on a fixed schedule: a late one does not
    push the next ones back."""
    started = time.monotonic()
    for tick in range(int(rate * seconds)):
        pause = started + tick / rate - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        act()


class Producer:
    """This process, as the producing service: it writes events with the chassis's publish()."""

    def __init__(self, database_url: str, broker_url: str, names: str) -> None:
        os.environ.update(
            DATABASE_URL=database_url,
            BROKER_URL=broker_url,
            EVENTS_EXCHANGE=names,
            EVENTS_QUEUE=names,
            DJANGO_SETTINGS_MODULE="tests.settings",
        )
        sys.path.insert(0, str(CHASSIS_DIR))
        import django

        django.setup()

    def settings(self) -> dict[str, Any]:
        """The chassis's event settings, as its relay and consumer have them."""
        from django.conf import settings

        return settings.EVENTS

    def write(
        self, count: int, per_transaction: int = 1, pause: Callable[[], None] = lambda: None
    ) -> list[str]:
        """Write `count` events, `per_transaction` to a transaction, each transaction pausing
        before it commits; their ids."""
        from django.db import transaction

        from chassis.events import publish

        from tests.events import WidgetShipped

        ids = []
        for start in range(0, count, per_transaction):
            with transaction.atomic():
                for number in range(start, min(start + per_transaction, count)):
                    ids.append(publish(WidgetShipped(uuid4(), number)).id)
                pause()
        return ids

    def steady(self, rate: int, seconds: float) -> list[str]:
        """One event a transaction, `rate` a second, on a fixed schedule."""
        ids: list[str] = []
        steadily(rate, seconds, lambda: ids.extend(self.write(1)))
        return ids

    def concurrently(self, writers: int, count: int) -> list[str]:
        """`count` events from `writers` threads at once, each pausing between writing an event
        and committing it, so that transactions commit in another order than they wrote."""
        import random
        import threading

        from django.db import connection

        ids: list[str] = []
        start = threading.Barrier(writers)

        def write(writer: int) -> None:
            pause = random.Random(writer)  # noqa: S311 - pauses, not secrets
            start.wait()
            try:
                for _ in range(count // writers):
                    ids.extend(self.write(1, pause=lambda: time.sleep(pause.uniform(0, 0.004))))
            finally:
                connection.close()

        threads = [threading.Thread(target=write, args=(writer,)) for writer in range(writers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return ids

    def created(self, ids: list[str]) -> dict[str, datetime]:
        from chassis.models import OutboxMessage

        rows = OutboxMessage.objects.filter(event_id__in=ids).values_list("event_id", "created_at")
        return {str(event_id): at for event_id, at in rows}

    def sent(self, ids: list[str], timeout: float) -> list[datetime | None]:
        """When the relay marked each event sent, once all of them are."""
        from chassis.models import OutboxMessage

        deadline = time.monotonic() + timeout
        while True:
            sent = list(
                OutboxMessage.objects.filter(event_id__in=ids).values_list("sent_at", flat=True)
            )
            if None not in sent or time.monotonic() > deadline:
                return sent
            time.sleep(0.2)

    def body(self, event_id: str) -> bytes:
        """An event as the relay publishes it."""
        from chassis.models import OutboxMessage

        return bytes(OutboxMessage.objects.get(event_id=event_id).body)


def applied_twice(consumer_url: str, ids: list[str]) -> int:
    """Events among `ids` whose handler took effect more than once."""
    with psycopg.connect(consumer_url, autocommit=True) as database:
        return database.execute(
            "SELECT count(*) FROM (SELECT event_id FROM tests_effect"
            " WHERE event_id = ANY(%s::uuid[]) GROUP BY event_id HAVING count(*) > 1) AS repeated",
            [ids],
        ).fetchone()[0]


def handled(consumer_url: str, ids: list[str], timeout: float) -> dict[str, datetime]:
    """When the consumer handled each event, once all of them are handled."""
    deadline = time.monotonic() + timeout
    with psycopg.connect(consumer_url, autocommit=True) as database:
        while True:
            rows = database.execute(
                "SELECT event_id::text, handled_at FROM chassis_inboxmessage"
                " WHERE event_id = ANY(%s::uuid[])",
                [ids],
            ).fetchall()
            if len(rows) == len(ids) or time.monotonic() > deadline:
                return dict(rows)
            time.sleep(0.2)


@dataclass
class BusFigures:
    latencies: list[float]  # milliseconds, one per event of the steady run
    steady_events: int
    burst_committed: float  # when the burst's transaction committed
    burst_sent: list[datetime | None]
    burst_handled: dict[str, datetime]
    concurrent_events: int
    concurrent_seconds: float  # from the writers' start to the last event handled
    concurrent_lost: int
    concurrent_repeated: int
    # What pika is given, to do the same work as the bus: an event's body, and the relay's
    # window of unconfirmed messages and the consumer's prefetch.
    event_body: bytes
    relay_window: int
    prefetch: int

    @property
    def relay_seconds(self) -> float:
        """From the burst's commit to its last event marked sent."""
        if not self.burst_sent or None in self.burst_sent:
            return math.nan
        return max(self.burst_sent).timestamp() - self.burst_committed

    @property
    def handling_seconds(self) -> float:
        """From the burst's first event handled to its last."""
        return span([at.timestamp() for at in self.burst_handled.values()])


def measure_bus(
    options: Options,
    names: str,
    producer_url: str,
    consumer_url: str,
    broker_url: str,
    logs: Path,
) -> BusFigures:
    producing = Service(producer_url, broker_url, names, logs)
    consuming = Service(consumer_url, broker_url, names, logs)
    try:
        for service in (producing, consuming):
            service.migrate()
        start_consumers(consuming, broker_url, names, options.consumers)
        producing.start("relay_events")
        producer = Producer(producer_url, broker_url, names)
        warm_up = producer.write(200)
        handled(consumer_url, warm_up, timeout=60)

        steady_ids = producer.steady(options.rate, options.seconds)
        handled_at = handled(consumer_url, steady_ids, timeout=120)
        created_at = producer.created(steady_ids)
        latencies = [(handled_at[i] - created_at[i]).total_seconds() * 1000 for i in handled_at]

        # Relayed with no consumer running, then handled from the full queue: each rate alone.
        consuming.stop()
        burst_ids = producer.write(options.burst, per_transaction=options.burst)
        committed = time.time()
        burst_sent = producer.sent(burst_ids, timeout=300)
        start_consumers(consuming, broker_url, names, options.consumers)
        burst_handled = handled(consumer_url, burst_ids, timeout=300)

        started = time.monotonic()
        concurrent_ids = producer.concurrently(options.writers, options.concurrent)
        concurrent_handled = handled(consumer_url, concurrent_ids, timeout=120)
        concurrent_seconds = time.monotonic() - started
        producing.check_running()
        consuming.check_running()
        events = producer.settings()
        return BusFigures(
            latencies,
            len(steady_ids),
            committed,
            burst_sent,
            burst_handled,
            len(concurrent_ids),
            concurrent_seconds,
            len(concurrent_ids) - len(concurrent_handled),
            applied_twice(consumer_url, concurrent_ids),
            producer.body(warm_up[0]),
            events["RELAY_WINDOW"],
            events["PREFETCH"],
        )
    finally:
        producing.stop()
        consuming.stop()


def consume(
    broker_url: str, queue_name: str, count: int, prefetch: int, results: multiprocessing.Queue
) -> None:
    """Consume `count` messages and acknowledge each, as a consumer does; for each, when it
    arrived and when it was sent. Gives up once nothing more arrives for a while."""
    deliveries = []
    with pika.BlockingConnection(pika.URLParameters(broker_url)) as amqp:
        channel = amqp.channel()
        channel.basic_qos(prefetch_count=prefetch)
        for method, _properties, body in channel.consume(queue_name, inactivity_timeout=30):
            if method is None:
                break
            arrived = time.time()
            channel.basic_ack(method.delivery_tag)
            deliveries.append((arrived, SENT_AT.unpack_from(body)[0]))
            if len(deliveries) == count:
                break
        channel.cancel()
    results.put(deliveries)


class PikaConsumer:
    """`consume` in a process of its own, as the chassis's consumer is."""

    def __init__(self, broker_url: str, queue_name: str, count: int, prefetch: int) -> None:
        spawn = multiprocessing.get_context("spawn")
        self.broker_url, self.queue_name = broker_url, queue_name
        self.results = spawn.Queue()
        self.process = spawn.Process(
            target=consume, args=(broker_url, queue_name, count, prefetch, self.results)
        )

    def __enter__(self) -> PikaConsumer:
        self.process.start()
        return self

    def wait_until_consuming(self) -> None:
        wait_until_consumed(self.broker_url, self.queue_name, still_running=self.process.is_alive)

    def deliveries(self) -> list[tuple[float, float]]:
        """When each message arrived and was sent; none if the process failed."""
        while True:
            try:
                return self.results.get(timeout=1)
            except queue.Empty:
                if not self.process.is_alive():
                    break
        try:  # what it gave just before it ended
            return self.results.get(timeout=1)
        except queue.Empty:
            return []

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.process.join(timeout=10)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join()


@dataclass
class PikaFigures:
    published: int  # messages preloaded, persistent and confirmed
    publish_seconds: float
    arrivals: list[float]  # when each preloaded message reached the consumer
    latencies: list[float]  # milliseconds, one per message of the steady run
    steady_messages: int

    @property
    def consume_seconds(self) -> float:
        return span(self.arrivals)


def measure_pika(options: Options, names: str, broker_url: str, bus: BusFigures) -> PikaFigures:
    """What pika alone reaches with the bus's messages, in a quorum queue of this run: publish
    the burst, then consume it; then the steady run's latency, publish to consume."""
    queue_name = f"{names}.ceiling"
    persistent = pika.BasicProperties(delivery_mode=pika.DeliveryMode.Persistent)

    def message() -> bytes:
        return SENT_AT.pack(time.time()) + bus.event_body

    with pika.BlockingConnection(pika.URLParameters(broker_url)) as amqp:
        transactional = amqp.channel()
        transactional.queue_declare(queue_name, durable=True, arguments={"x-queue-type": "quorum"})
        # Through an exchange of the run's own, as the bus's consumer hands events on: the
        # chassis's broker user may not publish to the default exchange.
        transactional.exchange_declare(queue_name, "direct", durable=True)
        transactional.queue_bind(queue_name, queue_name, routing_key=queue_name)
        # A transaction's commit returns once the broker holds all of its messages: the
        # blocking client's way to have confirms by the batch, as the relay has them by its
        # window.
        transactional.tx_select()
        started = time.monotonic()
        for number in range(options.burst):
            transactional.basic_publish(queue_name, queue_name, message(), persistent)
            if number % bus.relay_window == bus.relay_window - 1:
                transactional.tx_commit()
        transactional.tx_commit()
        publish_seconds = time.monotonic() - started
        with PikaConsumer(broker_url, queue_name, options.burst, bus.prefetch) as consumer:
            arrivals = [arrived for arrived, _sent in consumer.deliveries()]

        # Each message confirmed before the next, as an outbox row is committed before the next.
        confirmed = amqp.channel()
        confirmed.confirm_delivery()
        steady_messages = int(options.rate * options.seconds)
        with PikaConsumer(broker_url, queue_name, steady_messages, bus.prefetch) as consumer:
            consumer.wait_until_consuming()
            steadily(
                options.rate,
                options.seconds,
                lambda: confirmed.basic_publish(queue_name, queue_name, message(), persistent),
            )
            latencies = [(arrived - sent) * 1000 for arrived, sent in consumer.deliveries()]
    return PikaFigures(options.burst, publish_seconds, arrivals, latencies, steady_messages)


def span(moments: list[float]) -> float:
    """From the first of `moments` to the last; not a number with fewer than two."""
    return max(moments) - min(moments) if len(moments) > 1 else math.nan


def per_second(count: float, seconds: float) -> float:
    return count / seconds if seconds > 0 else math.nan


def percentile(values: list[float], share: float) -> float:
    if len(values) < 2:
        return values[0] if values else math.nan
    return statistics.quantiles(values, n=1000, method="inclusive")[round(share * 1000) - 1]


def ratio(figures: list[float], references: list[float]) -> Ratio | None:
    """Each round's figure over its reference; none unless every round measured both."""
    pairs = list(zip(figures, references, strict=True))
    if not pairs or not all(
        math.isfinite(figure) and math.isfinite(reference) and reference > 0
        for figure, reference in pairs
    ):
        return None
    return Ratio.of([figure / reference for figure, reference in pairs])


@dataclass(frozen=True)
class Report:
    details: list[str]  # lines that say what each figure is, and more figures
    rows: list[Row]  # the measures against their references, for `table`


def report(options: Options, rounds: list[tuple[BusFigures, PikaFigures]]) -> Report:
    """Each rate and latency round by round, and the ratio of each round's to pika's; the
    figures printed are the rounds' medians."""
    relay_rates = [per_second(options.burst, bus.relay_seconds) for bus, _ in rounds]
    handling_rates = [per_second(len(bus.burst_handled), bus.handling_seconds) for bus, _ in rounds]
    p50s = [percentile(bus.latencies, 0.5) for bus, _ in rounds]
    p99s = [percentile(bus.latencies, 0.99) for bus, _ in rounds]
    pika_publish_rates = [per_second(alone.published, alone.publish_seconds) for _, alone in rounds]
    pika_consume_rates = [
        per_second(len(alone.arrivals), alone.consume_seconds) for _, alone in rounds
    ]
    pika_p50s = [percentile(alone.latencies, 0.5) for _, alone in rounds]
    pika_p99s = [percentile(alone.latencies, 0.99) for _, alone in rounds]
    latencies = [latency for bus, _ in rounds for latency in bus.latencies]
    steady = sum(bus.steady_events for bus, _ in rounds)
    handled = sum(len(bus.burst_handled) for bus, _ in rounds)
    concurrent = sum(bus.concurrent_events for bus, _ in rounds)
    concurrent_seconds = sum(bus.concurrent_seconds for bus, _ in rounds)
    lost = sum(bus.concurrent_lost for bus, _ in rounds)
    repeated = sum(bus.concurrent_repeated for bus, _ in rounds)
    pika_latencies = sum(len(alone.latencies) for _, alone in rounds)
    pika_steady = sum(alone.steady_messages for _, alone in rounds)
    first = rounds[0][0]
    details = [
        "Events: the chassis's relay and consumer between two databases, RabbitMQ on loopback;"
        f" medians of {len(rounds)} rounds",
        f"  latency at {options.rate} events/s for {options.seconds:g} s, outbox → handled: "
        f"p50 {median(p50s):.1f} ms, p99 {median(p99s):.1f} ms, "
        f"max {max(latencies, default=math.nan):.1f} ms "
        f"({len(latencies)} of {steady} handled)",
        f"  {options.burst} events committed at once, {options.consumers} consumer(s): "
        f"published at {median(relay_rates):.0f}/s with the consumers stopped, "
        f"then handled at {median(handling_rates):.0f}/s "
        f"({handled} of {options.burst * len(rounds)})",
        f"  {concurrent} events from {options.writers} writers committing out of "
        f"order: {per_second(concurrent, concurrent_seconds):.0f}/s written to "
        f"handled, {lost} lost, {repeated} applied twice",
        f"  pika alone, same RabbitMQ, quorum queue: {options.burst} messages published at "
        f"{median(pika_publish_rates):.0f}/s (confirmed by the {first.relay_window}), then "
        f"consumed at {median(pika_consume_rates):.0f}/s (prefetch {first.prefetch}, each "
        "acknowledged)",
        f"  pika alone at {options.rate} messages/s for {options.seconds:g} s, each confirmed, "
        f"publish → consume: p50 {median(pika_p50s):.1f} ms, p99 {median(pika_p99s):.1f} ms "
        f"({pika_latencies} of {pika_steady} consumed)",
    ]
    by = f" by {options.consumers}" if options.consumers > 1 else ""
    wrong = lost + repeated
    rows = [
        Row(
            "events: consumer handling rate",
            f"{median(handling_rates):.0f}/s{by}",
            f"pika consume+ack {median(pika_consume_rates):.0f}/s",
            ratio(handling_rates, pika_consume_rates),
            goal=0.6,
        ),
        Row(
            "events: relay publish rate",
            f"{median(relay_rates):.0f}/s",
            f"pika publish, confirmed {median(pika_publish_rates):.0f}/s",
            ratio(relay_rates, pika_publish_rates),
            goal=0.6,
        ),
        Row(
            "events: latency p50, outbox → handled",
            f"{median(p50s):.1f} ms",
            f"pika publish → consume {median(pika_p50s):.1f} ms",
            ratio(p50s, pika_p50s),
            goal=3,
            at_least=False,
        ),
        Row(
            f"events: lost or applied twice, {options.writers} writers",
            f"{wrong} of {concurrent}",
            "",
            None,
            goal=0,
            at_least=False,
            value=wrong,
        ),
    ]
    return Report(details, rows)


def measure(options: Options) -> Report:
    """Run the whole bench, on databases, an exchange and queues of its own, dropped after."""
    settings = chassis_settings()
    broker_url = settings["BROKER_URL"]
    run = uuid4().hex[:8]
    names = f"bench-{run}"  # the exchange and queues of this run
    with (
        tempfile.TemporaryDirectory(prefix="bench-events-") as logs,
        scratch_databases(settings["DATABASE_URL"], run) as (producer_url, consumer_url),
    ):
        try:
            declare_topology(broker_url, names)
            rounds = []
            for _ in range(options.rounds):
                bus = measure_bus(
                    options, names, producer_url, consumer_url, broker_url, Path(logs)
                )
                # Once the bus's processes have stopped, so that they take nothing from it.
                rounds.append((bus, measure_pika(options, names, broker_url, bus)))
        finally:
            delete_topology(broker_url, names)
    return report(options, rounds)


def rows(arguments: argparse.Namespace, prefix: str = "") -> list[Row]:
    """Run the whole bench with the options `add_arguments(parser, prefix)` added; print its
    details, and give its rows for `table`."""
    result = measure(Options.from_arguments(arguments, prefix))
    print("\n".join(result.details))
    return result.rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_arguments(parser)
    measured = rows(parser.parse_args())
    print()
    print(table(measured))
    return 0


if __name__ == "__main__":
    sys.exit(main())
