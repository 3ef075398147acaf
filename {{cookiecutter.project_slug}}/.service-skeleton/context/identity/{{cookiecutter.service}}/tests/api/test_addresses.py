"""Identity keeps only addresses the mail layer can send to: an address it accepts and
notifications then cannot use is a welcome e-mail that never goes out."""

import random
import string

import pytest
from django.core.exceptions import ValidationError
from django.core.mail.message import sanitize_address
from django.core.validators import validate_email

from chassis.domain import RuleViolation

from identity.domain.users import normalized_email

REFUSED = [
    "a,b@example.com",
    "a b@example.com",
    "<ada@example.com>",
    "Ada <ada@example.com>",
    '"ada"@example.com',
    "ada@example.com,eve@example.com",
    "ada@example.com;eve@example.com",
    "ada(comment)@example.com",
    "ada..lovelace@example.com",
    ".ada@example.com",
    "ada.@example.com",
    "ada@example",
    "ada@-example.com",
    "ada@example-.com",
    "ada@exa_mple.com",
    "ada@example.c",
    "ada@[127.0.0.1]",
    "ada@localhost",
    "adä@example.com",
    "ada@exämple.com",
    "ada\n@example.com",
    "ada@example.com\nBcc: eve@example.com",
    f"{'a' * 65}@example.com",
    f"ada@{'a' * 250}.com",
]


def mail_layer_accepts(address: str) -> bool:
    try:
        validate_email(address)
        sanitize_address(address, "utf-8")
    except (ValidationError, ValueError):
        return False
    return True


@pytest.mark.parametrize("address", REFUSED)
def test_an_address_mail_cannot_go_to_is_refused_naming_the_field(address):
    with pytest.raises(RuleViolation) as error:
        normalized_email(address)

    assert error.value.field == "email"


def candidate(generator: random.Random) -> str:
    """Mostly plain characters, now and then one that mail treats specially."""
    plain = string.ascii_letters + string.digits + ".-_+"
    special = "@,;:<>()[]\"' \\!#$%&*/=?^`{|}~äß\n\r\t"
    characters = [
        generator.choice(special if generator.random() < 0.08 else plain)
        for _ in range(generator.randint(1, 16))
    ]
    host = generator.choice(["@example.com", "@mail.example.org", "@x.io", "@a-b.de", ""])
    return "".join(characters) + host


def test_every_address_identity_accepts_the_mail_layer_accepts():
    generator = random.Random(1815)  # noqa: S311 - test data, not secrets
    candidates = REFUSED + [candidate(generator) for _ in range(5000)]
    accepted = []
    for address in candidates:
        try:
            accepted.append(normalized_email(address))
        except RuleViolation:
            continue

    assert len(accepted) > 100, "the generator should produce some valid addresses"
    assert [kept for kept in accepted if not mail_layer_accepts(kept)] == []


def test_registration_with_such_an_address_is_a_400_naming_it(api):
    response = api.post(
        "/api/identity/accounts/",
        {"email": "a,b@example.com", "password": "correct horse battery staple"},
    )

    assert response.status_code == 400
    assert response.headers["Content-Type"] == "application/problem+json"
    assert [error["field"] for error in response.json()["errors"]] == ["email"]
