import logging
import multiprocessing
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import jwt
import pytest
from rest_framework.exceptions import AuthenticationFailed

from chassis.auth import SigningKeys, TokenVerifier, configured_verifier, verifier_for
from chassis_testing import (
    AUDIENCE,
    ISSUER,
    ServiceProcess,
    SigningKey,
    TokenIssuer,
    eventually,
    free_port,
    make_principal,
)

from tests.conftest import CuttableLink

ME = "/api/sample/me/"
PROBLEM = "application/problem+json"


@pytest.fixture(autouse=True)
def _stop_reading_keys_after_the_test(settings) -> Iterator[None]:
    # Each test's settings make a verifier of their own, reading its issuer's keys in a thread.
    yield
    if verifier := configured_verifier():
        verifier.close()
    verifier_for.cache_clear()


@pytest.fixture
def issuer() -> Iterator[TokenIssuer]:
    """An issuer of the test's own, which it may change or take down."""
    issuer = TokenIssuer()
    issuer.start()
    yield issuer
    issuer.stop()


@pytest.fixture
def verifier_of() -> Iterator[Callable[..., TokenVerifier]]:
    """``verifier_of(issuer, ttl=...)``: a verifier trusting `issuer`, stopped after the test."""
    made: list[TokenVerifier] = []

    def make(issuer: TokenIssuer, **tunables: float) -> TokenVerifier:
        verifier = TokenVerifier(
            jwks_url=issuer.jwks_url, issuer=ISSUER, audience=AUDIENCE, **tunables
        )
        made.append(verifier)
        return verifier

    yield make
    for verifier in made:
        verifier.close()


def refused(verifier: TokenVerifier, token: str) -> str | None:
    """The code the token is refused with; None if it is accepted."""
    try:
        verifier.verify(token)
    except AuthenticationFailed as error:
        return str(error.get_codes())
    return None


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def assert_unauthorized(response, code: str) -> None:
    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert response.json()["code"] == code


def test_a_valid_token_makes_the_caller_its_principal(api, token_issuer, customer):
    response = api.get(ME, **bearer(token_issuer.token(customer)))

    assert response.status_code == 200
    assert response.json() == {"id": str(customer.id), "email": customer.email, "roles": []}


def test_keycloak_roles_are_read_from_realm_access(api, token_issuer, customer):
    token = token_issuer.token(
        customer, roles=None, realm_access={"roles": ["staff", "offline_access"]}
    )

    assert api.get(ME, **bearer(token)).json()["roles"] == ["offline_access", "staff"]


def test_no_token_is_401_for_a_protected_view(api):
    assert_unauthorized(api.get(ME), "not_authenticated")


def test_forged_signature_is_refused(api, token_issuer, customer):
    forger = SigningKey(token_issuer.keys[-1].kid)  # same key id, different key

    assert_unauthorized(
        api.get(ME, **bearer(token_issuer.token(customer, key=forger))), "invalid_token"
    )


def test_alg_none_is_refused(api, token_issuer, customer):
    unsigned = token_issuer.bad_tokens(customer)["alg none"]

    assert jwt.get_unverified_header(unsigned)["alg"] == "none"
    assert_unauthorized(api.get(ME, **bearer(unsigned)), "invalid_token")


def test_expired_token_is_refused(api, token_issuer, customer):
    assert_unauthorized(
        api.get(ME, **bearer(token_issuer.token(customer, expires_in=-120))), "token_expired"
    )


@pytest.mark.parametrize(
    ("claim", "value"), [("iss", "https://elsewhere.test"), ("aud", "another-system")]
)
def test_wrong_issuer_or_audience_is_refused(api, token_issuer, customer, claim, value):
    assert_unauthorized(
        api.get(ME, **bearer(token_issuer.token(customer, **{claim: value}))), "invalid_token"
    )


def test_unknown_key_id_is_refused(api, token_issuer, customer):
    stranger = SigningKey("never-published")

    assert_unauthorized(
        api.get(ME, **bearer(token_issuer.token(customer, key=stranger))), "invalid_token"
    )


def test_malformed_header_is_refused(api):
    assert_unauthorized(api.get(ME, HTTP_AUTHORIZATION="Bearer two parts"), "authentication_failed")
    assert_unauthorized(api.get(ME, **bearer("not.a.jwt")), "invalid_token")


