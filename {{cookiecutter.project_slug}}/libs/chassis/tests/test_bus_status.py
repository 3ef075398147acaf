"""manage.py bus_status: what of a service's events is not done yet, read from its database and
its queues on the real broker."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from chassis.events import subscribers

from tests.conftest import fill_the_bus


def bus_status() -> dict:
    out = StringIO()
    call_command("bus_status", stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.django_db
def test_a_bus_at_rest_is_all_zero(topology):
    assert bus_status() == {
        "outbox": {"unsent": 0, "oldest_unsent_seconds": None},
        "queue": {
            "name": topology.queue,
            "waiting": 0,
            "consumers": 0,
            "retrying": 0,
            "dead_letters": 0,
        },
    }


@pytest.mark.django_db
def test_it_counts_the_unsent_the_waiting_the_retrying_and_the_parked(topology, events_settings):
    fill_the_bus(
        topology,
        events_settings["BROKER_URL"],
        {
            topology.queue: 3,
            topology.retry_queue(1): 1,
            topology.retry_queue(2): 1,
            topology.dead_letter_queue: 2,
        },
    )

    status = bus_status()

    assert status["outbox"]["unsent"] == 2
    assert 120 <= status["outbox"]["oldest_unsent_seconds"] < 180
    assert status["queue"] == {
        "name": topology.queue,
        "waiting": 3,
        "consumers": 0,
        "retrying": 2,
        "dead_letters": 2,
    }


@pytest.mark.django_db
def test_a_service_that_subscribes_to_nothing_has_no_queue(monkeypatch):
    monkeypatch.setattr(subscribers, "handlers", dict)

    assert bus_status()["queue"] is None
