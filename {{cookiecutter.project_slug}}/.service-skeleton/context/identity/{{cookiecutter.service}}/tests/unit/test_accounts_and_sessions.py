"""Accounts and sessions on in-memory repositories: no database."""

from datetime import UTC, datetime, timedelta

import jwt
import pytest

from chassis.domain import RuleViolation, TooManyAttempts, Unauthorized

from identity.application import accounts, sessions
from identity.domain.events import RegistrationRepeated, UserRegistered
from identity.domain.sessions import SIGN_IN_LIFETIME, RefreshSession
from identity.domain.sign_in import FREE_TRIES, LOCK_STEP, SignInTries
from identity.infrastructure.tokens import JWTAccessTokenIssuer

from tests.fakes import InMemoryIdentityUnitOfWork, QuickPasswords

PASSWORD = "correct horse battery staple"
LIFETIME = timedelta(days=14)


@pytest.fixture
def uow() -> InMemoryIdentityUnitOfWork:
    return InMemoryIdentityUnitOfWork()


def register(uow, email="Ada@Example.com", password=PASSWORD, full_name="Ada Lovelace"):
    """The account the address has after registering it (the use case itself returns nothing)."""
    accounts.handle_register(accounts.Register(email, password, full_name), uow, QuickPasswords())
    return uow.users.find_by_email(email.strip().lower())


def sign_in(uow, email="ada@example.com", password=PASSWORD):
    return sessions.handle_sign_in(
        sessions.SignIn(email, password), uow, QuickPasswords(), JWTAccessTokenIssuer()
    )


def refresh(uow, token):
    return sessions.handle_refresh(sessions.Refresh(token), uow, JWTAccessTokenIssuer())


def test_registration_stores_the_address_in_lower_case(uow):
    user = register(uow)

    assert user.email == "ada@example.com"
    assert user.roles == frozenset()
    assert user.password_hash != PASSWORD


def test_a_registration_is_announced_once_it_commits(uow):
    user = register(uow)

    assert uow.published == [UserRegistered(user.id, "ada@example.com", "Ada Lovelace")]


def test_registering_a_taken_address_keeps_the_account_and_tells_its_owner(uow):
    owner = register(uow)

    again = register(uow, "ADA@example.com", "another password entirely", "Mallory")

    assert again == owner  # the same password hash, name and id: nothing changed
    assert list(uow.users.rows.values()) == [owner]
    assert uow.published == [
        UserRegistered(owner.id, "ada@example.com", "Ada Lovelace"),
        RegistrationRepeated(owner.id, "ada@example.com"),
    ]


class HashCountingPasswords(QuickPasswords):
    def __init__(self) -> None:
        self.hashed = 0

    def hash(self, password: str) -> str:
        self.hashed += 1
        return super().hash(password)


def test_a_taken_address_costs_the_same_password_hash_as_a_new_one(uow):
    passwords = HashCountingPasswords()
    accounts.handle_register(accounts.Register("ada@example.com", PASSWORD), uow, passwords)

    accounts.handle_register(accounts.Register("ada@example.com", PASSWORD), uow, passwords)

    assert passwords.hashed == 2


def test_a_taken_address_still_gets_its_input_checked(uow):
    register(uow)

    with pytest.raises(RuleViolation) as error:
        register(uow, "ada@example.com", "short")

    assert error.value.field == "password"
    assert len(uow.published) == 1


def test_an_address_registered_at_the_same_moment_tells_its_owner(uow):
    """The address was free when looked up, taken when stored: the other request's account
    is the one, and its owner hears of this try."""
    other = register(uow, "ada@example.com")
    find_by_email, looked_up = uow.users.find_by_email, []

    def free_at_first(email):
        # The use case's first look-up came before the other request stored its account.
        looked_up.append(email)
        return None if len(looked_up) == 1 else find_by_email(email)

    uow.users.find_by_email = free_at_first

    accounts.handle_register(accounts.Register("ada@example.com", PASSWORD), uow, QuickPasswords())

    assert uow.published[-1] == RegistrationRepeated(other.id, "ada@example.com")


@pytest.mark.parametrize(
    ("email", "password", "field"),
    [("ada", PASSWORD, "email"), ("ada@example.com", "short", "password")],
)
def test_registration_refuses_bad_input_naming_the_field(uow, email, password, field):
    with pytest.raises(RuleViolation) as error:
        register(uow, email, password)

    assert error.value.field == field
    assert uow.users.rows == {}