def test_staff_role_is_needed_for_staff_views(api_as, customer):
    response = api_as(customer).post("/api/sample/staff-only/")

    assert response.status_code == 403
    assert response["Content-Type"] == PROBLEM
    assert api_as(make_principal("staff")).post("/api/sample/staff-only/").status_code == 200


def test_a_rotated_key_is_fetched_when_a_token_names_it(issuer, verifier_of, customer):
    verifier = verifier_of(issuer, refresh_cooldown=0)
    assert verifier.verify(issuer.token(customer))["sub"] == str(customer.id)
    requests_before = issuer.jwks_requests

    new_key = issuer.rotate("test-key-rotated")
    claims = verifier.verify(issuer.token(customer, key=new_key))

    assert claims["sub"] == str(customer.id)
    assert issuer.jwks_requests == requests_before + 1


def test_unknown_key_ids_read_the_keys_once_per_cooldown(issuer, verifier_of, customer):
    verifier = verifier_of(issuer, refresh_cooldown=1)
    verifier.verify(issuer.token(customer))
    assert issuer.jwks_requests == 1  # read once, by the worker's thread or the request
    forged = [issuer.token(customer, key=SigningKey(f"forged-{n}")) for n in range(3)]

    # The first unknown key id reads the keys again, in case the issuer rotated; those after
    # it, within the cooldown, read nothing.
    for token in forged * 2:
        assert refused(verifier, token) == "invalid_token"
    assert issuer.jwks_requests == 2

    time.sleep(1.1)  # the cooldown is over: many requests at once read once between them
    requests = [threading.Thread(target=refused, args=(verifier, token)) for token in forged * 3]
    for request in requests:
        request.start()
    for request in requests:
        request.join()
    assert issuer.jwks_requests == 3


def test_a_withdrawn_key_is_refused_once_the_ttl_is_over(issuer, verifier_of, customer):
    verifier = verifier_of(issuer, ttl=0.5, refresh_cooldown=60)
    withdrawn = issuer.keys[0]
    token = issuer.token(customer, key=withdrawn)
    assert refused(verifier, token) is None

    issuer.rotate("test-key-next")
    issuer.keys.remove(withdrawn)

    # Without a restart, and without a token naming a new key to make the service look.
    eventually(lambda: refused(verifier, token) == "invalid_token", timeout=5)


def test_a_new_key_is_read_in_the_background_before_a_token_needs_it(issuer, verifier_of, customer):
    verifier = verifier_of(issuer, ttl=0.5, refresh_cooldown=60)
    verifier.verify(issuer.token(customer))
    requests_before = issuer.jwks_requests

    new_key = issuer.rotate("test-key-next")
    # Two reads begun since: the first has ended (a process reads one at a time), with the key.
    eventually(lambda: issuer.jwks_requests >= requests_before + 2, timeout=5)
    issuer.stop()

    # The request waits on no issuer: it is gone, and the key is known already.
    assert verifier.verify(issuer.token(customer, key=new_key))["sub"] == str(customer.id)


def test_while_the_issuer_is_down_its_last_keys_are_trusted_for_a_while(
    api, settings, issuer, customer, caplog
):
    link = CuttableLink.to(issuer.jwks_url)  # the issuer, as the service reaches it
    settings.JWT_JWKS_URL = jwks_url = link.carry(issuer.jwks_url)
    settings.JWT_JWKS_TTL = 0.2
    settings.JWT_JWKS_REFRESH_COOLDOWN = 0.1
    settings.JWT_JWKS_MAX_STALENESS = 3
    caplog.set_level(logging.DEBUG, logger="chassis.auth")
    token = issuer.token(customer)
    try:
        assert api.get(ME, **bearer(token)).status_code == 200

        link.down()
        # Longer than the TTL: the keys have been read again, in vain, several times.
        eventually(lambda: failed_reads(caplog) >= 3, timeout=5, message=caplog.text)
        for _ in range(3):
            assert api.get(ME, **bearer(token)).status_code == 200

        # Past the bound, tokens cannot be checked: as when the issuer is down at the start.
        eventually(lambda: api.get(ME, **bearer(token)).status_code == 503, timeout=10)
        response = api.get(ME, **bearer(token))
        assert response["Content-Type"] == PROBLEM
        assert response.json()["code"] == "authentication_unavailable"

        link.restore()
        eventually(lambda: api.get(ME, **bearer(token)).status_code == 200, timeout=5)
    finally:
        link.close()

    # One outage, told once (and once that tokens are now refused), however many reads failed.
    told = [r for r in caplog.records if r.levelno >= logging.INFO and jwks_url in r.getMessage()]
    assert [r.levelname for r in told] == ["WARNING", "ERROR", "INFO"], caplog.text
    assert "cannot be read" in told[0].getMessage()
    assert "read again" in told[2].getMessage()


