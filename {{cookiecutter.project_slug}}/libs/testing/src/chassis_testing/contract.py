"""The contract every service keeps, as tests: a service's ``tests/test_service.py`` imports them
(``from chassis_testing.contract import *``), so that each runs in the service's own suite.

Health with its database, a problem+json for an unknown URL, OpenAPI docs that list its API,
and no operation, anonymous or not, that accepts a bad token.
"""

from __future__ import annotations

import re
from uuid import uuid4

import pytest
from django.conf import settings

__all__ = [
    "test_every_operation_refuses_bad_tokens",
    "test_openapi_schema_lists_the_api",
    "test_ready_with_its_database",
    "test_unknown_url_is_a_problem",
]


def api_root() -> str:
    return f"/api/{settings.SERVICE_INFO.name}"


@pytest.mark.django_db
def test_ready_with_its_database(client):
    response = client.get("/health/ready")

    assert response.status_code == 200
    assert response.json()["service"] == settings.SERVICE_INFO.name
    assert response.json()["checks"]["database"]["status"] == "up"


@pytest.mark.django_db
def test_unknown_url_is_a_problem(client):
    response = client.get(f"{api_root()}/no-such-thing/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.django_db
def test_openapi_schema_lists_the_api(client):
    response = client.get(f"{api_root()}/swagger.json")

    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == f"{settings.SERVICE_INFO.name} API"
    assert schema["basePath"] == api_root()
    assert schema["paths"]


@pytest.mark.django_db
def test_every_operation_refuses_bad_tokens(client, api, token_issuer, customer):
    # A bad token is refused even where no token is needed: nobody may pose as anyone.
    schema = client.get(f"{api_root()}/swagger.json").json()
    operations = [
        (method, schema["basePath"] + re.sub(r"\{[^}]+\}", str(uuid4()), path))
        for path, methods in schema["paths"].items()
        for method in methods
        if method in ("get", "post", "put", "patch", "delete")
    ]

    for reason, token in token_issuer.bad_tokens(customer).items():
        for method, path in operations:
            response = getattr(api, method)(path, HTTP_AUTHORIZATION=f"Bearer {token}")
            assert response.status_code == 401, (
                f"{reason}: {method} {path} answered {response.status_code}"
            )
            assert response["Content-Type"] == "application/problem+json"
