"""Nothing lost, nothing applied twice: 1,200 events while the consumer and the relay are killed
mid-stream (SIGKILL) and the link to the broker is cut, as when the broker restarts; and a
database outage that outlasts the queue's delivery limit many times over."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from uuid import uuid4

import pika
import pytest
from django.db import connection, transaction
from django.db.models import Count

from chassis.events import Event, publish
from chassis.models import OutboxMessage
from chassis.queues import queue_status, wait_until_consumed
from chassis_testing import database_url_for_tests, eventually

from tests.conftest import CuttableLink
from tests.events import WidgetShipped
from tests.models import Effect

CHASSIS_DIR = Path(__file__).resolve().parent.parent
SETTINGS = ("--settings", "tests.settings")
# The chassis and its tests, importable by a process of their own.
PYTHONPATH = os.pathsep.join([str(CHASSIS_DIR / "src"), str(CHASSIS_DIR)])
EVENTS = 1200


class Worker:
    """`relay_events` or `consume_events` in a process of its own, as in production."""

    def __init__(self, command: str, env: dict[str, str], log: Path, *options: str) -> None:
        self.command, self.env, self.log, self.options = command, env, log, options
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "django", self.command, *self.options, *SETTINGS],
                cwd=CHASSIS_DIR,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=30)


def worker_env(events_settings: dict, **overrides: str) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": PYTHONPATH,
        "DATABASE_URL": database_url_for_tests(),
        "BROKER_URL": events_settings["BROKER_URL"],
        "EVENTS_EXCHANGE": events_settings["EXCHANGE"],
        "EVENTS_QUEUE": events_settings["QUEUE"],
        **overrides,
    }


@pytest.mark.django_db(transaction=True)
def test_killed_workers_and_a_cut_broker_lose_and_repeat_nothing(events_settings, tmp_path):
    link = CuttableLink.to(events_settings["BROKER_URL"])
    env = worker_env(events_settings, BROKER_URL=link.carry(events_settings["BROKER_URL"]))
    consumer = Worker("consume_events", env, tmp_path / "consumer.log")
    relay = Worker("relay_events", env, tmp_path / "relay.log")
    consumer.start()
    wait_until_consumed(events_settings["BROKER_URL"], events_settings["QUEUE"])
    relay.start()
    producing = threading.Thread(target=produce, daemon=True)
    producing.start()
    try:
        eventually(
            lambda: Effect.objects.count() > 200, timeout=60, message="the consumer never got going"
        )
        consumer.kill()
        consumer.start()
        eventually(lambda: OutboxMessage.objects.exclude(sent_at=None).count() > 500, timeout=60)
        relay.kill()
        relay.start()
        eventually(lambda: Effect.objects.count() > 700, timeout=60)
        link.cut(seconds=3)
        producing.join(timeout=120)
        eventually(
            lambda: Effect.objects.values("event_id").distinct().count() == EVENTS,
            timeout=120,
            message=f"{Effect.objects.values('event_id').distinct().count()} of {EVENTS} events took effect",
        )
    finally:
        for worker in (relay, consumer):
            worker.stop()
        link.close()
        connection.close()

    repeated = Effect.objects.values("event_id").annotate(times=Count("id")).filter(times__gt=1)
    assert list(repeated) == [], "an event took effect twice"
    assert sorted(Effect.objects.values_list("number", flat=True)) == list(range(EVENTS))
    assert not OutboxMessage.objects.filter(sent_at=None).exists()
    assert (
        queue_status(
            events_settings["BROKER_URL"], f"{events_settings['QUEUE']}.dead-letter"
        ).message_count
        == 0
    )


@pytest.mark.django_db(transaction=True)
def test_one_process_can_relay_and_consume_and_stops_whole(events_settings, tmp_path):
    """What a native run starts: `relay_events --consume`, the two in threads of one process."""
    both = Worker("relay_events", worker_env(events_settings), tmp_path / "both.log", "--consume")
    both.start()
    try:
        wait_until_consumed(events_settings["BROKER_URL"], events_settings["QUEUE"])
        with transaction.atomic():
            for number in range(50):
                publish(WidgetShipped(uuid4(), number))
        eventually(
            lambda: Effect.objects.count() == 50,
            timeout=60,
            message=lambda: f"{Effect.objects.count()} of 50 events took effect",
        )
    finally:
        both.stop()
        connection.close()

    assert both.process.returncode == 0, (tmp_path / "both.log").read_text()
    assert not OutboxMessage.objects.filter(sent_at=None).exists()


def produce() -> None:
    """The application: small transactions, each announcing what it did."""
    try:
        for start in range(0, EVENTS, 20):
            with transaction.atomic():
                for number in range(start, start + 20):
                    publish(WidgetShipped(uuid4(), number))
            time.sleep(0.01)
    finally:
        connection.close()


# Far fewer than the outage's redelivery cycles, had the consumer handed its deliveries back.
SMALL_DELIVERY_LIMIT = 1
OUTAGE_SECONDS = 12


@pytest.mark.django_db(transaction=True)
def test_a_database_outage_longer_than_the_delivery_limit_parks_and_repeats_nothing(
    events_settings, tmp_path
):
    link = CuttableLink.to(database_url_for_tests())
    env = worker_env(
        events_settings,
        DATABASE_URL=link.carry(database_url_for_tests()),
        EVENTS_DELIVERY_LIMIT=str(SMALL_DELIVERY_LIMIT),
    )
    consumer = Worker("consume_events", env, tmp_path / "consumer.log")
    consumer.start()
    amqp = pika.BlockingConnection(pika.URLParameters(events_settings["BROKER_URL"]))
    channel = amqp.channel()
    channel.confirm_delivery()

    def send(numbers: range) -> None:
        for number in numbers:
            event = Event(
                type=WidgetShipped.TYPE,
                source="/sample",
                data={"widget_id": str(uuid4()), "number": number},
            )
            channel.basic_publish(events_settings["EXCHANGE"], event.type, event.to_json())

    try:
        wait_until_consumed(events_settings["BROKER_URL"], events_settings["QUEUE"])
        send(range(100))
        eventually(lambda: Effect.objects.count() >= 100, message="the consumer never got going")
        outage = threading.Thread(target=link.cut, args=(OUTAGE_SECONDS,))
        outage.start()
        send(range(100, 130))  # fewer than one prefetch: the same deliveries wait out the outage
        outage.join()
        eventually(
            lambda: Effect.objects.count() >= 130,
            timeout=60,
            message=lambda: f"{Effect.objects.count()} of 130 events took effect after the outage",
        )
    finally:
        consumer.stop()
        amqp.close()
        link.close()
        connection.close()

    repeated = Effect.objects.values("event_id").annotate(times=Count("id")).filter(times__gt=1)
    assert list(repeated) == [], "an event took effect twice"
    assert sorted(Effect.objects.values_list("number", flat=True)) == list(range(130))
    for queue in (events_settings["QUEUE"], f"{events_settings['QUEUE']}.dead-letter"):
        assert queue_status(events_settings["BROKER_URL"], queue).message_count == 0, queue
    log = (tmp_path / "consumer.log").read_text()
    assert "Database unavailable, holding" in log, "the outage never reached the consumer"
