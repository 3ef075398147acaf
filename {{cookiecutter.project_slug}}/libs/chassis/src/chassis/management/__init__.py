"""What the chassis's management commands share."""

from __future__ import annotations

import signal
import threading
from typing import Protocol

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class ProcessCommand(BaseCommand):
    """A command a long-running process or a health probe runs, which starts without Django's
    system checks: they cost half a second of CPU at every start (every process of a boot,
    every probe), and `make test` and CI have run them, production's too, on the same code."""

    requires_system_checks: list[str] = []  # noqa: RUF012 - Django's own attribute


class Role(Protocol):
    """What a process runs until `stop` is set: the relay, the consumer."""

    def __init__(self, stop: threading.Event) -> None: ...

    def run(self) -> None: ...


def run_events_roles(*roles: type[Role]) -> None:
    """Run each role in a thread of its own until SIGTERM or Ctrl-C, or until one of them ends.

    One role ending, by an error or otherwise, stops the others and the process: a process is
    whole or gone, never half alive, so that what supervises it (honcho, Compose, Kubernetes)
    sees it go and starts it again. Its error is raised here, and the process exits with 1.
    The process's metrics are served meanwhile (see chassis.metrics.serve), under the name of
    its first role.
    """
    from chassis import metrics

    if not settings.EVENTS["BROKER_URL"]:
        raise CommandError("Set BROKER_URL to the RabbitMQ URL of this service's events.")
    stop = threading.Event()
    for signal_number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signal_number, lambda *_: stop.set())
    errors: list[BaseException] = []

    def run(role: type[Role]) -> None:
        try:
            role(stop).run()
        except BaseException as error:  # re-raised by the main thread, after the others stop
            errors.append(error)
        finally:
            stop.set()

    threads = [threading.Thread(target=run, args=[role], name=role.__name__) for role in roles]
    stop_serving = metrics.serve(roles[0].__name__.lower())
    for thread in threads:
        thread.start()
    # The signal handlers run in this thread, which must therefore wait interruptibly.
    stop.wait()
    for thread in threads:
        thread.join()
    stop_serving()
    if errors:
        raise errors[0]
