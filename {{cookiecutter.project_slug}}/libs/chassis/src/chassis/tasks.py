"""Celery as every service runs it: one app, one set of rules for tasks.

A service with Celery tasks keeps them in ``<name>/tasks.py``; its manifest
then lists a worker, and its settings get :func:`celery_settings`. Tasks that
run on a schedule are listed in that module's ``SCHEDULE`` (Celery beat's
format), and the manifest lists beat too. Both run the app of
:mod:`chassis.celery_app`: ``celery --app chassis.celery_app worker`` and
``celery --app chassis.celery_app beat``.
Beat's heartbeat (``python -m chassis.heartbeat beat``) is its health check.

The rules, and why:

- RabbitMQ is the broker (the project's virtual host, ``BROKER_URL``), each
  service on a task queue of its own (``<service>.tasks``), so that one
  service's worker never takes another's task; its remote control and worker
  events on exchanges of its own too, which its broker user alone may use.
- Redis (``REDIS_URL``) keeps results, for a day, under the service's key prefix.
- JSON only: a message never carries code to run.
- A task is acknowledged after it ran (``acks_late``) and handed back if its
  worker dies, so it may run twice: tasks must be idempotent. One message is
  prefetched at a time, so a long task holds back no other.
- Every task has a time limit; a soft one first, so that it can clean up.
- A task that fails for a reason that may pass retries after
  :func:`retry_countdown`: exponential, with full jitter, so that tasks that
  failed together do not all retry together.
- The correlation id of the request or event that queued a task goes with it
  and is on every log line the task writes.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from importlib import import_module
from pathlib import Path
from typing import Any

import environ
from celery import Celery
from celery.beat import PersistentScheduler
from celery.signals import (
    before_task_publish,
    task_postrun,
    task_prerun,
    worker_init,
    worker_shutdown,
)
from celery.utils.time import get_exponential_backoff_interval
from django.utils.module_loading import module_has_submodule
from django_guid import clear_guid, get_guid, set_guid

from chassis.heartbeat import beat
from chassis.redis_acl import key_prefix

CORRELATION_HEADER = "x_correlation_id"


def create_celery_app() -> Celery:
    """The service's Celery app, configured from its Django settings' ``CELERY_*``, with
    every installed app's tasks and their ``SCHEDULE``."""
    app = Celery()
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.autodiscover_tasks()
    app.on_after_finalize.connect(_add_schedules, weak=False)
    return app


def _add_schedules(sender: Celery, **_: object) -> None:
    from django.apps import apps

    for config in apps.get_app_configs():
        if module_has_submodule(config.module, "tasks"):
            tasks = import_module(f"{config.name}.tasks")
            sender.conf.beat_schedule.update(getattr(tasks, "SCHEDULE", {}))


def celery_settings(*, name: str) -> dict[str, Any]:
    """The ``CELERY_*`` settings of the service `name`, from the environment."""
    env = environ.Env()
    queue = env.str("CELERY_TASK_QUEUE", default=f"{name}.tasks")
    return {
        "CELERY_BROKER_URL": env.str("BROKER_URL", default=""),
        "CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP": True,
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        # Through the queue's own exchange, named like it: Celery would otherwise publish to
        # the default exchange, which reaches every queue, so the service's user may not.
        "CELERY_TASK_ROUTES": {"*": {"queue": queue, "exchange": queue, "routing_key": queue}},
        # Remote control (``celery inspect ping``, the worker's health check) and the workers'
        # own events (gossip) on names of the service's own: its broker user may use no other
        # (see chassis.broker_access), and no other service's may reach its workers.
        "CELERY_CONTROL_EXCHANGE": name,
        "CELERY_EVENT_EXCHANGE": f"{name}.celeryev",
        "CELERY_EVENT_QUEUE_PREFIX": f"{name}.celeryev",
        "CELERY_RESULT_BACKEND": env.str("REDIS_URL", default="") or None,
        # Under the service's key prefix, which is all its Redis user may touch
        # (chassis.redis_acl); the channels results are announced on follow it.
        "CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS": {
            "global_keyprefix": key_prefix(name, env.str("CACHE_KEY_PREFIX", default="")) + ":"
        },
        "CELERY_RESULT_EXPIRES": 24 * 60 * 60,
        "CELERY_TASK_SERIALIZER": "json",
        "CELERY_RESULT_SERIALIZER": "json",
        "CELERY_ACCEPT_CONTENT": ["json"],
        "CELERY_TASK_ACKS_LATE": True,
        "CELERY_TASK_REJECT_ON_WORKER_LOST": True,
        "CELERY_WORKER_PREFETCH_MULTIPLIER": 1,
        # Worker processes; Celery's default, one per CPU of the machine, is far too
        # many for a container given a slice of a big machine.
        "CELERY_WORKER_CONCURRENCY": env.int("CELERY_WORKER_CONCURRENCY", default=2),
        "CELERY_TASK_SOFT_TIME_LIMIT": env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=60),
        "CELERY_TASK_TIME_LIMIT": env.int("CELERY_TASK_TIME_LIMIT", default=90),
        # Django's LOGGING (JSON lines) stays in charge of the worker's logs.
        "CELERY_WORKER_HIJACK_ROOT_LOGGER": False,
        # Beat's bookkeeping goes where a read-only container may write.
        "CELERY_BEAT_SCHEDULE_FILENAME": str(
            Path(tempfile.gettempdir()) / f"{name}-celerybeat-schedule"
        ),
        "CELERY_BEAT_SCHEDULER": "chassis.tasks:HeartbeatScheduler",
        # Beat wakes at least this often, so that its heartbeat stays fresh.
        "CELERY_BEAT_MAX_LOOP_INTERVAL": 30,
        # What retry_countdown grows from, and its cap.
        "TASK_RETRY_BACKOFF_SECONDS": env.int("TASK_RETRY_BACKOFF_SECONDS", default=30),
        "TASK_RETRY_BACKOFF_MAX_SECONDS": 30 * 60,
    }


def retry_countdown(retries: int) -> int:
    """Seconds before retrying a task that has been retried `retries` times already."""
    from django.conf import settings

    return get_exponential_backoff_interval(
        factor=settings.TASK_RETRY_BACKOFF_SECONDS,
        retries=retries,
        maximum=settings.TASK_RETRY_BACKOFF_MAX_SECONDS,
        full_jitter=True,
    )


class HeartbeatScheduler(PersistentScheduler):
    """Celery beat's own scheduler, beating the heartbeat at every turn of its loop."""

    def tick(self, *args: Any, **kwargs: Any) -> float:
        beat("beat")
        return super().tick(*args, **kwargs)


@before_task_publish.connect
def _send_the_correlation_id(headers: dict[str, Any], **_: object) -> None:
    correlation_id = get_guid()
    if correlation_id:
        headers.setdefault(CORRELATION_HEADER, correlation_id)


@task_prerun.connect
def _adopt_the_correlation_id(task: Any, **_: object) -> None:
    set_guid(getattr(task.request, CORRELATION_HEADER, None) or task.request.id)


@task_postrun.connect
def _count_and_forget_the_correlation_id(task: Any, state: str | None = None, **_: object) -> None:
    from chassis import metrics

    metrics.TASKS.labels(metrics.service(), task.name, (state or "unknown").lower()).inc()
    clear_guid()


_stop_serving: list[Callable[[], None]] = []


@worker_init.connect
def _serve_metrics(**_: object) -> None:
    from chassis import metrics

    _stop_serving.append(metrics.serve("worker"))


@worker_shutdown.connect
def _stop_serving_metrics(**_: object) -> None:
    for stop in _stop_serving:
        stop()