def failed_reads(caplog) -> int:
    return sum("cannot be read" in r.getMessage() for r in caplog.records)


def test_unreachable_issuer_is_503_not_401(api, settings, token_issuer, customer):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        settings.JWT_JWKS_URL = f"http://127.0.0.1:{sock.getsockname()[1]}/jwks.json"

    response = api.get(ME, **bearer(token_issuer.token(customer)))

    assert response.status_code == 503
    assert response.json()["code"] == "authentication_unavailable"


def _read_a_key_after_fork(keys: SigningKeys, kid: str) -> None:
    keys.key(kid)  # names a key the parent has not seen: a read, under the lock
    assert any(thread.name == "jwks-refresher" for thread in threading.enumerate())


def test_a_forked_process_reads_the_keys_on_its_own(issuer, customer):
    keys = SigningKeys(issuer.jwks_url, refresh_cooldown=0)
    assert keys.refresh()
    issuer.rotate("test-key-after-fork")
    fork = multiprocessing.get_context("fork")

    # Forked while the parent reads (its lock held), as a Gunicorn or Celery worker may be.
    with keys._lock:
        child = fork.Process(target=_read_a_key_after_fork, args=(keys, "test-key-after-fork"))
        child.start()
    child.join(timeout=20)
    if child.is_alive():
        child.kill()
        child.join()
        pytest.fail("the child waits for a lock its parent's thread held")
    keys.close()

    assert child.exitcode == 0


@contextmanager
def web_service(
    tmp_path: Path, jwks_url: str, workers: int
) -> Iterator[tuple[str, ServiceProcess]]:
    """The chassis's test service under Gunicorn, as production runs it, trusting `jwks_url`."""
    port = free_port()
    gunicorn = ["-m", "gunicorn", "--config", "python:chassis.gunicorn", "--workers", str(workers)]
    process = ServiceProcess(
        [*gunicorn, "--bind", f"127.0.0.1:{port}", "tests.wsgi"],
        tmp_path / "web.log",
        env={
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            "JWT_ISSUER": ISSUER,
            "JWT_AUDIENCE": AUDIENCE,
            "JWT_JWKS_URL": jwks_url,
        },
    )
    try:
        yield f"http://127.0.0.1:{port}", process
    finally:
        process.stop()


def answers(url: str) -> httpx.Response | None:
    try:
        return httpx.get(url)
    except httpx.TransportError:  # not listening yet
        return None


def test_a_web_worker_reads_the_keys_as_it_starts(tmp_path, issuer, customer):
    with web_service(tmp_path, issuer.jwks_url, workers=2) as (url, process):
        # Before any request: each worker has read them.
        eventually(lambda: issuer.jwks_requests >= 2, timeout=60, message=process.output)
        eventually(lambda: answers(f"{url}/health/live"), timeout=30, message=process.output)

        response = httpx.get(
            url + ME, headers={"Authorization": f"Bearer {issuer.token(customer)}"}
        )

        assert response.status_code == 200, response.text
        assert issuer.jwks_requests == 2


@pytest.fixture
def gone_issuer() -> Iterator[str]:
    """A JWKS URL that refuses every connection: its port is held, bound and never listening,
    so that nothing else (the service under test, given a free port too) can take it."""
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        yield f"http://127.0.0.1:{held.getsockname()[1]}/jwks.json"


def test_a_web_worker_starts_while_the_issuer_is_down(tmp_path, issuer, customer, gone_issuer):
    with web_service(tmp_path, gone_issuer, workers=1) as (url, process):
        live = eventually(lambda: answers(f"{url}/health/live"), timeout=60, message=process.output)
        assert live.status_code == 200
        token = issuer.token(customer)

        for _ in range(3):
            response = httpx.get(url + ME, headers={"Authorization": f"Bearer {token}"})
            assert response.status_code == 503, response.text
            assert response.json()["code"] == "authentication_unavailable"

        assert process.output().count("cannot be read") == 1, process.output()
