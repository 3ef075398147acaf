"""Many writers at once: transactions commit in another order than they wrote their
outbox rows, two relays and two consumers run side by side, and still every event is
published once, handled once, and promptly."""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from uuid import uuid4

import pytest
from django.db import connection, transaction
from django.db.models import Count

from chassis.events import publish
from chassis.events.consumer import Consumer
from chassis.events.relay import Relay
from chassis.models import OutboxMessage
from chassis.queues import wait_until_consumed
from chassis_testing import eventually

from tests.events import WidgetShipped
from tests.models import Effect

pytestmark = pytest.mark.django_db(transaction=True)

WRITERS = 8
TRANSACTIONS_PER_WRITER = 210
# The relays here poll once an hour, so that only publishing on commit meets this deadline,
# however slow the machine is that runs it.
RELAY_POLL_SECONDS = 3600
HANDLED_WITHIN_SECONDS = 120


def write(writer: int, start: threading.Barrier, numbers: list[int]) -> None:
    """One writer: small transactions that pause between writing their events and committing,
    so that a row written later often commits earlier."""
    pause = random.Random(writer)  # noqa: S311 - pauses, not secrets
    start.wait()
    try:
        for index in range(TRANSACTIONS_PER_WRITER):
            with transaction.atomic():
                for _ in range(1 + (index % 5 == 0)):
                    number = writer * 10_000 + len(numbers)
                    publish(WidgetShipped(uuid4(), number))
                    numbers.append(number)
                time.sleep(pause.uniform(0, 0.004))
    finally:
        connection.close()


def test_writers_committing_out_of_order_lose_and_repeat_nothing(events_settings, probe, in_thread):
    events_settings["RELAY_POLL_SECONDS"] = RELAY_POLL_SECONDS
    for worker in (Relay, Relay, Consumer, Consumer):
        in_thread(worker)
    wait_until_consumed(events_settings["BROKER_URL"], events_settings["QUEUE"], consumers=2)
    start = threading.Barrier(WRITERS)
    written: list[list[int]] = [[] for _ in range(WRITERS)]
    writers = [
        threading.Thread(target=write, args=(writer, start, written[writer]))
        for writer in range(WRITERS)
    ]

    for thread in writers:
        thread.start()
    for thread in writers:
        thread.join(timeout=300)
    last_commit = time.monotonic()
    expected = sorted(number for numbers in written for number in numbers)
    assert len(expected) >= 2000

    eventually(
        lambda: Effect.objects.count() >= len(expected),
        timeout=HANDLED_WITHIN_SECONDS,
        message=lambda: (
            f"{Effect.objects.count()} of {len(expected)} events handled "
            f"{HANDLED_WITHIN_SECONDS} s after the last commit; "
            f"{OutboxMessage.objects.filter(sent_at=None).count()} outbox rows unsent"
        ),
    )
    handled_after = time.monotonic() - last_commit
    published = Counter(event.id for event in probe.take(len(expected)))
    published.update(event.id for event in probe.take(1, timeout=1))

    repeated = Effect.objects.values("event_id").annotate(times=Count("id")).filter(times__gt=1)
    assert list(repeated) == [], "an event took effect twice"
    assert sorted(Effect.objects.values_list("number", flat=True)) == expected
    assert len(published) == len(expected)
    assert [event_id for event_id, times in published.items() if times > 1] == [], (
        "two relays published the same event"
    )
    eventually(lambda: not OutboxMessage.objects.filter(sent_at=None).exists())
    assert handled_after < HANDLED_WITHIN_SECONDS
