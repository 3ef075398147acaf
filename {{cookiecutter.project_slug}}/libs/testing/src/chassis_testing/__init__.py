"""Pytest fixtures every service's tests share (loaded with ``-p chassis_testing``).

This package ships with the tests (``make install`` and CI install it); no
image carries it, nor its dependencies on pytest and an SMTP server.

A service verifies tokens against its issuer's published keys, so its tests get
an issuer of their own: :class:`TokenIssuer` holds an RSA key pair and serves
its public half as a JSON Web Key Set from a real HTTP server on loopback.
Every test trusts it; ``token_issuer.token(...)`` mints tokens the service
accepts, and ``api_as(principal)`` returns an API client that sends one.

Mail goes to a real SMTP server on loopback (``mailbox``), which can refuse
messages as a server in trouble does. ``ServiceProcess`` runs one of the
service's own processes (a worker, a scheduler) on the test database, as
production runs it. Where a service runs Celery, ``chassis_testing.tasks`` adds
``celery_worker``: a real worker of the service, on a task queue of this test
run's own.

Pytest loads this module before Django is configured, so whatever reads
Django's settings on import is imported inside the fixtures.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote
from uuid import UUID, uuid4

import environ
import jwt
import pytest
from aiosmtpd.controller import Controller
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from chassis.environment import DATABASE_OWNER_URL
from chassis.redis_acl import key_prefix

if TYPE_CHECKING:
    from rest_framework.test import APIClient

    from chassis.auth import Principal

# Tests speak plain HTTP to the service, as the gateway does on a developer's
# machine. Set before Django reads its settings: the middleware reads it once.
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")


def _connect_as_the_database_owner() -> None:
    # A native run's processes connect as the application's role, which may not make the test
    # database; its tests connect as the owner, named in the service's .env beside it.
    env_file = Path.cwd() / ".env"
    if env_file.is_file():
        environ.Env.read_env(env_file)  # as the settings will, the real environment winning
    if owner_url := os.environ.get(DATABASE_OWNER_URL.name):
        os.environ["DATABASE_URL"] = owner_url


_connect_as_the_database_owner()
# What this test run keeps apart is named after it (`scripts.checks` names it, to delete what
# the run left in Redis), and after the service (its folder): the service's broker and Redis
# users may touch no other names (chassis.broker_access, chassis.redis_acl). Set before Django
# reads its settings, and passed on to the processes the tests start.
TEST_RUN_ID = os.environ.setdefault("TEST_RUN_ID", uuid4().hex[:12])
_SERVICE = Path.cwd().name
# Tasks queued by this run (where a service has Celery tasks) go to a queue of its own, which
# only its own worker takes.
os.environ.setdefault("CELERY_TASK_QUEUE", f"{_SERVICE}.test-{TEST_RUN_ID}.tasks")
# What it stores in Redis (Celery's results, the read caches' generations) goes under a part of
# the service's key prefix of its own: a running system's keys beside it are neither read nor
# changed.
_prefix = key_prefix(_SERVICE, os.environ.get("CACHE_KEY_PREFIX", ""))
os.environ["CACHE_KEY_PREFIX"] = f"{_prefix}:test-{TEST_RUN_ID}"

# Celery's fixtures, in a project where a service runs Celery (elsewhere the module is gone).
if importlib.util.find_spec("chassis_testing.tasks") is not None:
    pytest_plugins = ["chassis_testing.tasks"]

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


def eventually(
    check: Callable[[], Any], timeout: float = 30, message: str | Callable[[], str] = ""
) -> Any:
    """The first true value `check` returns within `timeout` seconds; fails the test otherwise.

    `message` says what was wrong; a callable is asked at the time of failure.
    """
    deadline = time.monotonic() + timeout
    while not (result := check()):
        if time.monotonic() > deadline:
            detail = message() if callable(message) else message
            pytest.fail(f"still not true after {timeout} s: {detail}")
        time.sleep(0.1)
    return result


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class MailServer:
    """A real SMTP server on loopback that keeps what it receives.

    ``refuse(n)`` makes it answer the next `n` messages with a temporary
    failure (451), as a server in trouble does; ``refuse_recipient(address)``
    refuses that recipient for good (550), as a server with no such mailbox does.
    """

    def __init__(self) -> None:
        # aiosmtpd logs every line of every conversation at INFO.
        logging.getLogger("mail.log").setLevel(logging.WARNING)
        self.messages: list[EmailMessage] = []
        self.refusals = 0
        self.refused_recipients: set[str] = set()
        self._lock = threading.Lock()
        self._controller = Controller(self, hostname="127.0.0.1", port=free_port())

    @property
    def url(self) -> str:
        """The server as an ``EMAIL_URL``."""
        return f"smtp://127.0.0.1:{self._controller.port}"

    def start(self) -> None:
        self._controller.start()

    def stop(self) -> None:
        self._controller.stop()

    def reset(self) -> None:
        with self._lock:
            self.messages.clear()
            self.refusals = 0
            self.refused_recipients.clear()

    def refuse(self, count: int) -> None:
        with self._lock:
            self.refusals = count

    def refuse_recipient(self, address: str) -> None:
        with self._lock:
            self.refused_recipients.add(address)

    def wait_for(self, count: int, timeout: float = 30) -> list[EmailMessage]:
        """The messages received, once there are `count` of them."""
        eventually(
            lambda: len(self.messages) >= count,
            timeout,
            f"{len(self.messages)} of {count} messages arrived",
        )
        return list(self.messages)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        with self._lock:
            if address in self.refused_recipients:
                return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self._lock:
            if self.refusals:
                self.refusals -= 1
                return "451 4.3.0 Try again later"
            message = message_from_bytes(envelope.content, policy=policy.default)
            self.messages.append(message)  # type: ignore[arg-type]
        return "250 Message accepted for delivery"


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[MailServer]:
    server = MailServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def mailbox(smtp_server: MailServer, settings: Any) -> MailServer:
    """The SMTP server, empty, with this process's mail going to it over SMTP."""
    import environ

    smtp_server.reset()
    # The settings EMAIL_URL would give, as the services read it in production.
    for name, value in environ.Env.email_url_config(smtp_server.url).items():
        setattr(settings, name, value)
    return smtp_server


def database_url_for_tests() -> str:
    """The URL of the database the tests run on, for a process of their own to use."""
    from django.db import connection

    database = connection.settings_dict
    credentials = quote(database["USER"] or "")
    if database["PASSWORD"]:
        credentials += ":" + quote(database["PASSWORD"])
    host = f"{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}"
    return f"postgres://{credentials}@{host}/{database['NAME']}"


class ServiceProcess:
    """One of the service's processes, started by a test on the test database, its output
    kept in a file; stopped as production stops it (SIGTERM)."""

    def __init__(self, command: list[str], log: Path, env: Mapping[str, str] | None = None) -> None:
        from django.conf import settings

        self.log = log
        with log.open("ab") as output:
            self.process = subprocess.Popen(
                [sys.executable, *command],
                cwd=settings.BASE_DIR,
                env={**os.environ, "DATABASE_URL": database_url_for_tests(), **(env or {})},
                stdout=output,
                stderr=subprocess.STDOUT,
            )

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
