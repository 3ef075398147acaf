"""Use cases of accounts: register, look oneself up, make sure the staff account exists."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

from chassis.domain import Conflict

from identity.application.ports import IdentityUnitOfWork, PasswordPolicy, UserReader
from identity.domain.events import RegistrationRepeated, UserRegistered
from identity.domain.users import User, normalized_email


@dataclass(frozen=True)
class Register:
    email: str
    password: str
    full_name: str = ""


def handle_register(command: Register, uow: IdentityUnitOfWork, passwords: PasswordPolicy) -> None:
    """Create the account, unless the address has one: then tell its owner instead
    (RegistrationRepeated), and leave the account as it is.

    Whoever registers learns nothing of which it was: the input is checked and the password
    hashed (the slow part) the same way in both cases, and nothing is returned.
    """
    email = normalized_email(command.email)
    passwords.validate(command.password, email=email, full_name=command.full_name)
    candidate = User.register(
        email=email,
        full_name=command.full_name,
        password_hash=passwords.hash(command.password),
        now=datetime.now(UTC),
    )
    with uow:
        owner = uow.users.find_by_email(email)
        if owner is None:
            try:
                uow.users.add(candidate)
            except Conflict:
                # Registered by another request in the meantime: that one is the account.
                owner = uow.users.find_by_email(email)
            else:
                uow.publish(UserRegistered.of(candidate))
        if owner is not None:
            uow.publish(RegistrationRepeated.of(owner))


@dataclass(frozen=True)
class GetUser:
    user_id: UUID


def handle_get_user(query: GetUser, users: UserReader) -> User:
    return users.get(query.user_id)


@dataclass(frozen=True)
class EnsureStaffUser:
    """The operators' account: created, or given this password, with the staff role."""

    email: str
    password: str


def handle_ensure_staff_user(
    command: EnsureStaffUser, uow: IdentityUnitOfWork, passwords: PasswordPolicy
) -> User:
    email = normalized_email(command.email)
    with uow:
        user = uow.users.find_by_email(email)
        if user is None:
            user = User.register(
                email=email, full_name="Staff", password_hash="", now=datetime.now(UTC)
            )
            uow.users.add(user)
            uow.publish(UserRegistered.of(user))
        user = user.with_password(passwords.hash(command.password)).made_staff()
        uow.users.save(user)
    return user
