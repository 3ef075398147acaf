"""The consumer handles each event once in effect, retries failures, and parks what never works."""

from uuid import uuid4

import pika
import pytest

from chassis.events import Event
from chassis.events.broker import Topology
from chassis.events.consumer import Consumer
from chassis.models import InboxMessage
from chassis.queues import wait_until_consumed
from chassis_testing import eventually

from tests.models import Effect

pytestmark = pytest.mark.django_db(transaction=True)


def shipped(number: int, fail: str = "never") -> Event:
    return Event(
        type="sample.widget.shipped.v1",
        source="/tests",
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
