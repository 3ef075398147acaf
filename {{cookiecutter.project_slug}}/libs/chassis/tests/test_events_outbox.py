"""Producing: an event is an outbox row written in the transaction of its change."""

from dataclasses import dataclass
from typing import ClassVar
from uuid import UUID, uuid4

import psycopg
import pytest
from django.db import connection, transaction
from django_guid import clear_guid, set_guid

from chassis.events import Event, publish
from chassis.events.schemas import EventDataInvalid, UnknownEventType
from chassis.models import OutboxMessage

from tests.events import WidgetShipped


@dataclass(frozen=True)
class WidgetLost:
    TYPE: ClassVar[str] = "sample.widget.lost.v1"

    widget_id: UUID


@pytest.mark.django_db
def test_an_event_is_a_cloudevent_in_the_outbox():
    widget = uuid4()
    set_guid("feedfacefeedfacefeedfacefeedface")
    try:
        with transaction.atomic():
            publish(WidgetShipped(widget, 3))
    finally:
        clear_guid()

    row = OutboxMessage.objects.get()
    event = Event.from_json(bytes(row.body))
    assert (event.specversion, event.type, event.source) == (
        "1.0",
        "sample.widget.shipped.v1",
        "/sample",
    )
    assert event.data == {"widget_id": str(widget), "number": 3, "fail": "never"}
    assert event.correlationid == "feedfacefeedfacefeedfacefeedface"
    assert (row.event_id, row.event_type, row.sent_at) == (UUID(event.id), event.type, None)


@pytest.mark.django_db
def test_data_its_schema_refuses_is_refused_before_anything_is_written():
    with pytest.raises(EventDataInvalid, match="number"), transaction.atomic():
        publish(WidgetShipped(uuid4(), -1))

    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db
def test_a_type_without_a_schema_cannot_be_published():
    with pytest.raises(UnknownEventType), transaction.atomic():
        publish(WidgetLost(uuid4()))


@pytest.mark.django_db(transaction=True)
def test_publishing_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError, match="inside the transaction"):
        publish(WidgetShipped(uuid4(), 1))


@pytest.mark.django_db(transaction=True)
def test_a_change_that_rolls_back_announces_nothing():
    def fail_after_publishing():
        with transaction.atomic():
            publish(WidgetShipped(uuid4(), 1))
            raise RuntimeError

    with pytest.raises(RuntimeError):
        fail_after_publishing()

    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_commit_notifies_listeners_and_not_before():
    database = connection.settings_dict
    with psycopg.connect(
        dbname=database["NAME"],
        user=database["USER"],
        password=database["PASSWORD"],
        host=database["HOST"],
        port=database["PORT"] or None,
        autocommit=True,
    ) as listener:
        listener.execute("LISTEN outbox")
        with transaction.atomic():
            publish(WidgetShipped(uuid4(), 1))
            assert list(listener.notifies(timeout=0.2)) == []

        assert [note.channel for note in listener.notifies(timeout=5, stop_after=1)] == ["outbox"]
