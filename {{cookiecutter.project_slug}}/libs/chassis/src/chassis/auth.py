"""Who is calling: bearer JWTs verified offline against the issuer's published keys.

Every service trusts one issuer (the identity service, or Keycloak), whose JSON
Web Key Set each process keeps in memory (:class:`SigningKeys`) and reads again
in a background thread, so that no request waits on the issuer:

- every half ``JWT_JWKS_TTL`` (5 minutes): a key the issuer stops publishing
  is trusted no longer than the TTL after;
- at once when a token names a key id it has not seen (the issuer rotated its
  key), at most once per ``JWT_JWKS_REFRESH_COOLDOWN``, so that forged key ids
  cannot flood the issuer;
- when a Gunicorn worker starts (``chassis.gunicorn``), so its first request
  finds the keys there; elsewhere (a Celery process) at the first token.

While the issuer does not answer, the keys last read stay trusted for
``JWT_JWKS_MAX_STALENESS`` (a day); after that, and before any key was read,
tokens are answered 503 ``authentication_unavailable``, as when the issuer is
down. Each outage is logged once, and its end.

A token is accepted only when its RS256 signature, expiry, issuer and audience
all check out; the caller is then a :class:`Principal`.

Settings: ``JWT_ISSUER``, ``JWT_AUDIENCE``, ``JWT_JWKS_URL``, ``JWT_JWKS_TTL``
(environment variables of the same names), ``JWT_JWKS_REFRESH_COOLDOWN`` and
``JWT_JWKS_MAX_STALENESS``.
"""

from __future__ import annotations

import logging
import math
import os
import threading
import time
import weakref
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, ClassVar
from uuid import UUID

import jwt
from django.conf import settings
from rest_framework import exceptions, permissions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request

if TYPE_CHECKING:
    # rest_framework.views loads the authentication classes, this module among them.
    from rest_framework.views import APIView

logger = logging.getLogger(__name__)

ALGORITHMS = ["RS256"]
STAFF_ROLE = "staff"
# Clocks of the issuer and the services may differ a little.
CLOCK_SKEW_SECONDS = 30
# Seconds a read of the issuer's keys may take; a request may wait on one (a new key id).
READ_TIMEOUT_SECONDS = 3


@dataclass(frozen=True)
class Principal:
    """The authenticated caller: a user id, an e-mail address and roles."""

    id: UUID
    email: str
    roles: frozenset[str]

    # What Django and DRF ask of request.user.
    is_authenticated: ClassVar[bool] = True
    is_anonymous: ClassVar[bool] = False

    @property
    def is_staff(self) -> bool:
        return STAFF_ROLE in self.roles

    @classmethod
    def from_claims(cls, claims: dict[str, Any]) -> Principal:
        # The identity service puts roles in `roles`; Keycloak in `realm_access.roles`.
        roles = claims.get("roles") or claims.get("realm_access", {}).get("roles", [])
        try:
            user_id = UUID(claims["sub"])
        except ValueError as error:
            raise exceptions.AuthenticationFailed(
                "The token's subject is not a user id.", code="invalid_token"
            ) from error
        return cls(id=user_id, email=claims.get("email", ""), roles=frozenset(roles))


class AuthenticationUnavailable(exceptions.APIException):
    status_code = 503
    default_detail = "Tokens cannot be checked right now; try again shortly."
    default_code = "authentication_unavailable"


