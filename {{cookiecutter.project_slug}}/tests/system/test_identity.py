"""Signing up and in through the gateway, and what tokens do."""

import time
from concurrent.futures import ThreadPoolExecutor
from threading import Barrier
from uuid import uuid4

from tests.system.conftest import assert_problem, bearer, politely

IDENTITY = "/api/identity"


def test_a_new_customer_signs_in_and_is_known(gateway, customer):
    me = gateway.get(f"{IDENTITY}/me/", headers=bearer(customer["access_token"]))

    assert me.status_code == 200
    assert me.json() == {
        "id": customer["id"],
        "email": customer["email"],
        "full_name": "",
        "roles": [],
    }


def test_registering_a_taken_address_answers_as_a_new_one_would(gateway, customer):
    new = {"email": f"new-{uuid4().hex[:12]}@example.com", "password": f"pass-{uuid4().hex}"}
    taken = {"email": customer["email"].upper(), "password": f"pass-{uuid4().hex}"}

    answers = [
        politely(lambda body=body: gateway.post(f"{IDENTITY}/accounts/", json=body))
        for body in (new, taken)
    ]

    assert [answer.status_code for answer in answers] == [202, 202]
    assert answers[0].json() == answers[1].json()
    assert answers[0].headers["content-type"] == answers[1].headers["content-type"]
    assert customer["email"] not in answers[1].text.lower()
    # The account is as it was: its own password still signs in, the other one does not.
    signed_in = {"email": customer["email"], "password": customer["password"]}
    assert gateway.post(f"{IDENTITY}/tokens/", json=signed_in).status_code == 200
    assert_problem(gateway.post(f"{IDENTITY}/tokens/", json=taken), 401, "invalid_credentials")


def test_an_over_long_name_is_a_400_problem(gateway):
    body = {
        "email": f"long-{uuid4().hex[:12]}@example.com",
        "password": f"pass-{uuid4().hex}",
        "full_name": "A" * 151,
    }

    response = politely(lambda: gateway.post(f"{IDENTITY}/accounts/", json=body))

    assert assert_problem(response, 400)["errors"][0]["field"] == "full_name"


def test_refresh_tokens_rotate_and_signing_out_ends_them(gateway, customer):
    refreshed = gateway.post(
        f"{IDENTITY}/tokens/refresh/", json={"refresh_token": customer["refresh_token"]}
    )
    assert refreshed.status_code == 200
    new_refresh = refreshed.json()["refresh_token"]

    assert (
        gateway.post(f"{IDENTITY}/tokens/revoke/", json={"refresh_token": new_refresh}).status_code
        == 204
    )
    assert_problem(
        gateway.post(f"{IDENTITY}/tokens/refresh/", json={"refresh_token": new_refresh}), 401
    )


def test_a_wrong_password_is_a_401_problem(gateway, customer):
    response = gateway.post(
        f"{IDENTITY}/tokens/", json={"email": customer["email"], "password": "wrong"}
    )

    assert_problem(response, 401, "invalid_credentials")
    assert response.headers["www-authenticate"] == 'Bearer realm="api"'


def test_a_tampered_token_is_refused_by_every_service(gateway, customer):
    header, claims, signature = customer["access_token"].split(".")
    tampered = f"{header}.{claims}.{signature[::-1]}"

    assert_problem(gateway.get(f"{IDENTITY}/me/", headers=bearer(tampered)), 401, "invalid_token")


def test_the_published_keys_and_discovery_are_reachable(gateway):
    keys = gateway.get(f"{IDENTITY}/.well-known/jwks.json").json()["keys"]
    discovery = gateway.get(f"{IDENTITY}/.well-known/openid-configuration").json()

    assert keys[0]["kty"] == "RSA"
    assert discovery["jwks_uri"].endswith("/.well-known/jwks.json")


def test_guessing_passwords_is_rate_limited(gateway, customer):
    attempts = 40
    together = Barrier(attempts)

    def guess(attempt):
        # All at once: checking a password is slow, so a trickle would stay under the limit.
        together.wait()
        guess = {"email": customer["email"], "password": f"guess {attempt}"}
        # The guesses the limiter lets through queue for the password hasher: on a busy
        # machine the last of them waits well past the client's usual timeout.
        return gateway.post(f"{IDENTITY}/tokens/", json=guess, timeout=60)

    with ThreadPoolExecutor(max_workers=attempts) as pool:
        statuses = [response.status_code for response in pool.map(guess, range(attempts))]
    # Let the limiter refill before other tests sign in.
    time.sleep(3)

    assert 429 in statuses
    assert set(statuses) <= {401, 429}
    # The guesses that got past the gateway's limit locked the account itself, whoever asks.
    right = {"email": customer["email"], "password": customer["password"]}
    assert_problem(gateway.post(f"{IDENTITY}/tokens/", json=right), 429, "too_many_attempts")
