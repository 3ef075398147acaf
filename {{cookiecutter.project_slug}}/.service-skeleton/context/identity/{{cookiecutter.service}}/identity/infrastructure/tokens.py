"""Signing access tokens, and publishing the keys that check them.

The signing key is an RSA private key (PEM, base64 in IDENTITY_SIGNING_KEY)
named by IDENTITY_SIGNING_KEY_ID, which every token carries as its `kid`. To
rotate: put the current key's public JWK (from /.well-known/jwks.json) into
IDENTITY_RETIRED_PUBLIC_KEYS, then give the service a new key and id; tokens
signed with the old key keep verifying until they expire.
"""

from __future__ import annotations

import base64
import binascii
import json
import time
from functools import cached_property
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from jwt.algorithms import RSAAlgorithm

from identity.domain.users import User


def load_signing_key(encoded: str) -> RSAPrivateKey:
    try:
        key = load_pem_private_key(base64.b64decode(encoded, validate=True), password=None)
    except (binascii.Error, ValueError, TypeError) as error:
        raise ImproperlyConfigured(
            "IDENTITY_SIGNING_KEY is not a base64-encoded PEM private key: run `make setup` for one."
        ) from error
    if not isinstance(key, RSAPrivateKey):
        raise ImproperlyConfigured(
            "IDENTITY_SIGNING_KEY must be an RSA key: tokens are signed with RS256."
        )
    return key


class SigningKeys:
    """The active signing key, from settings, and every public key tokens may be checked with."""

    @cached_property
    def private_key(self) -> RSAPrivateKey:
        return load_signing_key(settings.IDENTITY_SIGNING_KEY)

    @property
    def key_id(self) -> str:
        return settings.IDENTITY_SIGNING_KEY_ID

    def jwks(self) -> dict[str, list[dict[str, Any]]]:
        active = json.loads(RSAAlgorithm.to_jwk(self.private_key.public_key()))
        active.update(kid=self.key_id, use="sig", alg="RS256")
        return {"keys": [active, *settings.IDENTITY_RETIRED_PUBLIC_KEYS]}


class JWTAccessTokenIssuer:
    def __init__(self, keys: SigningKeys | None = None) -> None:
        self._keys = keys or SigningKeys()

    def issue(self, user: User) -> tuple[str, int]:
        now = int(time.time())
        lifetime = settings.IDENTITY_ACCESS_TOKEN_SECONDS
        claims = {
            "iss": settings.JWT_ISSUER,
            "aud": settings.JWT_AUDIENCE,
            "sub": str(user.id),
            "email": user.email,
            "name": user.full_name,
            "roles": sorted(user.roles),
            "iat": now,
            "exp": now + lifetime,
        }
        token = jwt.encode(
            claims, self._keys.private_key, algorithm="RS256", headers={"kid": self._keys.key_id}
        )
        return token, lifetime
