import socket

import jwt
import pytest

from chassis.auth import TokenVerifier
from chassis_testing import AUDIENCE, ISSUER, SigningKey, make_principal

ME = "/api/sample/me/"
PROBLEM = "application/problem+json"


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


def test_a_rotated_key_is_fetched_when_a_token_names_it(token_issuer, customer):
    verifier = TokenVerifier(
        jwks_url=token_issuer.jwks_url, issuer=ISSUER, audience=AUDIENCE, refresh_cooldown=0
    )
    assert verifier.verify(token_issuer.token(customer))["sub"] == str(customer.id)
    requests_before = token_issuer.jwks_requests

    new_key = token_issuer.rotate("test-key-rotated")
    claims = verifier.verify(token_issuer.token(customer, key=new_key))

    assert claims["sub"] == str(customer.id)
    assert token_issuer.jwks_requests == requests_before + 1


def test_unknown_key_ids_cannot_flood_the_issuer(token_issuer, customer):
    verifier = TokenVerifier(jwks_url=token_issuer.jwks_url, issuer=ISSUER, audience=AUDIENCE)
    verifier.verify(token_issuer.token(customer))
    requests_before = token_issuer.jwks_requests

    for attempt in range(5):
        with pytest.raises(Exception, match="not valid"):
            verifier.verify(token_issuer.token(customer, key=SigningKey(f"forged-{attempt}")))

    assert token_issuer.jwks_requests <= requests_before + 1


def test_unreachable_issuer_is_503_not_401(api, settings, token_issuer, customer):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        settings.JWT_JWKS_URL = f"http://127.0.0.1:{sock.getsockname()[1]}/jwks.json"

    response = api.get(ME, **bearer(token_issuer.token(customer)))

    assert response.status_code == 503
    assert response.json()["code"] == "authentication_unavailable"
