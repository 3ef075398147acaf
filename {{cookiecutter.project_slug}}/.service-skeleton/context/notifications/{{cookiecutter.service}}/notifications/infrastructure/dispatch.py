{%- if cookiecutter.use_celery == "yes" -%}
"""How a recorded notification is sent: by a Celery worker, which retries it with backoff."""

from __future__ import annotations

from uuid import UUID

from notifications.tasks import deliver_notification


def dispatch(notification_id: UUID) -> None:
    deliver_notification.delay(str(notification_id))
{%- else -%}
"""How a recorded notification is sent: right away, in the process that recorded it."""

from __future__ import annotations

from uuid import UUID

from notifications.application.notifications import DeliverNotification, handle_deliver_notification
from notifications.infrastructure.mail import DjangoMailer
from notifications.infrastructure.unit_of_work import DjangoNotificationsUnitOfWork


def dispatch(notification_id: UUID) -> None:
    handle_deliver_notification(
        DeliverNotification(notification_id), DjangoNotificationsUnitOfWork(), DjangoMailer()
    )
{%- endif %}
