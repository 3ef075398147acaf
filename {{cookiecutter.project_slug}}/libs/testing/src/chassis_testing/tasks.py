"""Fixtures for a service with Celery tasks: load with ``pytest_plugins = ["chassis_testing.tasks"]``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from chassis_testing import MailServer, ServiceProcess


@pytest.fixture(scope="session")
def celery_worker(
    django_db_setup: None, smtp_server: MailServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServiceProcess]:
    """A real worker of the service's Celery app, on this run's task queue and test database,
    sending mail to ``smtp_server``; its queue and exchange are deleted at the end."""
    import pika
    from django.conf import settings

    from chassis.queues import wait_until_consumed

    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    worker = ServiceProcess(
        # Without gossip and mingle the worker keeps to itself: other workers share the broker.
        [
            *("-m", "celery", "--app", "chassis.celery_app", "worker", "--loglevel", "INFO"),
            *("--without-gossip", "--without-mingle"),
            *("--hostname", f"{queue}@%h"),
        ],
        tmp_path_factory.mktemp("celery") / "worker.log",
        # Retries after a second or so, not half a minute: the backoff's shape is the same.
        env={"EMAIL_URL": smtp_server.url, "TASK_RETRY_BACKOFF_SECONDS": "1"},
    )
    try:
        try:
            wait_until_consumed(
                settings.CELERY_BROKER_URL,
                queue,
                still_running=lambda: worker.process.poll() is None,
            )
        except (RuntimeError, TimeoutError) as error:
            pytest.fail(f"{error}: the Celery worker never took its queue:\n{worker.output()}")
        yield worker
    finally:
        worker.stop()
        with pika.BlockingConnection(pika.URLParameters(settings.CELERY_BROKER_URL)) as amqp:
            channel = amqp.channel()
            channel.queue_delete(queue)
            channel.exchange_delete(queue)  # Celery routes to a queue through its namesake
