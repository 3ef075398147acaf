"""Notifications through DRF and a real mail server, on the real database."""

from uuid import uuid4

import pytest

from chassis_testing import eventually, make_principal

from notifications.application import notifications
from notifications.infrastructure.dispatch import dispatch
from notifications.infrastructure.unit_of_work import DjangoNotificationsUnitOfWork

NOTIFICATIONS = "/api/notifications/notifications/"


def notify(principal, template="welcome", **values):
    values = values or {"name": "Ada", "email": principal.email}
    command = notifications.RecordNotification(principal.id, principal.email, template, values)
    return notifications.handle_record_notification(
        command, DjangoNotificationsUnitOfWork(), dispatch
    )


@pytest.mark.django_db(transaction=True)
def test_recording_sends_the_mail_once_committed(api_as, customer, outbox):
    notification = notify(customer)

    (message,) = outbox.wait_for(1)
    assert (message["To"], message["Subject"]) == (customer.email, notification.message.subject)
    assert notification.message.subject.startswith("Welcome to ")
    shown = once_sent(api_as(customer), notification.id)
    assert (shown["attempts"], shown["template"]) == (1, "welcome")


def once_sent(client, notification_id) -> dict:
    """The notification as its recipient sees it, once the delivery has been recorded."""

    def sent():
        shown = client.get(f"{NOTIFICATIONS}{notification_id}/").json()
        return shown if shown["status"] == "sent" else None

    return eventually(sent, message="never marked sent")


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