class SigningKeys:
    """The issuer's signing keys by key id, as last read from its JWKS at `jwks_url`.

    Read in a thread of the process's own every ``ttl / 2`` seconds (sooner after a failed
    read); the thread starts with the first lookup or :meth:`start`, in each process: a
    forked child starts its own.
    """

    def __init__(
        self,
        jwks_url: str,
        *,
        ttl: float = 300,
        refresh_cooldown: float = 30,
        max_staleness: float = 86_400,
        timeout: float = READ_TIMEOUT_SECONDS,
    ) -> None:
        if ttl <= 0:
            raise ValueError(f"The keys' TTL must be more than 0 seconds, not {ttl}.")
        # PyJWT reads (http(s) only, no redirects) and parses the key set; it caches nothing
        # here, because what to keep and for how long is decided below.
        self._client = jwt.PyJWKClient(jwks_url, cache_jwk_set=False, timeout=timeout)
        self.jwks_url = jwks_url
        self.ttl = ttl
        self.refresh_cooldown = refresh_cooldown
        self.max_staleness = max_staleness
        self._keys: dict[str, jwt.PyJWK] = {}
        self._read_at: float | None = None  # time.monotonic() of the last good read
        self._reads = 0  # reads tried, good or not: tells a waiting caller one just ended
        self._on_demand_at = -math.inf  # the last read a request asked for
        self._outage_since: float | None = None
        self._failed_reads = 0  # in a row
        self._attempted_at = -math.inf
        self._told_keys_too_old = False
        self._reset_process_state()
        _ALL_SIGNING_KEYS.add(self)

    def _reset_process_state(self) -> None:
        # Threads do not survive fork, and a lock one of them held stays held in the child:
        # a child (a Gunicorn or Celery worker) gets its own, and starts its own thread.
        self._lock = threading.Lock()  # one read at a time
        self._refresher: threading.Thread | None = None
        self._stop = threading.Event()
        # A key set nobody uses any more stops its thread.
        weakref.finalize(self, self._stop.set)

    def start(self) -> None:
        """Read the keys in the background from now on (a no-op when already doing so)."""
        refresher = self._refresher
        if (refresher is not None and refresher.is_alive()) or self._stop.is_set():
            return
        with _STARTING:
            if self._refresher is None or not self._refresher.is_alive():
                self._refresher = threading.Thread(
                    target=_refresh_in_background,
                    args=(weakref.ref(self), self._stop),
                    name="jwks-refresher",
                    daemon=True,
                )
                self._refresher.start()

    def close(self) -> None:
        """Stop reading in the background."""
        self._stop.set()
        if self._refresher is not None and self._refresher is not threading.current_thread():
            self._refresher.join(timeout=READ_TIMEOUT_SECONDS + 1)

    def key(self, kid: str) -> jwt.PyJWK:
        """The key named `kid`: :class:`AuthenticationUnavailable` when no key can be trusted,
        :class:`jwt.PyJWKClientError` when the issuer has no such key."""
        self.start()
        keys = self._keys if self._fresh_enough() else self._read_on_demand(kid, no_keys=True)
        if kid not in keys:
            # Perhaps the issuer has rotated to a key not seen yet.
            keys = self._read_on_demand(kid, no_keys=False)
        try:
            return keys[kid]
        except KeyError:
            raise jwt.PyJWKClientError(f'The issuer publishes no key "{kid}".') from None

    def _fresh_enough(self) -> bool:
        read_at = self._read_at
        if read_at is None:
            return False
        if time.monotonic() - read_at <= self.max_staleness:
            return True
        if not self._told_keys_too_old:
            self._told_keys_too_old = True
            logger.error(
                "The issuer's keys were last read from %s %.0f s ago, more than the %.0f s they"
                " are trusted without it: tokens are refused until it answers",
                self.jwks_url,
                time.monotonic() - read_at,
                self.max_staleness,
            )
        return False

    def _read_on_demand(self, kid: str, *, no_keys: bool) -> dict[str, jwt.PyJWK]:
        """The keys after a read a request asked for, or after the read that ended while it
        waited for the lock: at most one such read per cooldown, whatever the requests.

        :class:`AuthenticationUnavailable` when no key can be trusted (`no_keys`), or when the
        issuer does not answer to say whether it has a key a token names.
        """
        reads_seen = self._reads
        with self._lock:
            if self._fresh_enough() and kid in self._keys:  # read since the caller looked
                return self._keys
            cooled_down = time.monotonic() - self._on_demand_at >= self.refresh_cooldown
            if self._reads == reads_seen and cooled_down:
                self._on_demand_at = time.monotonic()
                self._read()
            if (not self._fresh_enough()) if no_keys else self._outage_since is not None:
                raise AuthenticationUnavailable()
            return self._keys

    def refresh(self) -> bool:
        """Read the keys now; whether the read worked."""
        with self._lock:
            return self._read()

    def refresh_if_due(self) -> None:
        """Read the keys if their time has come: the background thread's work."""
        with self._lock:
            # A request may have read them since the thread looked.
            if self.next_read_in() <= 0:
                self._read()

    def _read(self) -> bool:
        self._attempted_at = time.monotonic()
        try:
            keys = {key.key_id: key for key in self._client.get_signing_keys(refresh=True)}
        # OSError: a connection reset while reading the answer; ValueError: it is not JSON.
        except (jwt.PyJWTError, OSError, ValueError) as error:
            self._failed_reads += 1
            self._note_failure(error)
            return False
        finally:
            self._reads += 1
        self._keys = keys
        self._read_at = time.monotonic()
        self._failed_reads = 0
        self._told_keys_too_old = False
        if self._outage_since is not None:
            logger.info(
                "The issuer's keys are read again from %s, after %.0f s without",
                self.jwks_url,
                time.monotonic() - self._outage_since,
            )
            self._outage_since = None
        return True

    def _note_failure(self, error: Exception) -> None:
        if self._outage_since is not None:
            logger.debug("The issuer's keys still cannot be read from %s: %s", self.jwks_url, error)
            return
        self._outage_since = time.monotonic()
        if self._read_at is None:
            trusted = "no key is known yet: tokens are refused until it answers"
        else:
            trusted = (
                f"the keys read {time.monotonic() - self._read_at:.0f} s ago stay trusted"
                f" for up to {self.max_staleness:.0f} s"
            )
        logger.warning(
            "The issuer's keys cannot be read from %s (%s); %s", self.jwks_url, error, trusted
        )

    def next_read_in(self) -> float:
        """Seconds until the background thread reads again: half the TTL, so that a key
        withdrawn is trusted less than a TTL. After a failed read sooner, 1 s doubling up to the
        cooldown: a worker that started before its issuer (at boot) has the keys soon after it."""
        if self._failed_reads:
            wait = min(2.0 ** (self._failed_reads - 1), self.refresh_cooldown, self.ttl / 2)
            return self._attempted_at + wait - time.monotonic()
        if self._read_at is None:
            return 0
        return self._read_at + self.ttl / 2 - time.monotonic()


