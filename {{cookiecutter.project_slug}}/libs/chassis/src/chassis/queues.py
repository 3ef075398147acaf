"""A queue watched from outside the services (tests, benchmarks), on a short connection
of its own: no Django, so that a script can use it too."""

from __future__ import annotations

import time
from collections.abc import Callable

import pika


def queue_status(broker_url: str, queue: str) -> pika.spec.Queue.DeclareOk:
    """The messages and consumers of `queue`; none of either while it does not exist."""
    (status,) = queue_statuses(broker_url, [queue])
    return status


def queue_statuses(broker_url: str, queues: list[str]) -> list[pika.spec.Queue.DeclareOk]:
    """:func:`queue_status` of each of `queues`, on one connection."""
    statuses = []
    with pika.BlockingConnection(pika.URLParameters(broker_url)) as amqp:
        channel = amqp.channel()
        for queue in queues:
            try:
                statuses.append(channel.queue_declare(queue, passive=True).method)
            except pika.exceptions.ChannelClosedByBroker:
                # The broker closes the channel of a passive declaration that finds nothing.
                statuses.append(pika.spec.Queue.DeclareOk(queue, message_count=0, consumer_count=0))
                channel = amqp.channel()
    return statuses


def wait_until_consumed(
    broker_url: str,
    queue: str,
    consumers: int = 1,
    timeout: float = 60,
    still_running: Callable[[], bool] = lambda: True,
) -> None:
    """Until `consumers` consume `queue`. A consumer consumes once it has bound its queue:
    a message published before then would reach nobody. Raises TimeoutError, or
    RuntimeError as soon as `still_running` says the consumers' process went."""
    deadline = time.monotonic() + timeout
    while queue_status(broker_url, queue).consumer_count < consumers:
        if not still_running():
            raise RuntimeError(f"what should consume {queue} stopped")
        if time.monotonic() > deadline:
            raise TimeoutError(f"{queue} had fewer than {consumers} consumer(s) after {timeout} s")
        time.sleep(0.1)
