"""Identity kept in dicts, with a quick password hash: the unit tests' stand-ins.

They keep the promises of identity.application.ports as the database
repositories and Django's password hashing do (tests/test_repository_contract.py
checks both).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import replace
from datetime import datetime
from uuid import UUID

from chassis.domain import RuleViolation
from chassis_testing.fakes import InMemoryUnitOfWork

from identity.application.ports import email_taken, no_such_user
from identity.domain.sessions import RefreshSession
from identity.domain.sign_in import SignInTries
from identity.domain.users import User


class InMemoryUserRepository:
    def __init__(self) -> None:
        self.rows: dict[UUID, User] = {}

    def add(self, user: User) -> None:
        if self.find_by_email(user.email) is not None:
            raise email_taken(user.email)
        self.rows[user.id] = user

    def get(self, user_id: UUID) -> User:
        if user_id not in self.rows:
            raise no_such_user(user_id)
        return self.rows[user_id]

    def find_by_email(self, email: str) -> User | None:
        return next((user for user in self.rows.values() if user.email == email), None)

    def save(self, user: User) -> None:
        self.rows[user.id] = user


class InMemorySessionRepository:
    def __init__(self) -> None:
        self.rows: dict[UUID, RefreshSession] = {}

    def add(self, session: RefreshSession) -> None:
        self.rows[session.id] = session

    def lock_by_hash(self, token_hash: str) -> RefreshSession | None:
        return next(
            (session for session in self.rows.values() if session.token_hash == token_hash), None
        )

    def save(self, session: RefreshSession) -> None:
        self.rows[session.id] = session

    def revoke_family(self, family_id: UUID, now: datetime) -> None:
        for session in list(self.rows.values()):
            if session.family_id == family_id and session.revoked_at is None:
                self.rows[session.id] = replace(session, revoked_at=now)

    def forget_logins_before(self, signed_in_before: datetime) -> None:
        for session in list(self.rows.values()):
            if session.signed_in_at < signed_in_before:
                del self.rows[session.id]


class InMemorySignInTriesRepository:
    def __init__(self) -> None:
        self.rows: dict[str, SignInTries] = {}

    def lock(self, email: str) -> SignInTries:
        return self.rows.get(email, SignInTries(email))

    def save(self, tries: SignInTries) -> None:
        if tries.failed == 0:
            self.rows.pop(tries.email, None)
        else:
            self.rows[tries.email] = tries

    def forget_tried_before(self, tried_before: datetime) -> None:
        for tries in list(self.rows.values()):
            if tries.last_tried_at is not None and tries.last_tried_at < tried_before:
                del self.rows[tries.email]


class InMemoryIdentityUnitOfWork(InMemoryUnitOfWork):
    def __init__(self) -> None:
        super().__init__()
        self.users = InMemoryUserRepository()
        self.sessions = InMemorySessionRepository()
        self.sign_in_tries = InMemorySignInTriesRepository()


class QuickPasswords:
    """A password policy for unit tests: at least 8 characters; hashed as real hashers hash,
    with a random salt kept in the hash, only with few iterations."""

    ALGORITHM = "pbkdf2_sha256"
    ITERATIONS = 1000

    def validate(self, password: str, *, email: str, full_name: str) -> None:
        if len(password) < 8:
            raise RuleViolation(
                "A password has at least 8 characters.", field="password", code="weak_password"
            )

    def hash(self, password: str) -> str:
        salt = secrets.token_hex(16)
        return f"{self.ALGORITHM}${self.ITERATIONS}${salt}${self._digest(password, salt)}"

    def verify(self, password: str, password_hash: str | None) -> bool:
        if not password_hash:
            self.hash(password)  # as slow as checking a wrong password
            return False
        algorithm, iterations, salt, digest = password_hash.split("$")
        if (algorithm, iterations) != (self.ALGORITHM, str(self.ITERATIONS)):
            return False
        return hmac.compare_digest(digest, self._digest(password, salt))

    def _digest(self, password: str, salt: str) -> str:
        return hashlib.pbkdf2_hmac(
            "sha256", password.encode(), salt.encode(), self.ITERATIONS
        ).hex()
