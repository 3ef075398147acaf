"""Notifications listens for the moments people hear about: signing up (or someone trying to,
with their address), and their orders' outcomes."""

from uuid import UUID

from chassis.events import Event, subscriber

from notifications.application.notifications import RecordNotification, handle_record_notification
from notifications.infrastructure.dispatch import dispatch
from notifications.infrastructure.unit_of_work import DjangoNotificationsUnitOfWork


def notify(recipient_id: str, address: str, template: str, **values: str) -> None:
    command = RecordNotification(UUID(recipient_id), address, template, values)
    handle_record_notification(command, DjangoNotificationsUnitOfWork(), dispatch)


@subscriber("identity.user.registered.v1")
def welcome_the_new_user(event: Event) -> None:
    user = event.data
    notify(
        user["user_id"],
        user["email"],
        "welcome",
        name=user["full_name"] or user["email"],
        email=user["email"],
    )


@subscriber("identity.registration.repeated.v1")
def tell_the_owner_someone_tried_to_register(event: Event) -> None:
    """Registering answers alike whether an address has an account; its owner is the one told."""
    account = event.data
    notify(account["user_id"], account["email"], "registration_repeated", email=account["email"])


@subscriber("orders.order.confirmed.v1")
def tell_the_customer_the_order_stands(event: Event) -> None:
    order = event.data
    total = f"{order['total']['amount']} {order['total']['currency']}"
    notify(
        order["customer_id"],
        order["customer_email"],
        "order_confirmed",
        order_id=order["order_id"],
        total=total,
    )


@subscriber("orders.order.rejected.v1")
def tell_the_customer_the_order_failed(event: Event) -> None:
    order = event.data
    notify(
        order["customer_id"],
        order["customer_email"],
        "order_rejected",
        order_id=order["order_id"],
        reason=order["reason"],
    )