def _refresh_in_background(keys_ref: weakref.ref[SigningKeys], stop: threading.Event) -> None:
    # Holds the key set only while reading, so that one nobody uses can be collected.
    while not stop.is_set():
        keys = keys_ref()
        if keys is None:
            return
        try:
            keys.refresh_if_due()
        except Exception:  # a bug here must not end the thread, nor go unseen
            logger.exception("Reading the issuer's keys failed")
        delay = max(keys.next_read_in(), 0.01)
        del keys
        stop.wait(delay)


_STARTING = threading.Lock()
_ALL_SIGNING_KEYS: weakref.WeakSet[SigningKeys] = weakref.WeakSet()


def _after_fork_in_child() -> None:
    global _STARTING
    _STARTING = threading.Lock()
    for keys in list(_ALL_SIGNING_KEYS):
        keys._reset_process_state()


os.register_at_fork(after_in_child=_after_fork_in_child)


class TokenVerifier:
    def __init__(
        self,
        *,
        jwks_url: str,
        issuer: str,
        audience: str,
        ttl: float = 300,
        refresh_cooldown: float = 30,
        max_staleness: float = 86_400,
    ) -> None:
        self.keys = SigningKeys(
            jwks_url, ttl=ttl, refresh_cooldown=refresh_cooldown, max_staleness=max_staleness
        )
        self._issuer = issuer
        self._audience = audience

    def verify(self, token: str) -> dict[str, Any]:
        """The token's claims; :class:`AuthenticationFailed` if it is not to be trusted."""
        try:
            kid = jwt.get_unverified_header(token).get("kid")
            if not isinstance(kid, str):
                raise jwt.InvalidTokenError("it names no signing key (kid)")
            return jwt.decode(
                token,
                self.keys.key(kid).key,
                algorithms=ALGORITHMS,
                issuer=self._issuer,
                audience=self._audience,
                leeway=CLOCK_SKEW_SECONDS,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except jwt.ExpiredSignatureError as error:
            raise exceptions.AuthenticationFailed(
                "The token has expired.", code="token_expired"
            ) from error
        except jwt.PyJWTError as error:
            raise exceptions.AuthenticationFailed(
                f"The token is not valid: {error}", code="invalid_token"
            ) from error

    def close(self) -> None:
        self.keys.close()


# One verifier (and one key set, read in the background) per issuer a process trusts.
verifier_for = lru_cache(maxsize=4)(TokenVerifier)


def configured_verifier() -> TokenVerifier | None:
    """The verifier the settings describe; None where the service is not set to check tokens."""
    if not (settings.JWT_JWKS_URL and settings.JWT_ISSUER and settings.JWT_AUDIENCE):
        return None
    return verifier_for(
        jwks_url=settings.JWT_JWKS_URL,
        issuer=settings.JWT_ISSUER,
        audience=settings.JWT_AUDIENCE,
        ttl=settings.JWT_JWKS_TTL,
        refresh_cooldown=settings.JWT_JWKS_REFRESH_COOLDOWN,
        max_staleness=settings.JWT_JWKS_MAX_STALENESS,
    )


def read_keys_in_background() -> None:
    """Start reading the issuer's keys, in this process, without waiting for them (a worker
    starting: its first request then finds them). Never fails: the issuer may be down, or be
    this very service, which must boot to publish them."""
    try:
        if verifier := configured_verifier():
            verifier.keys.start()
    except Exception:
        logger.exception("Could not start reading the issuer's keys")


class JWTAuthentication(BaseAuthentication):
    """DRF authentication by ``Authorization: Bearer <JWT>``."""

    def authenticate(self, request: Request) -> tuple[Principal, dict[str, Any]] | None:
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != b"bearer":
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                "Send the token as `Authorization: Bearer <token>`."
            )
        verifier = configured_verifier()
        if verifier is None:
            raise AuthenticationUnavailable("This service is not configured to check tokens.")
        claims = verifier.verify(header[1].decode("latin-1"))
        return Principal.from_claims(claims), claims

    def authenticate_header(self, request: Request) -> str:
        # Makes DRF answer 401 (not 403) to a request without valid credentials.
        return 'Bearer realm="api"'


class IsStaff(permissions.BasePermission):
    message = "Only staff may do this."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return bool(request.user and request.user.is_authenticated and request.user.is_staff)


class ReadOnlyOrStaff(permissions.BasePermission):
    """Anyone may read; only staff may change."""

    message = IsStaff.message

    def has_permission(self, request: Request, view: APIView) -> bool:
        return request.method in permissions.SAFE_METHODS or IsStaff().has_permission(request, view)
