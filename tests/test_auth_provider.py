"""The auth_provider answer: the identity service, or Keycloak configured for every service.

No Keycloak server runs on these machines: its realm export and the wiring of
every service to it are checked here, and the services' token check accepts
Keycloak's JWKS and claims (libs/chassis/tests/test_keycloak_tokens.py).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from dotenv import dotenv_values

from tests.conftest import COMPOSE, bake, project_libraries, run, services_of

KEYCLOAK_SERVICES = "catalog,orders,notifications"


@pytest.fixture(scope="module")
def keycloak_project(tmp_path_factory, cookiecutter_config) -> Path:
    return bake(
        tmp_path_factory.mktemp("keycloak"),
        cookiecutter_config,
        project_slug="northwind",
        domain_name="shop.northwind.test",
        auth_provider="keycloak",
        services=KEYCLOAK_SERVICES,
    )


def compose_services(project: Path) -> dict:
    return json.loads(run([COMPOSE, "config", "--format", "json"], cwd=project).stdout)["services"]


def test_the_realm_export_describes_the_system(keycloak_project):
    realm = json.loads((keycloak_project / "deploy/keycloak/realm.json").read_text())

    assert realm["realm"] == "northwind"
    assert [role["name"] for role in realm["roles"]["realm"]] == ["staff"]
    (client,) = realm["clients"]
    assert client["publicClient"] is True
    assert client["attributes"]["pkce.code.challenge.method"] == "S256"
    assert client["directAccessGrantsEnabled"] is False
    (audience,) = [mapper for mapper in client["protocolMappers"] if mapper["protocolMapper"] == "oidc-audience-mapper"]
    assert audience["config"]["included.custom.audience"] == "northwind"
    users = {user["username"]: user for user in realm["users"]}
    assert users["staff@shop.northwind.test"]["realmRoles"] == ["staff"]
    # Passwords come from the environment at import, never from the committed file.
    assert {user["credentials"][0]["value"] for user in users.values()} == {"${KEYCLOAK_DEMO_PASSWORD}"}


def test_compose_runs_keycloak_and_points_every_service_at_it(keycloak_project):
    services = compose_services(keycloak_project)
    env = dotenv_values(keycloak_project / ".env")

    keycloak = services["keycloak"]
    assert keycloak["command"] == ["start", "--import-realm"]
    assert any(volume["target"] == "/opt/keycloak/data/import" for volume in keycloak["volumes"])
    assert keycloak["environment"]["KC_DB_URL"] == "jdbc:postgresql://keycloak-db:5432/keycloak"
    assert "healthcheck" in keycloak
    for service in KEYCLOAK_SERVICES.split(","):
        environment = services[service]["environment"]
        assert environment["JWT_JWKS_URL"] == "http://keycloak:8080/realms/northwind/protocol/openid-connect/certs"
        assert environment["JWT_ISSUER"] == env["JWT_ISSUER"] == "http://localhost:8081/realms/northwind"
        assert environment["JWT_AUDIENCE"] == "northwind"
    assert "identity" not in services


def test_native_runs_point_every_service_at_keycloak(keycloak_project):
    env = dotenv_values(keycloak_project / ".env")
    jwks_url = "from scripts.provision import jwks_url; import sys; print(jwks_url(dict(KEYCLOAK_URL=sys.argv[1])))"

    printed = run(
        ["python", "-c", jwks_url, env["KEYCLOAK_URL"]], cwd=keycloak_project, env=project_libraries(keycloak_project)
    )

    assert printed.stdout.strip() == "http://localhost:8081/realms/northwind/protocol/openid-connect/certs"


def test_an_identity_bake_has_no_keycloak(tmp_path, cookiecutter_config):
    project = bake(tmp_path, cookiecutter_config)
    services = compose_services(project)

    assert not (project / "deploy/keycloak").exists()
    assert "keycloak" not in (project / "deploy/k8s/base/kustomization.yaml").read_text()
    assert "keycloak" not in services
    assert (
        services["catalog"]["environment"]["JWT_JWKS_URL"] == "http://identity:8000/api/identity/.well-known/jwks.json"
    )
    assert {"IDENTITY_SIGNING_KEY", "IDENTITY_STAFF_PASSWORD"} <= services["identity"]["environment"].keys()
    assert "IDENTITY_SIGNING_KEY" not in services["catalog"]["environment"]
    assert "identity" in services_of(project)
