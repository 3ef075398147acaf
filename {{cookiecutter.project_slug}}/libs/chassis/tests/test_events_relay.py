"""The relay publishes committed events in order, with confirms, promptly, and tidies up."""

import random
import threading
import time
from datetime import timedelta
from uuid import uuid4

import pika
import pytest
from django.db import connection, transaction
from django.utils import timezone

from chassis.events import Event, publish, relay
from chassis.events.relay import Relay
from chassis.models import OutboxMessage
from chassis.queues import queue_status
from chassis_testing import eventually

from tests.events import WidgetShipped

pytestmark = pytest.mark.django_db(transaction=True)


def produce(numbers: range, per_transaction: int = 50) -> None:
    for start in range(numbers.start, numbers.stop, per_transaction):
        with transaction.atomic():
            for number in range(start, min(start + per_transaction, numbers.stop)):
                publish(WidgetShipped(uuid4(), number))


def test_committed_events_are_published_in_order_and_marked_sent(probe, in_thread):
    in_thread(Relay)

    produce(range(600))

    assert [event.data["number"] for event in probe.take(600)] == list(range(600))
    eventually(
        lambda: not OutboxMessage.objects.filter(sent_at=None).exists(), message="rows left unsent"
    )


def test_a_commit_wakes_the_relay_long_before_its_next_poll(events_settings, probe, in_thread):
    in_thread(Relay)
    produce(range(1))
    assert len(probe.take(1)) == 1

    produce(range(1, 2))

    # The relay polls every 30 s here: only the commit's notification brings this within 10.
    assert [event.data["number"] for event in probe.take(1, timeout=10)] == [1]


def test_a_commit_during_the_relays_own_query_wakes_it_too(events_settings, probe, in_thread):
    """A notification that arrives while the relay queries its listening connection is read
    off the socket by that query, and never makes the socket readable: the relay must hear it
    all the same, not wait for its poll."""
    in_thread(Relay)
    produce(range(1))
    probe.take(1)
    pause = random.Random(7)  # noqa: S311 - timings, not secrets
    for number in range(1, 100):
        # About when the relay marks the event before sent, on its listening connection.
        time.sleep(relay.MARK_SECONDS + pause.uniform(-0.004, 0.004))
        produce(range(number, number + 1))
        # The relay polls every 30 s here.
        assert len(probe.take(1, timeout=5)) == 1, f"event {number} waited for the poll"


def test_a_second_relay_waits_for_the_first(probe, in_thread):
    in_thread(Relay)
    in_thread(Relay)

    produce(range(300))

    numbers = [event.data["number"] for event in probe.take(300)]
    assert numbers == list(range(300))
    assert probe.take(1, timeout=2) == [], "an event went out twice"


def test_an_event_no_queue_is_bound_for_waits_where_an_operator_can_read_it(
    events_settings, in_thread
):
    in_thread(Relay)

    produce(range(1))

    unroutable = f"{events_settings['EXCHANGE']}.unroutable"
    eventually(lambda: queue_status(events_settings["BROKER_URL"], unroutable).message_count == 1)
    with pika.BlockingConnection(pika.URLParameters(events_settings["BROKER_URL"])) as amqp:
        _method, _properties, body = amqp.channel().basic_get(unroutable, auto_ack=True)
    assert Event.from_json(body).id == str(OutboxMessage.objects.get().event_id)
    eventually(lambda: not OutboxMessage.objects.filter(sent_at=None).exists())


def test_the_relay_listens_on_a_connection_made_as_djangos_are(events_settings):
    with Relay(threading.Event())._listener() as listener:
        assert listener.execute("SHOW statement_timeout").fetchone() == ("30s",)
        assert listener.info.dbname == connection.settings_dict["NAME"]


def test_sent_rows_are_pruned_once_old(events_settings):
    produce(range(2))
    old, recent = OutboxMessage.objects.order_by("sequence")
    OutboxMessage.objects.filter(pk=old.pk).update(sent_at=timezone.now() - timedelta(days=8))
    OutboxMessage.objects.filter(pk=recent.pk).update(sent_at=timezone.now() - timedelta(days=1))

    Relay(threading.Event()).prune()

    assert list(OutboxMessage.objects.values_list("pk", flat=True)) == [recent.pk]
