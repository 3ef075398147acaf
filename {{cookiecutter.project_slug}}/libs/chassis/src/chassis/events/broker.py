"""The broker as every process of a service sees it: one connection, one topology.

The events exchange is a durable topic exchange shared by every service, declared
by provisioning (see chassis.broker_access: each service's broker user may
publish only its own event types and use only its own queues). Each
consuming service owns a durable queue bound to the types it subscribes to; a
failed event waits in one of the service's retry queues (each with its own
delay, after which it goes back to the main queue); after the last attempt it
is parked in the service's dead-letter queue with the error.

Nothing is dropped by the broker. The main queue is a quorum queue with an
explicit delivery limit (RabbitMQ 4 would otherwise impose 20, and 3.x none):
a message delivered that many times without being settled (a consumer that
crashes on it, again and again) is dead-lettered to the same dead-letter
queue, at least once. An event no queue is bound for (a type nobody
subscribes to yet) goes to the exchange's alternate exchange and waits in
``<exchange>.unroutable`` for as long as the outbox keeps sent rows, where an
operator can read it; it is not an error, since subscribers may come later.

:func:`connection` is the process's one broker connection (the chassis owns it:
no code of a service opens another). The relay alone keeps an asynchronous
connection of its own, for its window of unconfirmed messages.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import pika
from django.conf import settings
from pika.adapters.blocking_connection import BlockingChannel

from chassis import broker_access

# Dead-lettering that the broker confirms, so that a message moved to the
# dead-letter queue is never lost on the way (it needs reject-publish overflow).
AT_LEAST_ONCE_DEAD_LETTERING = {
    "x-dead-letter-strategy": "at-least-once",
    "x-overflow": "reject-publish",
}


@dataclass(frozen=True)
class Topology:
    exchange: str
    queue: str
    retry_delays: tuple[int, ...]
    delivery_limit: int
    unroutable_retention_seconds: int

    @classmethod
    def from_settings(cls) -> Topology:
        events = settings.EVENTS
        return cls(
            events["EXCHANGE"],
            events["QUEUE"],
            tuple(events["RETRY_DELAYS"]),
            events["DELIVERY_LIMIT"],
            events["OUTBOX_RETENTION_DAYS"] * 86_400,
        )

    @property
    def unroutable_queue(self) -> str:
        """Where events no queue is bound for wait (also the name of the alternate exchange)."""
        return broker_access.unroutable(self.exchange)

    @property
    def dead_letter_queue(self) -> str:
        return f"{self.queue}.dead-letter"

    def retry_queue(self, attempt: int) -> str:
        """The queue an event waits in after failing `attempt` times (1 is the first failure)."""
        return f"{self.queue}.retry.{self.retry_delays[attempt - 1]}s"

    @property
    def redelivery_exchange(self) -> str:
        """The service's own direct exchange into its queues, by their names: the consumer hands
        events to its retry and dead-letter queues through it, the broker dead-letters through
        it, a replay goes back to the queue through it. Not the default exchange: that reaches
        every queue, so the service's user may not write to it."""
        return f"{self.queue}.redelivery"

    def exchange_declarations(self) -> list[Declaration]:
        """The events exchange, with the alternate exchange and queue of what it cannot route:
        the shared topology, which provisioning declares (chassis.broker_access)."""
        shared = broker_access.shared_topology("", self.exchange, self.unroutable_retention_seconds)
        declarations = [
            Declaration(
                "exchange_declare",
                {
                    "exchange": exchange["name"],
                    "exchange_type": exchange["type"],
                    "durable": exchange["durable"],
                    "arguments": exchange["arguments"],
                },
            )
            for exchange in shared["exchanges"]
        ]
        declarations += [
            Declaration(
                "queue_declare",
                {
                    "queue": queue["name"],
                    "durable": queue["durable"],
                    "arguments": queue["arguments"],
                },
            )
            for queue in shared["queues"]
        ]
        declarations += [
            Declaration("queue_bind", {"queue": bind["destination"], "exchange": bind["source"]})
            for bind in shared["bindings"]
        ]
        return declarations

    def exchange_check(self) -> list[Declaration]:
        """That the events exchange is there: a service's user may not declare it."""
        return [Declaration("exchange_declare", {"exchange": self.exchange, "passive": True})]

    def queue_declarations(self, event_types: list[str]) -> list[Declaration]:
        """The service's queues, bound to `event_types`, and the exchange they hang off."""
        declarations = [
            *self.exchange_check(),
            Declaration(
                "exchange_declare",
                {"exchange": self.redelivery_exchange, "exchange_type": "direct", "durable": True},
            ),
            Declaration("queue_declare", {"queue": self.dead_letter_queue, "durable": True}),
            Declaration(
                "queue_declare",
                {
                    "queue": self.queue,
                    "durable": True,
                    "arguments": {
                        "x-queue-type": "quorum",
                        "x-delivery-limit": self.delivery_limit,
                        "x-dead-letter-exchange": self.redelivery_exchange,
                        "x-dead-letter-routing-key": self.dead_letter_queue,
                        **AT_LEAST_ONCE_DEAD_LETTERING,
                    },
                },
            ),
        ]
        declarations += [
            Declaration(
                "queue_bind",
                {"queue": self.queue, "exchange": self.exchange, "routing_key": event_type},
            )
            for event_type in event_types
        ]
        redelivered = [self.queue, self.dead_letter_queue]
        for attempt, delay in enumerate(self.retry_delays, start=1):
            # Expired messages go back to the main queue through the redelivery exchange.
            arguments = {
                "x-queue-type": "quorum",
                "x-message-ttl": delay * 1000,
                "x-dead-letter-exchange": self.redelivery_exchange,
                "x-dead-letter-routing-key": self.queue,
                **AT_LEAST_ONCE_DEAD_LETTERING,
            }
            declarations.append(
                Declaration(
                    "queue_declare",
                    {"queue": self.retry_queue(attempt), "durable": True, "arguments": arguments},
                )
            )
            redelivered.append(self.retry_queue(attempt))
        declarations += [
            Declaration(
                "queue_bind",
                {"queue": queue, "exchange": self.redelivery_exchange, "routing_key": queue},
            )
            for queue in redelivered
        ]
        return declarations

    def declare_exchange(self, channel: BlockingChannel) -> None:
        """Declare the shared topology: what provisioning does, as an administrator."""
        declare(channel, self.exchange_declarations())

    def declare_queues(self, channel: BlockingChannel, event_types: list[str]) -> None:
        declare(channel, self.queue_declarations(event_types))


@dataclass(frozen=True)
class Declaration:
    """One step of declaring the topology: a channel method and its arguments, as data, so that
    blocking channels and the relay's asynchronous one declare exactly the same things."""

    method: str
    arguments: dict[str, Any]


def declare(channel: BlockingChannel, declarations: list[Declaration]) -> None:
    for declaration in declarations:
        getattr(channel, declaration.method)(**declaration.arguments)


def parameters() -> pika.URLParameters:
    params = pika.URLParameters(settings.EVENTS["BROKER_URL"])
    params.heartbeat = 30
    params.blocked_connection_timeout = 60
    params.client_properties = {"connection_name": f"{settings.SERVICE_INFO.name}"}
    return params


# One per thread: pika's connections are not thread-safe, and the rare process
# that runs a consumer in each of several threads (a test) needs one each.
_local = threading.local()


def connection() -> pika.BlockingConnection:
    """The process's broker connection, opened on first use and again after it was lost."""
    current = getattr(_local, "connection", None)
    if current is None or current.is_closed:
        current = _local.connection = pika.BlockingConnection(parameters())
    return current


def close() -> None:
    current = getattr(_local, "connection", None)
    if current is not None and current.is_open:
        current.close()
    _local.connection = None
