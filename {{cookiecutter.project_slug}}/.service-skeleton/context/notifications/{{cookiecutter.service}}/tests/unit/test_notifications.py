"""Notification rules and use cases, on in-memory repositories and an in-memory mailer."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from chassis.domain import NotFound, RuleViolation

from notifications.application import notifications
from notifications.domain import messages
from notifications.domain.notifications import MAX_ATTEMPTS, DeliveryStatus

from tests.fakes import (
    InMemoryNotificationReader,
    InMemoryNotificationsUnitOfWork,
    OutboxMailer,
)

ADA = uuid4()


@pytest.fixture
def uow() -> InMemoryNotificationsUnitOfWork:
    return InMemoryNotificationsUnitOfWork()


def record(
    uow, dispatch=lambda notification_id: None, recipient=ADA, template="order_confirmed", **values
):
    values = values or {"order_id": "A-1", "total": "19.90 EUR"}
    command = notifications.RecordNotification(recipient, "ada@example.com", template, values)
    return notifications.handle_record_notification(command, uow, dispatch)


def deliver(uow, notification, mailer):
    return notifications.handle_deliver_notification(
        notifications.DeliverNotification(notification.id), uow, mailer
    )


def test_only_notifications_stalled_for_long_are_dispatched_again(uow):
    stalled, fresh, delivered = record(uow), record(uow), record(uow)
    an_hour_ago = datetime.now(UTC) - timedelta(hours=1)
    for notification in (stalled, delivered):
        uow.notifications.save(replace(notification, updated_at=an_hour_ago))
    deliver(uow, uow.notifications.rows[delivered.id], OutboxMailer())
    dispatched = []

    redispatched = notifications.handle_redispatch_stalled(
        notifications.RedispatchStalled(timedelta(minutes=15)), uow, dispatched.append
    )

    assert redispatched == dispatched == [stalled.id]
    assert fresh.id not in dispatched


def test_a_notification_is_recorded_then_dispatched(uow):
    dispatched = []

    notification = record(uow, dispatched.append)

    assert dispatched == [notification.id]
    assert notification.status is DeliveryStatus.PENDING
    assert notification.message.subject == "Your order is confirmed"
    assert "order A-1 of 19.90 EUR is confirmed" in notification.message.body


def test_delivery_sends_the_message_and_marks_it_sent(uow):
    mailer = OutboxMailer()

    sent = deliver(uow, record(uow), mailer)

    assert (sent.status, sent.attempts) == (DeliveryStatus.SENT, 1)
    assert sent.sent_at is not None
    assert [(mail.to, mail.subject) for mail in mailer.sent] == [
        ("ada@example.com", "Your order is confirmed")
    ]


def test_a_failed_attempt_is_counted_and_the_next_one_can_succeed(uow):
    mailer = OutboxMailer(failures=1)
    notification = record(uow)

    first = deliver(uow, notification, mailer)
    second = deliver(uow, notification, mailer)

    assert (first.status, first.attempts, first.last_error) == (
        DeliveryStatus.PENDING,
        1,
        "421 Service not available",
    )
    assert (second.status, second.attempts, second.last_error) == (DeliveryStatus.SENT, 2, "")
    assert len(mailer.sent) == 1


def test_after_the_last_attempt_the_notification_has_failed(uow):
    mailer = OutboxMailer(failures=MAX_ATTEMPTS + 1)
    notification = record(uow)

    for _ in range(MAX_ATTEMPTS + 1):
        notification = deliver(uow, notification, mailer)

    assert (notification.status, notification.attempts) == (DeliveryStatus.FAILED, MAX_ATTEMPTS)
    assert mailer.sent == []


def test_a_delivery_that_can_never_succeed_fails_at_once_with_its_reason(uow):
    mailer = OutboxMailer(refused=frozenset({"ada@example.com"}))

    notification = deliver(uow, record(uow), mailer)

    assert (notification.status, notification.attempts) == (DeliveryStatus.FAILED, 1)
    assert "No such mailbox" in notification.last_error
    stalled = notifications.RedispatchStalled(timedelta(0))
    assert notifications.handle_redispatch_stalled(stalled, uow, lambda _id: None) == []


def test_a_sent_notification_is_not_sent_again(uow):
    mailer = OutboxMailer()
    notification = record(uow)

    deliver(uow, notification, mailer)
    deliver(uow, notification, mailer)

    assert len(mailer.sent) == 1


@pytest.mark.parametrize(
    ("template", "values", "field"),
    [("birthday", {}, "template"), ("order_rejected", {"order_id": "A-1"}, "values")],
)
def test_templates_must_exist_and_get_every_value(uow, template, values, field):
    with pytest.raises(RuleViolation) as error:
        record(uow, template=template, **values)

    assert error.value.field == field
    assert uow.notifications.rows == {}


def test_recipients_see_only_their_own(uow):
    mine, theirs = record(uow), record(uow, recipient=uuid4())
    reader = InMemoryNotificationReader(uow)

    assert [
        n.id
        for n in notifications.handle_find_notifications(
            notifications.FindNotifications(ADA), reader
        )
    ] == [mine.id]
    with pytest.raises(NotFound):
        notifications.handle_get_notification(notifications.GetNotification(ADA, theirs.id), reader)


def test_what_is_put_in_a_subject_stays_on_one_line(uow, monkeypatch):
    monkeypatch.setitem(messages.TEMPLATES, "greeting", ("Hello $name", "Hello $name."))

    message = messages.compose("greeting", {"name": "Ada\r\nBcc: mallory@example.com\u2028x"})

    assert message.subject == "Hello Ada Bcc: mallory@example.com x"
    assert message.body == "Hello Ada Bcc: mallory@example.com x."


def test_a_subject_is_cut_to_what_a_header_holds(uow, monkeypatch):
    monkeypatch.setitem(messages.TEMPLATES, "greeting", ("Hello $name, " + "o" * 300, "Hi."))

    subject = messages.compose("greeting", {"name": "Ada"}).subject

    assert len(subject) == messages.SUBJECT_MAX_LENGTH
    assert subject.endswith("o…")
