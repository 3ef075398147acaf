"""Delivery by a real Celery worker to a real mail server: a refused message is tried again
later, the last refusal fails the notification, and the task logs under the correlation id
of whatever queued it."""

from datetime import timedelta
from uuid import uuid4

import pytest
from django.utils import timezone
from django_guid import clear_guid, set_guid

from chassis_testing import eventually

from notifications import models
from notifications.application.notifications import RecordNotification, handle_record_notification
from notifications.domain.notifications import MAX_ATTEMPTS
from notifications.infrastructure.dispatch import dispatch
from notifications.infrastructure.unit_of_work import DjangoNotificationsUnitOfWork
from notifications.tasks import redispatch_stalled_notifications

pytestmark = pytest.mark.django_db(transaction=True)


def notify(address: str = "ada@example.com", dispatched_by=dispatch) -> str:
    command = RecordNotification(uuid4(), address, "welcome", {"name": "Ada", "email": address})
    uow = DjangoNotificationsUnitOfWork()
    return str(handle_record_notification(command, uow, dispatched_by).id)


def once(notification_id: str, status: str) -> models.Notification:
    return eventually(
        lambda: models.Notification.objects.filter(pk=notification_id, status=status).first(),
        timeout=90,
        message=f"never {status}",
    )


def test_a_refused_message_goes_out_on_the_next_attempt(outbox, celery_worker):
    outbox.refuse(1)
    correlation_id = f"test-{uuid4()}"
    set_guid(correlation_id)
    try:
        notification_id = notify()
    finally:
        clear_guid()

    (message,) = outbox.wait_for(1, timeout=90)
    assert message["To"] == "ada@example.com"
    assert once(notification_id, "sent").attempts == 2
    refused = [line for line in celery_worker.output().splitlines() if notification_id in line]
    assert any("451" in line and correlation_id in line for line in refused), refused


def test_the_last_refusal_fails_the_notification(outbox):
    outbox.refuse(MAX_ATTEMPTS)

    failed = once(notify(), "failed")

    assert failed.attempts == MAX_ATTEMPTS
    assert "451" in failed.last_error
    assert outbox.messages == []


def test_a_delivery_lost_on_the_way_is_dispatched_again(outbox):
    lost = notify(dispatched_by=lambda notification_id: None)
    an_hour_ago = timezone.now() - timedelta(hours=1)
    models.Notification.objects.filter(pk=lost).update(updated_at=an_hour_ago)

    assert redispatch_stalled_notifications() == 1

    (message,) = outbox.wait_for(1, timeout=90)
    assert message["To"] == "ada@example.com"
    assert once(lost, "sent").attempts == 1
