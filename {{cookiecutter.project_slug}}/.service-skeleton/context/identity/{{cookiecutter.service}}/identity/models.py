"""Database tables of identity; only its repositories use them.

User is also Django's AUTH_USER_MODEL here, so that staff sign in to this
service's admin with the same account.
"""

from uuid import uuid4

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone

from identity.domain.users import EMAIL_MAX_LENGTH, NAME_MAX_LENGTH


class UserManager(BaseUserManager):
    def create_superuser(self, email: str, password: str) -> "User":
        """For `manage.py createsuperuser`: an admin of this service's Django admin."""
        user = self.model(
            id=uuid4(),
            email=email.strip().lower(),
            is_staff=True,
            is_superuser=True,
            date_joined=timezone.now(),
        )
        user.set_password(password)
        user.save(using=self._db)
        return user


class User(AbstractBaseUser, PermissionsMixin):
    id = models.UUIDField(primary_key=True, editable=False)
    email = models.EmailField(max_length=EMAIL_MAX_LENGTH, unique=True)
    full_name = models.CharField(max_length=NAME_MAX_LENGTH, blank=True)
    is_staff = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField()

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"

    def __str__(self) -> str:
        return self.email


class RefreshSession(models.Model):
    id = models.UUIDField(primary_key=True, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sessions")
    family_id = models.UUIDField(db_index=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    signed_in_at = models.DateTimeField(db_index=True)
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"session {self.id} of {self.user_id}"


class SignInTries(models.Model):
    """The failed sign-in tries of an address (one that may have no account) since it last
    signed in; the row goes when it does."""

    email = models.CharField(primary_key=True, max_length=EMAIL_MAX_LENGTH)
    failed = models.PositiveIntegerField()
    locked_until = models.DateTimeField(null=True, blank=True)
    last_tried_at = models.DateTimeField(null=True, db_index=True)

    class Meta:
        verbose_name_plural = "sign-in tries"

    def __str__(self) -> str:
        return f"{self.failed} failed sign-in tries of {self.email}"
