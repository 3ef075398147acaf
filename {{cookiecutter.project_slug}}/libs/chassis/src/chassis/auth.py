"""Who is calling: bearer JWTs verified offline against the issuer's published keys.

Every service trusts one issuer (the identity service, or Keycloak). It reads
the issuer's JSON Web Key Set once, keeps it, and reads it again when a token
names a key it has not seen, which is how the issuer rotates keys (PyJWT's
client waits a cooldown between such reads, so forged key ids cannot flood
the issuer). A token is accepted only when its RS256 signature, expiry,
issuer and audience all check out; the caller is then a :class:`Principal`.

Settings (environment variables of the same names): ``JWT_ISSUER``,
``JWT_AUDIENCE``, ``JWT_JWKS_URL``.
"""

from __future__ import annotations

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

ALGORITHMS = ["RS256"]
STAFF_ROLE = "staff"
# Clocks of the issuer and the services may differ a little.
CLOCK_SKEW_SECONDS = 30


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


class TokenVerifier:
    def __init__(
        self, *, jwks_url: str, issuer: str, audience: str, refresh_cooldown: float = 30
    ) -> None:
        self._keys = jwt.PyJWKClient(
            jwks_url, cache_keys=True, lifespan=3600, timeout=3, cooldown_duration=refresh_cooldown
        )
        self._issuer = issuer
        self._audience = audience

    def verify(self, token: str) -> dict[str, Any]:
        """The token's claims; :class:`AuthenticationFailed` if it is not to be trusted."""
        try:
            key = self._keys.get_signing_key_from_jwt(token)
            return jwt.decode(
                token,
                key.key,
                algorithms=ALGORITHMS,
                issuer=self._issuer,
                audience=self._audience,
                leeway=CLOCK_SKEW_SECONDS,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except jwt.PyJWKClientConnectionError as error:
            raise AuthenticationUnavailable() from error
        except jwt.ExpiredSignatureError as error:
            raise exceptions.AuthenticationFailed(
                "The token has expired.", code="token_expired"
            ) from error
        except jwt.PyJWTError as error:
            raise exceptions.AuthenticationFailed(
                f"The token is not valid: {error}", code="invalid_token"
            ) from error


@lru_cache(maxsize=4)
def verifier_for(jwks_url: str, issuer: str, audience: str) -> TokenVerifier:
    return TokenVerifier(jwks_url=jwks_url, issuer=issuer, audience=audience)


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
        if not (settings.JWT_JWKS_URL and settings.JWT_ISSUER and settings.JWT_AUDIENCE):
            raise AuthenticationUnavailable("This service is not configured to check tokens.")
        claims = verifier_for(
            settings.JWT_JWKS_URL, settings.JWT_ISSUER, settings.JWT_AUDIENCE
        ).verify(header[1].decode("latin-1"))
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
