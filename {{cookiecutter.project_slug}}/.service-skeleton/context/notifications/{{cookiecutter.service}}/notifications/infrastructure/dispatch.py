"""How a recorded notification is sent: by a Celery worker, which retries it with backoff, where
the service runs one; else right away, in the process that recorded it, in one attempt."""

from __future__ import annotations

from uuid import UUID

from django.conf import settings

from notifications.application.notifications import DeliverNotification, handle_deliver_notification
from notifications.infrastructure.mail import DjangoMailer
from notifications.infrastructure.unit_of_work import DjangoNotificationsUnitOfWork


def dispatch(notification_id: UUID) -> None:
    if settings.SERVICE_INFO.runs_celery:
        from notifications.tasks import deliver_notification  # only where Celery runs

        deliver_notification.delay(str(notification_id))
    else:
        handle_deliver_notification(
            DeliverNotification(notification_id), DjangoNotificationsUnitOfWork(), DjangoMailer()
        )
