"""Notifications' Celery tasks: sending e-mail out of the request's or event's way."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from celery import Task, shared_task
from django.conf import settings

from chassis.tasks import retry_countdown

from notifications.application.notifications import (
    DeliverNotification,
    RedispatchStalled,
    handle_deliver_notification,
    handle_redispatch_stalled,
)
from notifications.domain.notifications import MAX_ATTEMPTS, DeliveryStatus
from notifications.infrastructure.mail import DjangoMailer
from notifications.infrastructure.unit_of_work import DjangoNotificationsUnitOfWork

# What Celery beat runs, and how often (see chassis.tasks).
SCHEDULE = {
    "redispatch-stalled-notifications": {
        "task": "notifications.tasks.redispatch_stalled_notifications",
        "schedule": 5 * 60,
    },
}


@shared_task(bind=True, max_retries=MAX_ATTEMPTS - 1)
def deliver_notification(self: Task, notification_id: str) -> str:
    """Send a recorded notification; its status after this attempt.

    An attempt the mail server refused is counted on the notification, which
    stays pending, and the task runs again later; the last attempt fails it.
    Running twice is harmless: a notification that is no longer pending is
    left alone.
    """
    notification = handle_deliver_notification(
        DeliverNotification(UUID(notification_id)), DjangoNotificationsUnitOfWork(), DjangoMailer()
    )
    if notification.status is DeliveryStatus.PENDING:
        raise self.retry(countdown=retry_countdown(self.request.retries))
    return notification.status.value


@shared_task
def redispatch_stalled_notifications() -> int:
    """Queue again the notifications whose delivery was lost; how many. Beat runs it."""
    command = RedispatchStalled(timedelta(minutes=settings.NOTIFICATIONS_STALLED_MINUTES))
    redispatched = handle_redispatch_stalled(
        command,
        DjangoNotificationsUnitOfWork(),
        lambda notification_id: deliver_notification.delay(str(notification_id)),
    )
    return len(redispatched)
