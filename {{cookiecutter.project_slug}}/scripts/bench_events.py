"""Measure the event bus (`make bench`): latency at a steady rate, the most events a second it
carries, what many writers committing at once lose or repeat (nothing, it must be), and what
pika and RabbitMQ alone reach in the same run. Prints figures; asserts nothing.

Two copies of the chassis's sample service stand in for two services, each with a database of
its own and each in processes of its own, as in production: the producer writes events to its
outbox and its relay publishes them; the consumer handles each in the other database (its inbox
row and the handler's row, in one transaction). Latency runs from the outbox row's creation to
the inbox row's, each written just before its transaction commits. The databases, exchange and
queues are this run's own, and are dropped at the end.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit
from uuid import uuid4

import pika
import psycopg
from dotenv import dotenv_values
from psycopg import sql

from chassis.queues import wait_until_consumed

from scripts.native import PROJECT_DIR

CHASSIS_DIR = PROJECT_DIR / "libs" / "chassis"


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

    def check_running(self) -> None:
        for worker in self.workers:
            if worker.poll() is not None:
                sys.exit(f"error: {' '.join(worker.args[3:4])} stopped; its log is in {self.logs}.")

    def stop(self) -> None:
        for worker in self.workers:
            if worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
        for worker in self.workers:
            worker.wait(timeout=30)


def delete_topology(broker_url: str, names: str) -> None:
    with pika.BlockingConnection(pika.URLParameters(broker_url)) as amqp:
        channel = amqp.channel()
        suffixes = ("", ".dead-letter", ".unroutable", ".ceiling")
        for suffix in (*suffixes, *(f".retry.{d}s" for d in RETRY_DELAYS)):
            channel.queue_delete(f"{names}{suffix}")
        for exchange in (names, f"{names}.unroutable"):
            channel.exchange_delete(exchange)


# The chassis's default retry queues, which the consumer declares.
RETRY_DELAYS = (1, 5, 30, 120, 600)


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
        started = time.monotonic()
        for tick in range(int(rate * seconds)):
            pause = started + tick / rate - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            ids += self.write(1)
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

    def sent(self, ids: list[str]) -> list[datetime]:
        from chassis.models import OutboxMessage

        return list(
            OutboxMessage.objects.filter(event_id__in=ids).values_list("sent_at", flat=True)
        )


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


def percentile(values: list[float], share: float) -> float:
    return statistics.quantiles(values, n=1000, method="inclusive")[round(share * 1000) - 1]


def drain(broker_url: str, queue: str, count: int, done: multiprocessing.Queue) -> None:
    """Consume and acknowledge `count` messages, as a consumer does; when the last arrived."""
    with pika.BlockingConnection(pika.URLParameters(broker_url)) as amqp:
        channel = amqp.channel()
        channel.basic_qos(prefetch_count=50)
        for received, (method, _properties, _body) in enumerate(channel.consume(queue), start=1):
            channel.basic_ack(method.delivery_tag)
            if received == count:
                break
        done.put(time.time())
        channel.cancel()


def ceiling(broker_url: str, names: str, count: int) -> float:
    """Messages a second from pika to RabbitMQ and back, persistent, confirmed, acknowledged."""
    queue = f"{names}.ceiling"
    body = os.urandom(300)
    with pika.BlockingConnection(pika.URLParameters(broker_url)) as amqp:
        channel = amqp.channel()
        channel.queue_declare(queue, durable=True, arguments={"x-queue-type": "quorum"})
        spawn = multiprocessing.get_context("spawn")
        done = spawn.Queue()
        consumer = spawn.Process(target=drain, args=(broker_url, queue, count, done))
        consumer.start()
        time.sleep(2)  # the consumer process starts and subscribes
        properties = pika.BasicProperties(delivery_mode=pika.DeliveryMode.Persistent)
        # A transaction's commit returns once the broker holds all of its messages: the
        # blocking client's way to have confirms by the batch, as the relay has them.
        channel.tx_select()
        started = time.time()
        for number in range(count):
            channel.basic_publish("", queue, body, properties)
            if number % 100 == 99:
                channel.tx_commit()
        channel.tx_commit()
        finished = done.get(timeout=120)
        consumer.join()
    return count / (finished - started)


@dataclass
class Figures:
    latencies: list[float]  # milliseconds, one per event of the steady run
    steady_events: int
    burst_committed: float  # when the burst's transaction committed
    burst_sent: list[datetime | None]
    burst_handled: dict[str, datetime]
    concurrent_events: int
    concurrent_seconds: float  # from the writers' start to the last event handled
    concurrent_lost: int
    concurrent_repeated: int


def measure_bus(
    arguments: argparse.Namespace, producer_url: str, consumer_url: str, broker_url: str, logs: Path
) -> Figures:
    names = arguments.names
    producing = Service(producer_url, broker_url, names, logs)
    consuming = Service(consumer_url, broker_url, names, logs)
    try:
        for service in (producing, consuming):
            service.migrate()
        for _ in range(arguments.consumers):
            consuming.start("consume_events")
        try:
            wait_until_consumed(broker_url, names, arguments.consumers)
        except TimeoutError:
            sys.exit("error: the consumers never started consuming.")
        producing.start("relay_events")
        producer = Producer(producer_url, broker_url, names)
        handled(consumer_url, producer.write(200), timeout=60)  # warm up

        steady_ids = producer.steady(arguments.rate, arguments.seconds)
        handled_at = handled(consumer_url, steady_ids, timeout=120)
        created_at = producer.created(steady_ids)
        latencies = [(handled_at[i] - created_at[i]).total_seconds() * 1000 for i in handled_at]

        burst_ids = producer.write(arguments.burst, per_transaction=arguments.burst)
        committed = time.time()
        burst_handled = handled(consumer_url, burst_ids, timeout=300)

        started = time.monotonic()
        concurrent_ids = producer.concurrently(arguments.writers, arguments.concurrent)
        concurrent_handled = handled(consumer_url, concurrent_ids, timeout=120)
        concurrent_seconds = time.monotonic() - started
        producing.check_running()
        consuming.check_running()
        return Figures(
            latencies,
            len(steady_ids),
            committed,
            producer.sent(burst_ids),
            burst_handled,
            len(concurrent_ids),
            concurrent_seconds,
            len(concurrent_ids) - len(concurrent_handled),
            applied_twice(consumer_url, concurrent_ids),
        )
    finally:
        producing.stop()
        consuming.stop()


def report(arguments: argparse.Namespace, figures: Figures, pika_rate: float) -> None:
    latencies = figures.latencies
    print("Events: the chassis's relay and consumer between two databases, RabbitMQ on loopback")
    print(
        f"  latency at {arguments.rate} events/s for {arguments.seconds:g} s, outbox → handled: "
        f"p50 {percentile(latencies, 0.5):.1f} ms, p99 {percentile(latencies, 0.99):.1f} ms, "
        f"max {max(latencies):.1f} ms ({len(latencies)} of {figures.steady_events} handled)"
    )
    sent = figures.burst_sent
    relayed = max(sent).timestamp() - figures.burst_committed if None not in sent else float("nan")
    drained = max(figures.burst_handled.values()).timestamp() - figures.burst_committed
    print(
        f"  {arguments.burst} events committed at once, {arguments.consumers} consumer(s): "
        f"published in {relayed:.1f} s ({arguments.burst / relayed:.0f}/s), "
        f"handled in {drained:.1f} s ({len(figures.burst_handled) / drained:.0f}/s)"
    )
    print(
        f"  {figures.concurrent_events} events from {arguments.writers} writers committing out of "
        f"order: {figures.concurrent_events / figures.concurrent_seconds:.0f}/s written to handled, "
        f"{figures.concurrent_lost} lost, {figures.concurrent_repeated} applied twice"
    )
    print(
        f"  ceiling, pika alone: {pika_rate:.0f} messages/s published (confirmed by the 100) "
        "and consumed (each acknowledged)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=int, default=500, help="events a second, for the latency")
    parser.add_argument("--seconds", type=float, default=10, help="how long the steady rate lasts")
    parser.add_argument("--burst", type=int, default=20000, help="events committed at once")
    parser.add_argument(
        "--consumers", type=int, default=1, help="consumer processes: replicas of one service"
    )
    parser.add_argument("--writers", type=int, default=8, help="writers committing at once")
    parser.add_argument("--concurrent", type=int, default=4000, help="events the writers write")
    arguments = parser.parse_args()
    settings = chassis_settings()
    broker_url = settings["BROKER_URL"]
    run = uuid4().hex[:8]
    arguments.names = f"bench-{run}"  # the exchange and queues of this run
    with (
        tempfile.TemporaryDirectory(prefix="bench-events-") as logs,
        scratch_databases(settings["DATABASE_URL"], run) as (producer_url, consumer_url),
    ):
        try:
            figures = measure_bus(arguments, producer_url, consumer_url, broker_url, Path(logs))
            # Once the bus's processes have stopped, so that they take nothing from it.
            pika_rate = ceiling(broker_url, arguments.names, arguments.burst)
        finally:
            delete_topology(broker_url, arguments.names)
    report(arguments, figures, pika_rate)
    return 0


if __name__ == "__main__":
    sys.exit(main())
