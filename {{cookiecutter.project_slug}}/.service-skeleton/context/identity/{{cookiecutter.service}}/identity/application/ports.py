"""The ports of identity's use cases: what they need from the world, as Protocols.

Production implements them on Django, the unit tests on stand-ins (tests/fakes.py);
both keep what each method's docstring promises, as tests/test_repository_contract.py
checks.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol
from uuid import UUID

from chassis.domain import Conflict, NotFound
from chassis.persistence import UnitOfWork

from identity.domain.sessions import RefreshSession
from identity.domain.sign_in import SignInTries
from identity.domain.users import User


class UserRepository(Protocol):
    def add(self, user: User) -> None:
        """Store a new user; :class:`Conflict` (:func:`email_taken`) if the e-mail address is taken."""

    def get(self, user_id: UUID) -> User:
        """The user; :class:`NotFound` if there is none."""

    def find_by_email(self, email: str) -> User | None:
        """The user with this (normalized) e-mail address, if there is one."""

    def save(self, user: User) -> None:
        """Store a changed user."""


class SessionRepository(Protocol):
    def add(self, session: RefreshSession) -> None:
        """Store a new session of a stored user."""

    def lock_by_hash(self, token_hash: str) -> RefreshSession | None:
        """The session with this token, locked until the unit of work ends, if there is one."""

    def save(self, session: RefreshSession) -> None:
        """Store a changed session."""

    def revoke_family(self, family_id: UUID, now: datetime) -> None:
        """End every session of one sign-in that is not ended yet."""

    def forget_logins_before(self, signed_in_before: datetime) -> None:
        """Forget some of the sessions of logins made before `signed_in_before` (every one of
        them, called often enough): their time is up, and a token of theirs is worth nothing."""


class SignInTriesRepository(Protocol):
    def lock(self, email: str) -> SignInTries:
        """The tries of this (normalized) address, none if it has none yet, locked until the unit
        of work ends: tries of one address at the same time are counted one after the other."""

    def save(self, tries: SignInTries) -> None:
        """Store the tries of an address; with none failed, forget it."""

    def forget_tried_before(self, tried_before: datetime) -> None:
        """Forget some of the addresses last tried before `tried_before` (every one of them,
        called often enough)."""


class IdentityUnitOfWork(UnitOfWork, Protocol):
    users: UserRepository
    sessions: SessionRepository
    sign_in_tries: SignInTriesRepository


class UserReader(Protocol):
    def get(self, user_id: UUID) -> User:
        """The user; :class:`NotFound` if there is none."""


class PasswordPolicy(Protocol):
    def validate(self, password: str, *, email: str, full_name: str) -> None:
        """:class:`RuleViolation` on the `password` field if the password is too weak."""

    def hash(self, password: str) -> str:
        """A salted hash of the password: the same password never hashes the same twice."""

    def verify(self, password: str, password_hash: str | None) -> bool:
        """Whether the password matches; as slow for no hash as for a wrong one."""


class AccessTokenIssuer(Protocol):
    def issue(self, user: User) -> tuple[str, int]:
        """A signed access token for the user, and how many seconds it lasts."""


def email_taken(email: str) -> Conflict:
    return Conflict(f"An account with {email} already exists.", code="email_taken")


def no_such_user(user_id: UUID) -> NotFound:
    return NotFound(f"No user {user_id}.")
