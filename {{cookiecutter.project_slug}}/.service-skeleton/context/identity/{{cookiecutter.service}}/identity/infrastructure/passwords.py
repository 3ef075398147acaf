"""Passwords: the rules a new one must meet, and hashing, through Django's auth framework
(the PasswordPolicy port of identity.application.ports)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from chassis.domain import RuleViolation


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
