"""Use cases of sessions: sign in, refresh, sign out."""

from __future__ import annotations

import hashlib
import math
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from chassis.domain import RuleViolation, TooManyAttempts, Unauthorized

from identity.application.ports import AccessTokenIssuer, IdentityUnitOfWork, PasswordPolicy
from identity.domain.sessions import SIGN_IN_LIFETIME, RefreshSession, SessionState
from identity.domain.sign_in import FORGET_AFTER, SignInTries
from identity.domain.tokens import TokenPair
from identity.domain.users import User, normalized_email

REFRESH_LIFETIME = timedelta(days=14)
# A refresh token: this many random bytes, URL-safe base64 without padding.
REFRESH_TOKEN_BYTES = 48
REFRESH_TOKEN_ALPHABET = r"^[A-Za-z0-9_-]+$"  # noqa: S105 - the alphabet of a token, not one
REFRESH_TOKEN_LENGTH = math.ceil(REFRESH_TOKEN_BYTES * 4 / 3)


def new_refresh_token() -> str:
    return secrets.token_urlsafe(REFRESH_TOKEN_BYTES)


def refresh_token_hash(token: str) -> str:
    # Refresh tokens are long and random: a plain digest cannot be reversed or guessed.
    return hashlib.sha256(token.encode()).hexdigest()


def _pair(user: User, session_token: str, tokens: AccessTokenIssuer) -> TokenPair:
    access_token, expires_in = tokens.issue(user)
    return TokenPair(access_token=access_token, expires_in=expires_in, refresh_token=session_token)


@dataclass(frozen=True)
class SignIn:
    email: str
    password: str


def handle_sign_in(
    command: SignIn, uow: IdentityUnitOfWork, passwords: PasswordPolicy, tokens: AccessTokenIssuer
) -> TokenPair:
    """A new session; :class:`TooManyAttempts` while the address is locked (see
    identity.domain.sign_in), :class:`Unauthorized` if the address or the password is wrong."""
    wrong = Unauthorized("The e-mail address or the password is wrong.")
    try:
        email = normalized_email(command.email)
    except RuleViolation as error:
        raise wrong from error
    now = datetime.now(UTC)
    # The try is counted, and committed, before the password is checked: tries made at the same
    # time count each other, and none waits on another's password check.
    with uow:
        # Each sign-in tidies up a little: what it and its like leave behind stays bounded.
        uow.sign_in_tries.forget_tried_before(now - FORGET_AFTER)
        uow.sessions.forget_logins_before(now - SIGN_IN_LIFETIME)
        tries = uow.sign_in_tries.lock(email)
        if locked_for := tries.locked_for(now):
            raise TooManyAttempts(
                "Too many sign-in attempts for this address.",
                retry_after=math.ceil(locked_for.total_seconds()),
            )
        uow.sign_in_tries.save(tries.tried(now))
    refresh_token = new_refresh_token()
    with uow:
        user = uow.users.find_by_email(email)
        # Check a password even for an unknown address, so that timing does not tell which addresses exist.
        if (
            not passwords.verify(command.password, user.password_hash if user else None)
            or not user.active
        ):
            raise wrong
        uow.sign_in_tries.save(SignInTries(email))
        session = RefreshSession.start(
            user_id=user.id,
            token_hash=refresh_token_hash(refresh_token),
            now=datetime.now(UTC),
            lifetime=REFRESH_LIFETIME,
        )
        uow.sessions.add(session)
    return _pair(user, refresh_token, tokens)


@dataclass(frozen=True)
class Refresh:
    refresh_token: str


def handle_refresh(
    command: Refresh, uow: IdentityUnitOfWork, tokens: AccessTokenIssuer
) -> TokenPair:
    now = datetime.now(UTC)
    successor_token = new_refresh_token()
    with uow:
        session = uow.sessions.lock_by_hash(refresh_token_hash(command.refresh_token))
        state = session.state(now) if session else None
        if state is SessionState.SPENT:
            uow.sessions.revoke_family(session.family_id, now)
        if state is SessionState.USABLE:
            user = uow.users.get(session.user_id)
            uow.sessions.save(session.spent(now))
            uow.sessions.add(
                session.successor(
                    token_hash=refresh_token_hash(successor_token),
                    now=now,
                    lifetime=REFRESH_LIFETIME,
                )
            )
    if state is SessionState.SPENT:
        raise Unauthorized(
            "This refresh token was used already: every session of this sign-in is revoked."
        )
    if state is not SessionState.USABLE or not user.active:
        raise Unauthorized(
            "The refresh token is not valid; sign in again.", code="invalid_refresh_token"
        )
    return _pair(user, successor_token, tokens)


@dataclass(frozen=True)
class SignOut:
    refresh_token: str


def handle_sign_out(command: SignOut, uow: IdentityUnitOfWork) -> None:
    """End the sign-in the token belongs to; an unknown or ended token is no error."""
    with uow:
        session = uow.sessions.lock_by_hash(refresh_token_hash(command.refresh_token))
        if session is not None:
            uow.sessions.revoke_family(session.family_id, datetime.now(UTC))