def test_signing_in_returns_a_signed_access_token_and_a_refresh_token(uow, settings):
    user = register(uow)

    pair = sign_in(uow)

    claims = jwt.decode(pair.access_token, options={"verify_signature": False})
    assert (claims["sub"], claims["email"], claims["roles"]) == (
        str(user.id),
        "ada@example.com",
        [],
    )
    assert (claims["iss"], claims["aud"]) == (settings.JWT_ISSUER, settings.JWT_AUDIENCE)
    assert jwt.get_unverified_header(pair.access_token)["kid"] == settings.IDENTITY_SIGNING_KEY_ID
    assert pair.expires_in == settings.IDENTITY_ACCESS_TOKEN_SECONDS
    assert len(pair.refresh_token) > 40


@pytest.mark.parametrize(
    ("email", "password"),
    [
        ("ada@example.com", "wrong password"),
        ("bob@example.com", PASSWORD),
        ("not an address", PASSWORD),
    ],
)
def test_wrong_credentials_are_refused_alike(uow, email, password):
    register(uow)

    with pytest.raises(Unauthorized, match="e-mail address or the password is wrong"):
        sign_in(uow, email, password)


def test_a_refresh_token_is_used_once_and_gives_the_next(uow):
    register(uow)
    first = sign_in(uow)

    second = refresh(uow, first.refresh_token)

    assert second.refresh_token != first.refresh_token
    assert refresh(uow, second.refresh_token).access_token


def test_reusing_a_spent_refresh_token_revokes_the_whole_sign_in(uow):
    register(uow)
    first = sign_in(uow)
    second = refresh(uow, first.refresh_token)

    with pytest.raises(Unauthorized, match="used already"):
        refresh(uow, first.refresh_token)
    with pytest.raises(Unauthorized):
        refresh(uow, second.refresh_token)


def test_signing_out_ends_the_sign_in_and_is_idempotent(uow):
    register(uow)
    pair = sign_in(uow)

    sessions.handle_sign_out(sessions.SignOut(pair.refresh_token), uow)
    sessions.handle_sign_out(sessions.SignOut(pair.refresh_token), uow)

    with pytest.raises(Unauthorized):
        refresh(uow, pair.refresh_token)


def test_the_staff_account_is_created_then_kept_up_to_date(uow):
    first = accounts.handle_ensure_staff_user(
        accounts.EnsureStaffUser("ops@example.com", "first password"), uow, QuickPasswords()
    )
    again = accounts.handle_ensure_staff_user(
        accounts.EnsureStaffUser("OPS@example.com", "second password"), uow, QuickPasswords()
    )

    assert first.id == again.id
    assert again.roles == frozenset({"staff"})
    assert sign_in(uow, "ops@example.com", "second password").access_token
    assert uow.published == [UserRegistered(first.id, "ops@example.com", "Staff")]


def test_after_the_free_tries_an_address_is_locked_even_for_the_right_password(uow):
    register(uow)
    for _ in range(FREE_TRIES):
        with pytest.raises(Unauthorized):
            sign_in(uow, password="a wrong guess")

    with pytest.raises(TooManyAttempts) as locked:
        sign_in(uow)

    assert 0 < locked.value.retry_after <= LOCK_STEP.total_seconds()


def test_signing_in_forgets_the_tries_before(uow):
    register(uow)
    for _ in range(2):
        for _ in range(FREE_TRIES - 1):
            with pytest.raises(Unauthorized):
                sign_in(uow, password="a wrong guess")
        sign_in(uow)

    assert uow.sign_in_tries.rows == {}


def test_an_address_nobody_has_is_locked_alike(uow):
    for _ in range(FREE_TRIES):
        with pytest.raises(Unauthorized):
            sign_in(uow, email="nobody@example.com")

    with pytest.raises(TooManyAttempts):
        sign_in(uow, email="Nobody@Example.com")


def test_signing_in_forgets_old_tries_and_logins_past_their_lifetime(uow):
    user = register(uow)
    long_ago = datetime.now(UTC) - SIGN_IN_LIFETIME - timedelta(minutes=1)
    uow.sign_in_tries.save(SignInTries("eve@example.com", failed=3, last_tried_at=long_ago))
    uow.sessions.add(
        RefreshSession.start(user_id=user.id, token_hash="0", now=long_ago, lifetime=LIFETIME)
    )

    sign_in(uow)

    assert uow.sign_in_tries.rows == {}
    assert [session.signed_in_at > long_ago for session in uow.sessions.rows.values()] == [True]
