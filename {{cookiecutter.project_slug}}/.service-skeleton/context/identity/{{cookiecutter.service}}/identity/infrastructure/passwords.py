"""Passwords: the rules a new one must meet, and hashing, through Django's auth framework."""

from __future__ import annotations

from typing import Protocol

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from chassis.domain import RuleViolation


class PasswordPolicy(Protocol):
    def validate(self, password: str, *, email: str, full_name: str) -> None:
        """:class:`RuleViolation` on the `password` field if the password is too weak."""

    def hash(self, password: str) -> str: ...

    def verify(self, password: str, password_hash: str | None) -> bool:
        """Whether the password matches; as slow for no hash as for a wrong one."""


class DjangoPasswordPolicy:
    """AUTH_PASSWORD_VALIDATORS decide what is strong enough; PASSWORD_HASHERS how to hash."""

    def validate(self, password: str, *, email: str, full_name: str) -> None:
        # An unsaved user, so that the similarity check compares the password with its details.
        candidate = get_user_model()(email=email, full_name=full_name)
        try:
            validate_password(password, user=candidate)
        except ValidationError as error:
            raise RuleViolation(
                " ".join(error.messages), field="password", code="weak_password"
            ) from error

    def hash(self, password: str) -> str:
        return make_password(password)

    def verify(self, password: str, password_hash: str | None) -> bool:
        if not password_hash:
            make_password(password)
            return False
        return check_password(password, password_hash)
