"""The consumer handles each event once in effect, retries failures, and parks what never works."""

from datetime import timedelta
from io import StringIO
from uuid import uuid4

import pika
import pytest
from django.core.management import call_command
from django.utils import timezone

from chassis.events import Event
from chassis.events.broker import Topology
from chassis.events.consumer import Consumer
from chassis.models import InboxMessage
from chassis.queues import wait_until_consumed
from chassis_testing import eventually

from tests import subscribers
from tests.models import Effect

pytestmark = pytest.mark.django_db(transaction=True)


def shipped(number: int, fail: str = "never") -> Event:
    return Event(
        type="sample.widget.shipped.v1",
        source="/sample",
        data={"widget_id": str(uuid4()), "number": number, "fail": fail},
    )


class Broker:
    def __init__(self, events: dict) -> None:
        self.events = events
        self.amqp = pika.BlockingConnection(pika.URLParameters(events["BROKER_URL"]))
        self.channel = self.amqp.channel()

    def queue_depth(self, queue: str) -> int:
        return self.channel.queue_declare(queue, passive=True).method.message_count

    def publish(self, body: bytes, routing_key: str = "sample.widget.shipped.v1") -> None:
        properties = pika.BasicProperties(delivery_mode=pika.DeliveryMode.Persistent)
        self.channel.basic_publish(self.events["EXCHANGE"], routing_key, body, properties)

    def dead_letters(self) -> list[tuple[pika.BasicProperties, bytes]]:
        letters = []
        while True:
            method, properties, body = self.channel.basic_get(
                f"{self.events['QUEUE']}.dead-letter", auto_ack=True
            )
            if method is None:
                return letters
            letters.append((properties, body))


@pytest.fixture
def broker(events_settings, in_thread):
    in_thread(Consumer)
    broker = Broker(events_settings)
    wait_until_consumed(events_settings["BROKER_URL"], events_settings["QUEUE"])
    yield broker
    broker.amqp.close()


def test_an_event_delivered_twice_takes_effect_once(broker, events_settings):
    event = shipped(1)

    broker.publish(event.to_json())
    broker.publish(event.to_json())

    eventually(lambda: InboxMessage.objects.filter(event_id=event.id).exists())
    eventually(lambda: broker.queue_depth(events_settings["QUEUE"]) == 0)
    assert list(Effect.objects.values_list("number", flat=True)) == [1]


def test_a_failed_attempt_is_rolled_back_and_retried(broker):
    event = shipped(2, fail="once")

    broker.publish(event.to_json())

    eventually(
        lambda: InboxMessage.objects.filter(event_id=event.id).exists(), message="never handled"
    )
    assert list(Effect.objects.values_list("number", flat=True)) == [2]


def test_after_the_last_retry_the_event_is_parked_with_its_error(broker):
    event = shipped(3, fail="always")

    broker.publish(event.to_json())

    letters: list = []
    eventually(
        lambda: letters.extend(broker.dead_letters()) or letters, message="nothing dead-lettered"
    )
    properties, body = letters[0]
    assert Event.from_json(body).id == event.id
    assert properties.headers["x-attempts"] == 3
    assert "refusing widget #3" in properties.headers["x-error"]
    assert not Effect.objects.exists()
    assert not InboxMessage.objects.exists()


def test_one_failing_event_in_a_batch_holds_back_no_other(events_settings, in_thread):
    broker = Broker(events_settings)
    Topology.from_settings().declare_queues(broker.channel, ["sample.widget.shipped.v1"])
    # Waiting before the consumer starts, they reach it together: one batch.
    for number in range(30):
        broker.publish(shipped(number, fail="always" if number == 7 else "never").to_json())

    in_thread(Consumer)

    letters: list = []
    eventually(
        lambda: letters.extend(broker.dead_letters()) or letters, message="nothing dead-lettered"
    )
    assert [Event.from_json(body).data["number"] for _, body in letters] == [7]
    assert sorted(Effect.objects.values_list("number", flat=True)) == [
        n for n in range(30) if n != 7
    ]
    broker.amqp.close()


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (b"this is not json", "not a CloudEvent"),
        (shipped(4).to_json().replace(b'"id":"', b'"id":"not-a-uuid-'), "is not a UUID"),
    ],
)
def test_a_message_that_is_not_an_event_is_parked(broker, body, error):
    broker.publish(body)

    letters: list = []
    eventually(
        lambda: letters.extend(broker.dead_letters()) or letters, message="nothing dead-lettered"
    )
    assert letters[0][1] == body
    assert error in letters[0][0].headers["x-error"]


