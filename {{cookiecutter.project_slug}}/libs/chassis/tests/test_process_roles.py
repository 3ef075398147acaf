"""A process of several roles (natively, the relay and the consumer) is whole or gone: one
role failing stops the others, and the process ends with its error for a supervisor to see."""

from __future__ import annotations

import signal
import threading

import pytest
from django.core.management.base import CommandError

from chassis.management import run_events_roles


class RunsUntilStopped:
    stopped = threading.Event()

    def __init__(self, stop: threading.Event) -> None:
        self.stop = stop

    def run(self) -> None:
        if self.stop.wait(timeout=10):
            RunsUntilStopped.stopped.set()
        else:
            self.stop.set()  # never told: the test fails rather than hangs


class Fails:
    def __init__(self, stop: threading.Event) -> None:
        pass

    def run(self) -> None:
        raise RuntimeError("the role lost its way")


@pytest.fixture
def signal_handlers():
    """The roles' runner takes SIGTERM and SIGINT; pytest gets its own back afterwards."""
    saved = {number: signal.getsignal(number) for number in (signal.SIGTERM, signal.SIGINT)}
    yield
    for number, handler in saved.items():
        signal.signal(number, handler)


def test_a_role_that_fails_stops_the_others_and_raises_its_error(events_settings, signal_handlers):
    RunsUntilStopped.stopped.clear()

    with pytest.raises(RuntimeError, match="the role lost its way"):
        run_events_roles(RunsUntilStopped, Fails)

    assert RunsUntilStopped.stopped.is_set(), "the other role ran on"


def test_without_a_broker_the_roles_do_not_start(settings):
    settings.EVENTS = {**settings.EVENTS, "BROKER_URL": ""}

    with pytest.raises(CommandError, match="Set BROKER_URL to the RabbitMQ URL"):
        run_events_roles(Fails)
