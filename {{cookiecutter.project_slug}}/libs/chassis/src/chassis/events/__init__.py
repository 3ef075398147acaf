"""Events between services: CloudEvents on one RabbitMQ topic exchange, reliably.

A service publishes inside its business transaction and subscribes with a
decorator; the chassis does the rest:

    # application code, inside a unit of work
    uow.publish(ProductCreated(...))             # an outbox row, same transaction

    # <app>/subscribers.py
    @subscriber("orders.order.placed.v1")
    def reserve_stock(event: Event) -> None: ...

Producing: :func:`publish` validates the data against the type's JSON Schema
(``<app>/event_schemas/<type>.json``) and writes an outbox row; ``manage.py
relay_events`` publishes committed rows in order, persistent, with publisher
confirms, and marks them sent once confirmed. Consuming: ``manage.py
consume_events`` runs each handler in a transaction that also records the
event in the inbox (a redelivered event is skipped), acknowledges after the
commit, retries failures with growing delays and parks them in the service's
dead-letter queue after the last attempt.
"""

from chassis.events.envelope import Event
from chassis.events.outbox import publish
from chassis.events.subscribers import subscriber

__all__ = ["Event", "publish", "subscriber"]
