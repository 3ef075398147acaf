"""Every new user is announced, however they were made: through the API, the admin or createsuperuser.

A post_save receiver runs inside the transaction that inserts the user, so the
announcement commits with the user. (createsuperuser saves without a
transaction: there the announcement follows the insert in one of its own.)
"""

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from chassis.events import publish

from identity import models
from identity.domain.events import UserRegistered


@receiver(post_save, sender=models.User)
def announce_new_users(
    sender: type[models.User], instance: models.User, created: bool, **kwargs: object
) -> None:
    if created:
        with transaction.atomic():
            publish(UserRegistered(instance.id, instance.email, instance.full_name))
