"""The promises of notifications.application.ports, held to by the database repository and
reader and by the unit tests' in-memory ones alike, so that what a unit test shows on the fakes
holds in production."""

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from chassis.domain import NotFound
from chassis_testing.fakes import both_units_of_work

from notifications.domain.messages import Message
from notifications.domain.notifications import Notification
from notifications.infrastructure.repositories import DjangoNotificationReader
from notifications.infrastructure.unit_of_work import DjangoNotificationsUnitOfWork

from tests.fakes import InMemoryNotificationReader, InMemoryNotificationsUnitOfWork

NOW = datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=UTC)
ADA = uuid4()


uow = both_units_of_work(InMemoryNotificationsUnitOfWork, DjangoNotificationsUnitOfWork)


@pytest.fixture
def reader(uow):
    if isinstance(uow, InMemoryNotificationsUnitOfWork):
        return InMemoryNotificationReader(uow)
    return DjangoNotificationReader()


def recorded(uow, recipient=ADA, minutes_later=0) -> Notification:
    notification = Notification.record(
        recipient_id=recipient,
        address="ada@example.com",
        message=Message("welcome", "Welcome", "Hello Ada,\n\nyour account is ready."),
        now=NOW + timedelta(minutes=minutes_later),
    )
    with uow:
        uow.notifications.add(notification)
    return notification


def test_a_notification_is_got_back_as_it_was_added(uow):
    notification = recorded(uow)

    with uow:
        assert uow.notifications.lock(notification.id) == notification


def test_an_unknown_notification_is_not_found(uow):
    with uow, pytest.raises(NotFound):
        uow.notifications.lock(uuid4())


@pytest.mark.parametrize("outcome", ["failed attempt", "sent"])
def test_a_saved_notification_is_got_back_changed(uow, outcome):
    notification = recorded(uow)
    later = NOW + timedelta(minutes=1)
    changed = (
        notification.delivery_failed("421 Service not available", later)
        if outcome == "failed attempt"
        else notification.delivered(later)
    )

    with uow:
        uow.notifications.save(changed)
    with uow:
        assert uow.notifications.lock(notification.id) == changed


def test_stalled_notifications_are_the_pending_ones_untouched_since_then_oldest_first(uow):
    newer, oldest = recorded(uow, minutes_later=1), recorded(uow, minutes_later=0)
    sent = recorded(uow, minutes_later=-1)
    recorded(uow, minutes_later=3)
    with uow:
        uow.notifications.save(sent.delivered(NOW - timedelta(minutes=1)))

    with uow:
        assert uow.notifications.stalled(NOW + timedelta(minutes=2)) == [oldest.id, newer.id]


def test_a_recipient_finds_their_own_notifications_newest_first(uow, reader):
    first, second = recorded(uow), recorded(uow, minutes_later=1)
    recorded(uow, recipient=uuid4(), minutes_later=2)

    assert [notification.id for notification in reader.find(recipient_id=ADA)] == [
        second.id,
        first.id,
    ]


def test_a_recipient_gets_their_own_notification_only(uow, reader):
    mine, theirs = recorded(uow), recorded(uow, recipient=uuid4())

    assert reader.get(mine.id, recipient_id=ADA) == mine
    with pytest.raises(NotFound):
        reader.get(theirs.id, recipient_id=ADA)
    with pytest.raises(NotFound):
        reader.get(uuid4(), recipient_id=ADA)
