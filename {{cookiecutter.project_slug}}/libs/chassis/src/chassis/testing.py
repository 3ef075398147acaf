"""Pytest fixtures every service's tests share (loaded with ``-p chassis.testing``).

A service verifies tokens against its issuer's published keys, so its tests get
an issuer of their own: :class:`TokenIssuer` holds an RSA key pair and serves
its public half as a JSON Web Key Set from a real HTTP server on loopback.
Every test trusts it; ``token_issuer.token(...)`` mints tokens the service
accepts, and ``api_as(principal)`` returns an API client that sends one.

Pytest loads this module before Django is configured, so whatever reads
Django's settings on import is imported inside the fixtures.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid4

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

if TYPE_CHECKING:
    from rest_framework.test import APIClient

    from chassis.auth import Principal

# Tests speak plain HTTP to the service, as the gateway does on a developer's
# machine. Set before Django reads its settings: the middleware reads it once.
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")

ISSUER = "https://issuer.test"
AUDIENCE = "services.test"


class SigningKey:
    def __init__(self, kid: str) -> None:
        self.kid = kid
        self.private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    def public_jwk(self) -> dict[str, Any]:
        jwk = json.loads(RSAAlgorithm.to_jwk(self.private_key.public_key()))
        return {**jwk, "kid": self.kid, "use": "sig", "alg": "RS256"}


class TokenIssuer:
    """An issuer for tests: its keys published at :attr:`jwks_url`, tokens made on demand."""

    def __init__(self) -> None:
        self.keys = [SigningKey("test-key-1")]
        self.jwks_requests = 0
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def jwks_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/jwks.json"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def rotate(self, kid: str) -> SigningKey:
        """Publish a new key (keeping the old one) and sign with it from now on."""
        key = SigningKey(kid)
        self.keys.append(key)
        return key

    def token(
        self,
        principal: Principal | None = None,
        *,
        expires_in: int = 300,
        key: SigningKey | None = None,
        **claims: Any,
    ) -> str:
        principal = principal or make_principal()
        now = int(time.time())
        payload = {
            "iss": ISSUER,
            "aud": AUDIENCE,
            "sub": str(principal.id),
            "email": principal.email,
            "roles": sorted(principal.roles),
            "iat": now,
            "exp": now + expires_in,
            **claims,
        }
        key = key or self.keys[-1]
        return jwt.encode(payload, key.private_key, algorithm="RS256", headers={"kid": key.kid})

    def bad_tokens(self, principal: Principal) -> dict[str, str]:
        """Tokens every service must refuse, by what is wrong with them."""
        unsigned = jwt.encode(
            jwt.decode(self.token(principal), options={"verify_signature": False}),
            key=None,
            algorithm="none",
            headers={"kid": self.keys[-1].kid},
        )
        return {
            "forged signature": self.token(principal, key=SigningKey(self.keys[-1].kid)),
            "alg none": unsigned,
            "expired": self.token(principal, expires_in=-120),
            "wrong issuer": self.token(principal, iss="https://elsewhere.test"),
            "wrong audience": self.token(principal, aud="another-system"),
            "unknown key id": self.token(principal, key=SigningKey("never-published")),
        }

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        issuer = self

        class JWKSHandler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                issuer.jwks_requests += 1
                body = json.dumps({"keys": [key.public_jwk() for key in issuer.keys]}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return JWKSHandler


@pytest.fixture(scope="session")
def token_issuer() -> Iterator[TokenIssuer]:
    issuer = TokenIssuer()
    issuer.start()
    yield issuer
    issuer.stop()


@pytest.fixture(autouse=True)
def _trust_the_test_issuer(settings: Any, token_issuer: TokenIssuer) -> None:
    # Hashing stays correct, only faster: the real hasher is slow by design.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.JWT_ISSUER = ISSUER
    settings.JWT_AUDIENCE = AUDIENCE
    settings.JWT_JWKS_URL = token_issuer.jwks_url


def make_principal(*roles: str, user_id: UUID | None = None) -> Principal:
    from chassis.auth import Principal

    user_id = user_id or uuid4()
    return Principal(
        id=user_id, email=f"user-{user_id.hex[:8]}@example.com", roles=frozenset(roles)
    )


@pytest.fixture
def customer() -> Principal:
    return make_principal()


@pytest.fixture
def staff() -> Principal:
    return make_principal("staff")


@pytest.fixture
def api() -> APIClient:
    """A client that sends no token."""
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture
def api_as(token_issuer: TokenIssuer) -> Callable[[Principal], APIClient]:
    """``api_as(principal)``: a client whose requests carry the principal's token."""

    from rest_framework.test import APIClient

    def client_for(principal: Principal) -> APIClient:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_issuer.token(principal)}")
        return client

    return client_for
