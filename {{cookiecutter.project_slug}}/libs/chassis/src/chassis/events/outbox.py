"""Producing: an event becomes an outbox row in the same transaction as the change it announces.

Either both commit or neither does, so an event is never announced for a change
that rolled back, nor lost for one that committed. On PostgreSQL the commit
also notifies the relay, which publishes at once instead of at its next poll.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict
from typing import ClassVar, Protocol

from django.conf import settings
from django.db import connection, transaction
from django_guid import get_guid

from chassis import broker_access, tracing
from chassis.events import schemas
from chassis.events.envelope import Event, json_ready
from chassis.models import OutboxMessage

NOTIFY_CHANNEL = "outbox"


class DomainEvent(Protocol):
    """A dataclass that knows the type it is published as."""

    TYPE: ClassVar[str]


def publish(event: DomainEvent) -> Event:
    """Write `event` to the outbox; call it inside the transaction of the change it announces."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("publish() belongs inside the transaction of the change it announces")
    data = json_ready(asdict(event))
    schemas.validate(event.TYPE, data)
    event_id = str(uuid.uuid4())
    with tracing.creating_event(event.TYPE, event_id, settings.EVENTS["EXCHANGE"]) as context:
        envelope = Event(
            type=event.TYPE,
            source=broker_access.source(settings.SERVICE_INFO.name),
            data=data,
            id=event_id,
            correlationid=get_guid(),
            **context,
        )
        OutboxMessage.objects.create(
            event_id=envelope.id, event_type=envelope.type, body=envelope.to_json()
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Delivered when the transaction commits, never if it rolls back.
            cursor.execute("SELECT pg_notify(%s, '')", [NOTIFY_CHANNEL])
    return envelope
