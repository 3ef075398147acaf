"""The promises of identity.application.ports, held to by the database repositories and
Django's password hashing, and by the unit tests' stand-ins alike, so that what a unit test
shows on the fakes holds in production."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from chassis.domain import Conflict, NotFound
from chassis_testing.fakes import both_units_of_work

from identity.domain.sessions import RefreshSession
from identity.domain.sign_in import SignInTries
from identity.domain.users import User
from identity.infrastructure.passwords import DjangoPasswordPolicy
from identity.infrastructure.unit_of_work import DjangoIdentityUnitOfWork

from tests.fakes import InMemoryIdentityUnitOfWork, QuickPasswords

NOW = datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=UTC)
PASSWORD = "correct horse battery staple"


uow = both_units_of_work(InMemoryIdentityUnitOfWork, DjangoIdentityUnitOfWork)


def a_user(email="ada@example.com") -> User:
    return User.register(email=email, full_name="Ada Lovelace", password_hash="hash", now=NOW)


def stored(uow, user: User) -> User:
    with uow:
        uow.users.add(user)
    return user


def test_a_user_is_got_back_as_it_was_added(uow):
    user = stored(uow, a_user())

    with uow:
        assert uow.users.get(user.id) == user
        assert uow.users.find_by_email("ada@example.com") == user


def test_an_unknown_user_is_not_found(uow):
    with uow:
        assert uow.users.find_by_email("bob@example.com") is None
        with pytest.raises(NotFound):
            uow.users.get(uuid4())


def test_a_taken_address_is_a_conflict_that_leaves_the_first_user(uow):
    first = stored(uow, a_user())

    with pytest.raises(Conflict) as error, uow:
        uow.users.add(a_user())

    assert error.value.code == "email_taken"
    with uow:
        assert uow.users.get(first.id) == first


def test_a_saved_user_is_got_back_changed(uow):
    user = stored(uow, a_user())
    changed = user.with_password("another hash").made_staff()

    with uow:
        uow.users.save(changed)
    with uow:
        assert uow.users.get(user.id) == changed


def a_session(user: User, token_hash: str, family: RefreshSession | None = None) -> RefreshSession:
    if family is None:
        return RefreshSession.start(
            user_id=user.id, token_hash=token_hash, now=NOW, lifetime=timedelta(days=1)
        )
    return family.successor(token_hash=token_hash, now=NOW, lifetime=timedelta(days=1))


def test_a_session_is_found_by_its_token_hash_and_saved(uow):
    user = stored(uow, a_user())
    session = a_session(user, "a" * 64)

    with uow:
        uow.sessions.add(session)
    with uow:
        assert uow.sessions.lock_by_hash("a" * 64) == session
        assert uow.sessions.lock_by_hash("b" * 64) is None
        uow.sessions.save(session.spent(NOW + timedelta(minutes=5)))
    with uow:
        assert uow.sessions.lock_by_hash("a" * 64) == session.spent(NOW + timedelta(minutes=5))


def test_revoking_a_family_ends_its_open_sessions_only(uow):
    user = stored(uow, a_user())
    first = a_session(user, "a" * 64)
    ended_before = a_session(user, "b" * 64, first)
    still_open = a_session(user, "c" * 64, first)
    other_sign_in = a_session(user, "d" * 64)
    later = NOW + timedelta(hours=1)
    with uow:
        for session in (first, ended_before, still_open, other_sign_in):
            uow.sessions.add(session)
        uow.sessions.save(replace(ended_before, revoked_at=NOW))

    with uow:
        uow.sessions.revoke_family(first.family_id, later)

    with uow:
        revoked = {
            token_hash: uow.sessions.lock_by_hash(token_hash).revoked_at
            for token_hash in ("a" * 64, "b" * 64, "c" * 64, "d" * 64)
        }
    assert revoked == {"a" * 64: later, "b" * 64: NOW, "c" * 64: later, "d" * 64: None}


def test_the_sessions_of_logins_made_before_a_time_are_forgotten(uow):
    user = stored(uow, a_user())
    old = a_session(user, "a" * 64)
    old_successor = a_session(user, "b" * 64, old)
    recent = replace(a_session(user, "c" * 64), signed_in_at=NOW + timedelta(days=1))
    with uow:
        for session in (old, old_successor, recent):
            uow.sessions.add(session)

    with uow:
        uow.sessions.forget_logins_before(NOW + timedelta(hours=1))

    with uow:
        assert [uow.sessions.lock_by_hash(h) for h in ("a" * 64, "b" * 64)] == [None, None]
        assert uow.sessions.lock_by_hash("c" * 64) == recent


def test_addresses_last_tried_before_a_time_are_forgotten(uow):
    old = SignInTries("ada@example.com", failed=2, last_tried_at=NOW)
    recent = SignInTries("bob@example.com", failed=2, last_tried_at=NOW + timedelta(days=1))
    with uow:
        uow.sign_in_tries.save(old)
        uow.sign_in_tries.save(recent)

    with uow:
        uow.sign_in_tries.forget_tried_before(NOW + timedelta(hours=1))

    with uow:
        assert uow.sign_in_tries.lock("ada@example.com") == SignInTries("ada@example.com")
        assert uow.sign_in_tries.lock("bob@example.com") == recent


@pytest.fixture(params=[QuickPasswords, DjangoPasswordPolicy], ids=["quick", "django"])
def passwords(request):
    return request.param()


def test_a_password_hash_is_salted_and_verifies_only_its_password(passwords):
    first, second = passwords.hash(PASSWORD), passwords.hash(PASSWORD)

    assert first != second
    assert PASSWORD not in first
    assert passwords.verify(PASSWORD, first)
    assert passwords.verify(PASSWORD, second)
    assert not passwords.verify("wrong password", first)
    assert not passwords.verify(PASSWORD, None)


def test_an_address_never_tried_has_no_tries(uow):
    with uow:
        assert uow.sign_in_tries.lock("ada@example.com") == SignInTries("ada@example.com")


def test_tries_are_got_back_as_saved_and_forgotten_once_none_failed(uow):
    tries = SignInTries("ada@example.com", failed=5, locked_until=NOW, last_tried_at=NOW)
    with uow:
        uow.sign_in_tries.save(tries)
    with uow:
        assert uow.sign_in_tries.lock("ada@example.com") == tries
        uow.sign_in_tries.save(SignInTries("ada@example.com"))
    with uow:
        assert uow.sign_in_tries.lock("ada@example.com") == SignInTries("ada@example.com")
