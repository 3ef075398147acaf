import base64

import pytest
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat


@pytest.fixture(autouse=True)
def _sign_with_the_test_issuers_key(settings, token_issuer):
    """Identity signs with the key the test issuer publishes, so every service's check accepts its tokens."""
    key = token_issuer.keys[0]
    pem = key.private_key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    settings.IDENTITY_SIGNING_KEY = base64.b64encode(pem).decode()
    settings.IDENTITY_SIGNING_KEY_ID = key.kid
