"""Identity through DRF, on the real database, with Django's password validation."""

import json
from concurrent.futures import ThreadPoolExecutor
from io import StringIO
from threading import Barrier

import jwt
import pytest
from django.core.management import call_command
from django.db import connection
from rest_framework.test import APIClient

from chassis.auth import TokenVerifier
from chassis.models import OutboxMessage

from identity.application.accounts import Register, handle_register
from identity.domain.sign_in import FREE_TRIES
from identity.domain.users import NAME_MAX_LENGTH
from identity.infrastructure.passwords import DjangoPasswordPolicy
from identity.infrastructure.repositories import DjangoUserRepository
from identity.infrastructure.unit_of_work import DjangoIdentityUnitOfWork
from identity.models import User

pytestmark = pytest.mark.django_db

IDENTITY = "/api/identity"
PASSWORD = "correct horse battery staple"


def register(api, email="ada@example.com", password=PASSWORD, full_name="Ada Lovelace"):
    return api.post(
        f"{IDENTITY}/accounts/", {"email": email, "password": password, "full_name": full_name}
    )


def sign_in(api, email="ada@example.com", password=PASSWORD):
    return api.post(f"{IDENTITY}/tokens/", {"email": email, "password": password})


def test_register_sign_in_and_ask_who_i_am(api):
    created = register(api)
    pair = sign_in(api).json()

    me = api.get(f"{IDENTITY}/me/", HTTP_AUTHORIZATION=f"Bearer {pair['access_token']}")

    assert created.status_code == 202
    assert me.status_code == 200
    assert me.json() == {
        "id": me.json()["id"],
        "email": "ada@example.com",
        "full_name": "Ada Lovelace",
        "roles": [],
    }
    assert pair["token_type"] == "Bearer"


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("password", "too common"),
        ("12345678901", "entirely numeric"),
        ("ada@example.com", "too similar"),
    ],
)
def test_weak_passwords_are_refused_with_the_reason(api, password, message):
    response = register(api, password=password)

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "password"
    assert message in response.json()["errors"][0]["message"]


def test_a_taken_address_is_answered_exactly_as_a_new_one(api):
    new = register(api)

    taken = register(api, email="ADA@example.com", password="another horse battery", full_name="")

    assert (taken.status_code, taken["Content-Type"]) == (new.status_code, new["Content-Type"])
    assert taken.json() == new.json()
    assert "ada@example.com" not in taken.content.decode().lower()
    assert sign_in(api).status_code == 200  # the account kept its password
    assert sign_in(api, password="another horse battery").status_code == 401


def test_the_owner_of_a_taken_address_is_told_not_the_one_registering(api):
    register(api)
    owner = DjangoUserRepository().find_by_email("ada@example.com")

    register(api, email="ADA@example.com", password="another horse battery")

    (row,) = OutboxMessage.objects.filter(event_type="identity.registration.repeated.v1")
    assert json.loads(bytes(row.body))["data"] == {
        "user_id": str(owner.id),
        "email": "ada@example.com",
    }


def test_an_address_registered_by_another_request_meanwhile_tells_its_owner(api, monkeypatch):
    """Free when looked up, taken when stored (two requests at once): the database refuses the
    second account, and the registration carries on as for any taken address."""
    register(api)
    (owner,) = User.objects.filter(email="ada@example.com")
    monkeypatch.setattr(DjangoUserRepository, "find_by_email", looked_up_before_it_was_stored())

    response = register(api, password="another horse battery")

    assert response.status_code == 202
    assert User.objects.count() == 1
    repeated = OutboxMessage.objects.get(event_type="identity.registration.repeated.v1")
    assert json.loads(bytes(repeated.body))["data"]["user_id"] == str(owner.id)


def looked_up_before_it_was_stored():
    find_by_email, calls = DjangoUserRepository.find_by_email, []

    def first_finds_nothing(self, email):
        calls.append(email)
        return None if len(calls) == 1 else find_by_email(self, email)

    return first_finds_nothing


def test_a_weak_password_is_refused_alike_for_a_taken_address(api):
    register(api)

    response = register(api, password="password")

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "password"


def test_an_over_long_name_is_a_400_problem_naming_the_field(api):
    response = register(api, full_name="A" * (NAME_MAX_LENGTH + 1))

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == "full_name"
    assert not OutboxMessage.objects.exists()


def test_the_documented_answers_of_registering(api):
    operation = api.get(f"{IDENTITY}/swagger.json").json()["paths"]["/accounts/"]["post"]
    schema = api.get(f"{IDENTITY}/swagger.json").json()["definitions"]["Register"]

    # No 409: a taken address is answered as a new one. The rest are every body-taking
    # operation's (chassis.openapi).
    assert sorted(operation["responses"]) == ["202", "400", "413", "429", "503"]
    assert schema["properties"]["full_name"]["maxLength"] == NAME_MAX_LENGTH


def test_wrong_password_is_a_401_problem_saying_how_to_authenticate(api):
    register(api)

    response = sign_in(api, password="wrong password")

    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert response.json()["code"] == "invalid_credentials"


