"""Make sure the operators' account exists, with the staff role and the password from the environment.

Provisioning and the migrate job run it, so that a fresh system has someone who
may manage the catalog: IDENTITY_STAFF_EMAIL, IDENTITY_STAFF_PASSWORD (.env).
"""

import os

from django.core.management.base import BaseCommand, CommandError

from identity.application.accounts import EnsureStaffUser, handle_ensure_staff_user
from identity.infrastructure.passwords import DjangoPasswordPolicy
from identity.infrastructure.unit_of_work import DjangoIdentityUnitOfWork


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args: object, **options: object) -> None:
        email, password = (
            os.environ.get("IDENTITY_STAFF_EMAIL"),
            os.environ.get("IDENTITY_STAFF_PASSWORD"),
        )
        if not email or not password:
            raise CommandError("Set IDENTITY_STAFF_EMAIL and IDENTITY_STAFF_PASSWORD.")
        user = handle_ensure_staff_user(
            EnsureStaffUser(email, password), DjangoIdentityUnitOfWork(), DjangoPasswordPolicy()
        )
        self.stdout.write(f"Staff account {user.email} is ready.")
