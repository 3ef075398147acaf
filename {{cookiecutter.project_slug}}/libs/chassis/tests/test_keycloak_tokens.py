"""Keycloak's tokens pass the same check as the identity service's: its JWKS as Keycloak
publishes it (an encryption key beside the signing key, certificate chains) and its
claims (an audience list, roles under realm_access)."""

import base64
import datetime
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from uuid import uuid4

import jwt
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import NameOID
from jwt.algorithms import RSAAlgorithm

from chassis_testing import SigningKey

REALM_URL = "http://localhost:8081/realms/shop"
ME = "/api/sample/me/"


def certificate(key: SigningKey) -> str:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "shop")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.private_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key.private_key, hashes.SHA256())
    )
    return base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()


def keycloak_jwk(key: SigningKey, *, use: str, alg: str) -> dict:
    jwk = json.loads(RSAAlgorithm.to_jwk(key.private_key.public_key()))
    return {
        **jwk,
        "kid": key.kid,
        "use": use,
        "alg": alg,
        "x5c": [certificate(key)],
        "x5t": "unused",
    }


@pytest.fixture
def keycloak(settings):
    signing, encryption = SigningKey("kc-sig"), SigningKey("kc-enc")
    document = json.dumps(
        {
            "keys": [
                keycloak_jwk(encryption, use="enc", alg="RSA-OAEP"),
                keycloak_jwk(signing, use="sig", alg="RS256"),
            ]
        }
    ).encode()

    class Certs(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(document)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Certs)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.JWT_ISSUER = REALM_URL
    settings.JWT_AUDIENCE = "shop"
    settings.JWT_JWKS_URL = (
        f"http://127.0.0.1:{server.server_address[1]}/realms/shop/protocol/openid-connect/certs"
    )
    yield signing
    server.shutdown()
    server.server_close()


def keycloak_token(key: SigningKey, **claims: object) -> str:
    now = int(time.time())
    payload = {
        "exp": now + 300,
        "iat": now,
        "jti": str(uuid4()),
        "iss": REALM_URL,
        "aud": ["shop", "account"],
        "sub": str(uuid4()),
        "typ": "Bearer",
        "azp": "shop-frontend",
        "realm_access": {"roles": ["staff", "default-roles-shop"]},
        "email": "staff@example.com",
        "preferred_username": "staff@example.com",
        **claims,
    }
    return jwt.encode(
        payload, key.private_key, algorithm="RS256", headers={"kid": key.kid, "typ": "JWT"}
    )


@pytest.mark.django_db
def test_a_keycloak_token_makes_a_principal_with_its_realm_roles(api, keycloak):
    response = api.get(ME, HTTP_AUTHORIZATION=f"Bearer {keycloak_token(keycloak)}")

    assert response.status_code == 200
    assert response.json()["roles"] == ["default-roles-shop", "staff"]
    assert response.json()["email"] == "staff@example.com"


@pytest.mark.django_db
def test_a_keycloak_token_for_another_client_is_refused(api, keycloak):
    response = api.get(ME, HTTP_AUTHORIZATION=f"Bearer {keycloak_token(keycloak, aud=['account'])}")

    assert response.status_code == 401