@pytest.mark.django_db(transaction=True)
def test_guesses_at_one_account_all_at_once_reach_the_password_check_only_the_free_times(api):
    register(api)
    guesses = 4 * FREE_TRIES
    together = Barrier(guesses)

    def guess(number: int) -> int:
        # From as many clients as there are guesses: the account is what is limited.
        together.wait()
        try:
            return sign_in(APIClient(), password=f"guess {number}").status_code
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=guesses) as pool:
        statuses = list(pool.map(guess, range(guesses)))

    assert statuses.count(401) == FREE_TRIES
    assert set(statuses) == {401, 429}
    locked = sign_in(api)  # the right password, too late
    assert locked.status_code == 429
    assert locked["Content-Type"] == "application/problem+json"
    assert locked.json()["code"] == "too_many_attempts"
    assert 0 < int(locked["Retry-After"]) <= 30


def test_refresh_rotates_and_a_replayed_token_revokes_the_sign_in(api):
    register(api)
    first = sign_in(api).json()

    second = api.post(f"{IDENTITY}/tokens/refresh/", {"refresh_token": first["refresh_token"]})
    replay = api.post(f"{IDENTITY}/tokens/refresh/", {"refresh_token": first["refresh_token"]})
    after = api.post(
        f"{IDENTITY}/tokens/refresh/", {"refresh_token": second.json()["refresh_token"]}
    )

    assert second.status_code == 200
    assert (replay.status_code, after.status_code) == (401, 401)


def test_sign_out_revokes_the_refresh_token(api):
    register(api)
    pair = sign_in(api).json()

    assert (
        api.post(f"{IDENTITY}/tokens/revoke/", {"refresh_token": pair["refresh_token"]}).status_code
        == 204
    )
    assert (
        api.post(
            f"{IDENTITY}/tokens/refresh/", {"refresh_token": pair["refresh_token"]}
        ).status_code
        == 401
    )


@pytest.mark.parametrize("path", ["tokens/refresh/", "tokens/revoke/"])
@pytest.mark.parametrize("token", [12345, "", "short", "x" * 64 + "=", None])
def test_what_cannot_be_a_refresh_token_is_refused_as_invalid(api, path, token):
    # Signing out with it would otherwise answer 204 to anything at all.
    response = api.post(f"{IDENTITY}/{path}", {"refresh_token": token}, format="json")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == "refresh_token"


def test_me_needs_a_token(api):
    assert api.get(f"{IDENTITY}/me/").status_code == 401


def test_discovery_names_the_issuer_and_its_keys(api, settings):
    configuration = api.get(f"{IDENTITY}/.well-known/openid-configuration").json()

    assert configuration["issuer"] == settings.JWT_ISSUER
    assert configuration["jwks_uri"] == f"{settings.JWT_ISSUER}/.well-known/jwks.json"


@pytest.mark.django_db(transaction=True)
def test_tokens_verify_against_the_published_keys_over_http(api, live_server, settings):
    register(api)
    token = sign_in(api).json()["access_token"]
    verifier = TokenVerifier(
        jwks_url=f"{live_server.url}{IDENTITY}/.well-known/jwks.json",
        issuer=settings.JWT_ISSUER,
        audience=settings.JWT_AUDIENCE,
    )

    claims = verifier.verify(token)

    assert claims["email"] == "ada@example.com"
    assert jwt.get_unverified_header(token)["kid"] == settings.IDENTITY_SIGNING_KEY_ID


def test_retired_keys_stay_published(api, settings):
    retired = {
        "kty": "RSA",
        "kid": "retired-1",
        "n": "AQAB",
        "e": "AQAB",
        "use": "sig",
        "alg": "RS256",
    }
    settings.IDENTITY_RETIRED_PUBLIC_KEYS = [retired]

    kids = [key["kid"] for key in api.get(f"{IDENTITY}/.well-known/jwks.json").json()["keys"]]

    assert kids == [settings.IDENTITY_SIGNING_KEY_ID, "retired-1"]


def test_a_new_user_is_announced_with_the_account():
    handle_register(
        Register("ada@example.com", PASSWORD, "Ada"),
        DjangoIdentityUnitOfWork(),
        DjangoPasswordPolicy(),
    )
    user = DjangoUserRepository().find_by_email("ada@example.com")

    (row,) = OutboxMessage.objects.filter(event_type="identity.user.registered.v1")
    assert json.loads(bytes(row.body))["data"] == {
        "user_id": str(user.id),
        "email": "ada@example.com",
        "full_name": "Ada",
    }


def test_the_staff_account_is_announced_when_made_not_when_kept(monkeypatch):
    monkeypatch.setenv("IDENTITY_STAFF_EMAIL", "ops@example.com")
    monkeypatch.setenv("IDENTITY_STAFF_PASSWORD", PASSWORD)

    call_command("ensure_staff_user", stdout=StringIO())
    call_command("ensure_staff_user", stdout=StringIO())

    (row,) = OutboxMessage.objects.filter(event_type="identity.user.registered.v1")
    assert json.loads(bytes(row.body))["data"]["email"] == "ops@example.com"