def test_an_event_that_claims_another_source_is_parked_unhandled(broker, caplog):
    # The routing key is sample's own, as one stolen from sample would be; the body says it
    # comes from orders, which does not publish sample's events.
    forged = Event(
        type="sample.widget.shipped.v1", source="/orders", data=shipped(5).data
    ).to_json()
    broker.publish(forged)
    broker.publish(shipped(6).to_json())  # a true one, behind it, goes through

    eventually(lambda: Effect.objects.filter(number=6).exists(), message="the true one waits")
    letters: list = []
    eventually(
        lambda: letters.extend(broker.dead_letters()) or letters, message="nothing dead-lettered"
    )
    assert not Effect.objects.filter(number=5).exists()
    assert letters[0][1] == forged
    event_id = Event.from_json(forged).id
    refusal = (
        f"Refusing sample.widget.shipped.v1 {event_id}: it claims to come from '/orders',"
        " but only sample publishes it ('/sample')"
    )
    assert letters[0][0].headers["x-error"] == refusal
    assert refusal in [record.getMessage() for record in caplog.records]


def test_a_parked_event_is_called_out_and_handed_back_by_replay_once_put_right(
    broker, events_settings, caplog
):
    event = shipped(4, fail="until-fixed")
    broker.publish(event.to_json())
    dead_letter_queue = f"{events_settings['QUEUE']}.dead-letter"
    eventually(lambda: broker.queue_depth(dead_letter_queue) == 1, message="nothing parked")
    eventually(
        lambda: any(f"1 events wait in {dead_letter_queue}" in r.message for r in caplog.records),
        message="no alarm",
    )

    subscribers.fixed.add(event.id)
    replay = StringIO()
    call_command("replay_dead_letters", stdout=replay)

    assert replay.getvalue().strip() == f"Handed 1 events back to {events_settings['QUEUE']}."
    eventually(lambda: InboxMessage.objects.filter(event_id=event.id).exists(), message="unhandled")
    assert broker.queue_depth(dead_letter_queue) == 0
    assert list(Effect.objects.values_list("number", flat=True)) == [4]


def test_replay_hands_back_no_more_than_asked(broker, events_settings):
    for number in (5, 6):
        broker.publish(shipped(number, fail="always").to_json())
    dead_letter_queue = f"{events_settings['QUEUE']}.dead-letter"
    eventually(lambda: broker.queue_depth(dead_letter_queue) == 2, message="not both parked")

    call_command("replay_dead_letters", "--limit", "1", stdout=StringIO())

    # The one handed back fails again, from its first attempt: three more, then parked again.
    eventually(lambda: broker.queue_depth(dead_letter_queue) == 2, timeout=30)
    letters = broker.dead_letters()
    assert sorted(properties.headers["x-attempts"] for properties, _ in letters) == [3, 3]


def test_the_consumer_forgets_inbox_rows_past_their_retention(events_settings, in_thread):
    old, recent = uuid4(), uuid4()
    for event_id in (old, recent):
        InboxMessage.objects.create(event_id=event_id, event_type="sample.widget.shipped.v1")
    retention = timedelta(days=events_settings["INBOX_RETENTION_DAYS"])
    InboxMessage.objects.filter(event_id=old).update(
        handled_at=timezone.now() - retention - timedelta(minutes=1)
    )

    in_thread(Consumer)

    eventually(lambda: not InboxMessage.objects.filter(event_id=old).exists(), message="kept")
    assert InboxMessage.objects.filter(event_id=recent).exists()
