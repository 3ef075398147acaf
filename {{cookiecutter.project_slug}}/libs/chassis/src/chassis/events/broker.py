"""The broker as every process of a service sees it: one connection, one topology.

The events exchange is a durable topic exchange shared by every service. Each
consuming service owns a durable queue bound to the types it subscribes to; a
failed event waits in one of the service's retry queues (each with its own
delay, after which it goes back to the main queue); after the last attempt it
is parked in the service's dead-letter queue with the error.

:func:`connection` is the process's one broker connection (the chassis owns it:
no code of a service opens another).
"""

from __future__ import annotations

from dataclasses import dataclass

import pika
from django.conf import settings
from pika.adapters.blocking_connection import BlockingChannel


@dataclass(frozen=True)
class Topology:
    exchange: str
    queue: str
    retry_delays: tuple[int, ...]

    @classmethod
    def from_settings(cls) -> Topology:
        events = settings.EVENTS
        return cls(events["EXCHANGE"], events["QUEUE"], tuple(events["RETRY_DELAYS"]))

    @property
    def dead_letter_queue(self) -> str:
        return f"{self.queue}.dead-letter"

    def retry_queue(self, attempt: int) -> str:
        """The queue an event waits in after failing `attempt` times (1 is the first failure)."""
        return f"{self.queue}.retry.{self.retry_delays[attempt - 1]}s"

    def declare_exchange(self, channel: BlockingChannel) -> None:
        channel.exchange_declare(self.exchange, exchange_type="topic", durable=True)

    def declare_queues(self, channel: BlockingChannel, event_types: list[str]) -> None:
        self.declare_exchange(channel)
        channel.queue_declare(self.queue, durable=True, arguments={"x-queue-type": "quorum"})
        for event_type in event_types:
            channel.queue_bind(self.queue, self.exchange, routing_key=event_type)
        for attempt, delay in enumerate(self.retry_delays, start=1):
            # Expired messages go back to the main queue through the default exchange.
            arguments = {
                "x-message-ttl": delay * 1000,
                "x-dead-letter-exchange": "",
                "x-dead-letter-routing-key": self.queue,
            }
            channel.queue_declare(self.retry_queue(attempt), durable=True, arguments=arguments)
        channel.queue_declare(self.dead_letter_queue, durable=True)


def parameters() -> pika.URLParameters:
    params = pika.URLParameters(settings.EVENTS["BROKER_URL"])
    params.heartbeat = 30
    params.blocked_connection_timeout = 60
    params.client_properties = {"connection_name": f"{settings.SERVICE_INFO.name}"}
    return params


_connection: pika.BlockingConnection | None = None


def connection() -> pika.BlockingConnection:
    """The process's broker connection, opened on first use and again after it was lost."""
    global _connection
    if _connection is None or _connection.is_closed:
        _connection = pika.BlockingConnection(parameters())
    return _connection


def close() -> None:
    global _connection
    if _connection is not None and _connection.is_open:
        _connection.close()
    _connection = None
