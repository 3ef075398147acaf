"""A user: someone who signs in with an e-mail address and a password."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime
from uuid import UUID, uuid4

from chassis.domain import RuleViolation

STAFF_ROLE = "staff"
# An address mail servers take as it is: a dot-atom before the @ (RFC 5322: no quoting, no
# comments, no second address after a comma) and a host name under a top-level domain.
_ATOM = r"[-!#$%&'*+/=?^_`{|}~0-9a-z]+"
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
LOCAL_PART = re.compile(rf"{_ATOM}(?:\.{_ATOM})*")
LOCAL_PART_MAX_LENGTH = 64
_TOP_LEVEL_DOMAIN = r"(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})"
HOST = re.compile(rf"(?:{_LABEL}\.)+{_TOP_LEVEL_DOMAIN}")
EMAIL_MAX_LENGTH = 254
NAME_MAX_LENGTH = 150


def normalized_email(email: str) -> str:
    """The address as stored and compared: trimmed, in lower case."""
    email = email.strip().lower()
    local_part, _, host = email.rpartition("@")
    if (
        not LOCAL_PART.fullmatch(local_part)
        or len(local_part) > LOCAL_PART_MAX_LENGTH
        or not HOST.fullmatch(host)
        or len(email) > EMAIL_MAX_LENGTH
    ):
        raise RuleViolation(
            "Enter an e-mail address such as ada@example.com.", field="email", code="invalid"
        )
    return email


@dataclass(frozen=True)
class User:
    id: UUID
    email: str
    full_name: str
    password_hash: str
    staff: bool
    active: bool
    created_at: datetime

    @classmethod
    def register(cls, *, email: str, full_name: str, password_hash: str, now: datetime) -> User:
        full_name = full_name.strip()
        if len(full_name) > NAME_MAX_LENGTH:
            raise RuleViolation(
                f"A name has at most {NAME_MAX_LENGTH} characters.",
                field="full_name",
                code="max_length",
            )
        return cls(uuid4(), normalized_email(email), full_name, password_hash, False, True, now)

    @property
    def roles(self) -> frozenset[str]:
        return frozenset({STAFF_ROLE}) if self.staff else frozenset()

    def with_password(self, password_hash: str) -> User:
        return replace(self, password_hash=password_hash)

    def made_staff(self) -> User:
        return replace(self, staff=True)
