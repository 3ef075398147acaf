"""Notifications through DRF and Django's mail backend, on the real database."""

from uuid import uuid4

import pytest
from django.core import mail

from chassis.testing import make_principal

from notifications.application import notifications
from notifications.infrastructure.dispatch import deliver_now
from notifications.infrastructure.unit_of_work import DjangoNotificationsUnitOfWork

NOTIFICATIONS = "/api/notifications/notifications/"


def notify(principal, template="welcome", **values):
    values = values or {"name": "Ada", "email": principal.email}
    command = notifications.RecordNotification(principal.id, principal.email, template, values)
    return notifications.handle_record_notification(
        command, DjangoNotificationsUnitOfWork(), deliver_now
    )


@pytest.mark.django_db(transaction=True)
def test_recording_sends_the_mail_once_committed(api_as, customer):
    notification = notify(customer)

    assert [(message.to, message.subject) for message in mail.outbox] == [
        ([customer.email], notification.message.subject)
    ]
    assert notification.message.subject.startswith("Welcome to ")
    shown = api_as(customer).get(f"{NOTIFICATIONS}{notification.id}/").json()
    assert (shown["status"], shown["attempts"], shown["template"]) == ("sent", 1, "welcome")


@pytest.mark.django_db
def test_recipients_list_only_their_own(api_as, customer):
    notify(customer)
    notify(make_principal())

    listed = api_as(customer).get(NOTIFICATIONS).json()

    assert listed["count"] == 1
    assert listed["results"][0]["address"] == customer.email


@pytest.mark.django_db
def test_someone_elses_notification_is_404(api_as, customer):
    theirs = notify(make_principal())

    assert api_as(customer).get(f"{NOTIFICATIONS}{theirs.id}/").status_code == 404
    assert api_as(customer).get(f"{NOTIFICATIONS}{uuid4()}/").status_code == 404


@pytest.mark.django_db
def test_notifications_need_a_token(api):
    assert api.get(NOTIFICATIONS).status_code == 401
