"""The service is wired into the chassis: health, error shape, API docs and token checks."""

import re
from uuid import uuid4

import pytest

pytestmark = pytest.mark.django_db


def test_ready_with_its_database(client):
    response = client.get("/health/ready")

    assert response.status_code == 200
    assert response.json()["service"] == "{{ cookiecutter.service }}"
    assert response.json()["checks"]["database"]["status"] == "up"


def test_unknown_url_is_a_problem(client):
    response = client.get("/api/{{ cookiecutter.service }}/no-such-thing/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_openapi_schema_lists_the_api(client):
    response = client.get("/api/{{ cookiecutter.service }}/swagger.json")

    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "{{ cookiecutter.service }} API"
    assert schema["basePath"] == "/api/{{ cookiecutter.service }}"
    assert schema["paths"]


def test_every_operation_refuses_bad_tokens(client, api, token_issuer, customer):
    # A bad token is refused even where no token is needed: nobody may pose as anyone.
    schema = client.get("/api/{{ cookiecutter.service }}/swagger.json").json()
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
