"""Secrets are made per project, kept out of git, and never shared between two projects."""

from __future__ import annotations

import base64
import hashlib
import re
import subprocess

from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from dotenv import dotenv_values

from tests.conftest import bake, run

SECRET_NAME = re.compile(r"_(SECRET_KEY|PASSWORD|SIGNING_KEY)$")


def secrets_of(project) -> dict[str, str]:
    return {key: value for key, value in dotenv_values(project / ".env").items() if SECRET_NAME.search(key)}


def test_every_secret_is_filled_and_strong(tmp_path, cookiecutter_config):
    project = bake(tmp_path, cookiecutter_config)

    secrets = secrets_of(project)
    services = ("identity", "catalog", "orders", "notifications")
    expected = {f"{s.upper()}_SECRET_KEY" for s in services}
    # Each database's owner, application role and server superuser.
    expected |= {f"{s.upper()}_DATABASE_{role}PASSWORD" for s in services for role in ("", "APP_", "ADMIN_")}
    expected |= {"RABBITMQ_PASSWORD", "REDIS_PASSWORD", "IDENTITY_SIGNING_KEY", "IDENTITY_STAFF_PASSWORD"}
    expected |= {"DEMO_CUSTOMER_PASSWORD"}
    expected |= {"CHASSIS_DATABASE_PASSWORD"}
    # Each service's broker user, and the chassis's tests'.
    expected |= {f"{s.upper()}_BROKER_PASSWORD" for s in services} | {"CHASSIS_BROKER_PASSWORD"}
    # Each service's Redis user.
    expected |= {f"{s.upper()}_REDIS_PASSWORD" for s in services}
    # Grafana's administrator (the observability stack).
    expected |= {"GRAFANA_ADMIN_PASSWORD"}
    assert expected == secrets.keys()
    assert all(len(value) >= 48 for value in secrets.values())
    passwords = [value for key, value in secrets.items() if key.endswith("_PASSWORD")]
    assert all(value.isalnum() for value in passwords), "a password that a URL or a command line would mangle"
    assert len(set(secrets.values())) == len(secrets), "two settings share a secret"
    assert (project / ".env").stat().st_mode & 0o077 == 0, ".env is readable by others"


def test_two_projects_never_share_a_secret(tmp_path, cookiecutter_config):
    first = bake(tmp_path / "first", cookiecutter_config)
    second = bake(tmp_path / "second", cookiecutter_config)

    assert set(secrets_of(first).values()).isdisjoint(secrets_of(second).values())


def broker_password_hashes(project) -> dict[str, str]:
    return {key: value for key, value in dotenv_values(project / ".env").items() if key.endswith("_PASSWORD_HASH")}


def is_rabbitmq_hash_of(password: str, hashed: str) -> bool:
    """RabbitMQ's rabbit_password_hashing_sha256: base64 of a 4-byte salt and SHA-256(salt + password)."""
    raw = base64.b64decode(hashed)
    return len(raw) == 36 and hashlib.sha256(raw[:4] + password.encode()).digest() == raw[4:]


def test_every_broker_password_has_its_hash_for_the_compose_definitions(tmp_path, cookiecutter_config):
    first = bake(tmp_path / "first", cookiecutter_config)
    second = bake(tmp_path / "second", cookiecutter_config)

    env = dotenv_values(first / ".env")
    hashes = broker_password_hashes(first)
    services = ("identity", "catalog", "orders", "notifications")
    assert hashes.keys() == {"RABBITMQ_PASSWORD_HASH", *(f"{s.upper()}_BROKER_PASSWORD_HASH" for s in services)}
    assert all(is_rabbitmq_hash_of(env[name.removesuffix("_HASH")], value) for name, value in hashes.items())
    assert set(hashes.values()).isdisjoint(broker_password_hashes(second).values())


def test_a_password_changed_by_hand_gets_its_hash_again(tmp_path, cookiecutter_config):
    project = bake(tmp_path, cookiecutter_config)
    env_file = project / ".env"
    env_file.write_text(env_file.read_text().replace("CATALOG_BROKER_PASSWORD=", "CATALOG_BROKER_PASSWORD=changed", 1))

    run(["python", "-m", "scripts.create_env"], cwd=project)

    env = dotenv_values(env_file)
    assert env["CATALOG_BROKER_PASSWORD"].startswith("changed")
    assert is_rabbitmq_hash_of(env["CATALOG_BROKER_PASSWORD"], env["CATALOG_BROKER_PASSWORD_HASH"])


def test_the_committed_example_holds_no_secret(tmp_path, cookiecutter_config):
    project = bake(tmp_path, cookiecutter_config)

    example = dotenv_values(project / ".env.example")
    assert all(value == "" for key, value in example.items() if SECRET_NAME.search(key))
    assert example.keys() == dotenv_values(project / ".env").keys()


def test_env_files_are_ignored_by_git(tmp_path, cookiecutter_config):
    project = bake(tmp_path, cookiecutter_config)
    (project / "services/catalog/.env").write_text("DJANGO_SECRET_KEY=native\n")
    subprocess.run(["git", "init", "--quiet"], cwd=project, check=True)

    ignored = run(["git", "check-ignore", ".env", "services/catalog/.env"], cwd=project).stdout.split()
    assert ignored == [".env", "services/catalog/.env"]
    assert run(["git", "check-ignore", ".env.example"], cwd=project, check=False).returncode == 1


def test_a_fresh_clone_makes_its_own_secrets_and_keeps_existing_ones(tmp_path, cookiecutter_config):
    project = bake(tmp_path, cookiecutter_config)
    original = secrets_of(project)

    run(["python", "-m", "scripts.create_env"], cwd=project)
    assert secrets_of(project) == original, "an existing .env was overwritten"

    (project / ".env").unlink()
    run(["python", "-m", "scripts.create_env"], cwd=project)
    assert set(secrets_of(project).values()).isdisjoint(original.values())


def test_the_token_signing_key_is_a_fresh_rsa_key_with_an_id(tmp_path, cookiecutter_config):
    first = bake(tmp_path / "first", cookiecutter_config)
    second = bake(tmp_path / "second", cookiecutter_config)

    keys = []
    for project in (first, second):
        env = dotenv_values(project / ".env")
        key = load_pem_private_key(base64.b64decode(env["IDENTITY_SIGNING_KEY"]), password=None)
        assert isinstance(key, rsa.RSAPrivateKey)
        assert key.key_size >= 2048
        assert re.fullmatch(r"key-\d{8}-[0-9a-f]{8}", env["IDENTITY_SIGNING_KEY_ID"])
        keys.append(env["IDENTITY_SIGNING_KEY"])
    assert keys[0] != keys[1]


def test_keycloak_bakes_get_keycloak_secrets_and_no_signing_key(tmp_path, cookiecutter_config):
    project = bake(tmp_path, cookiecutter_config, auth_provider="keycloak", services="catalog")

    secrets = secrets_of(project)
    assert {"KEYCLOAK_ADMIN_PASSWORD", "KEYCLOAK_DATABASE_PASSWORD", "KEYCLOAK_DEMO_PASSWORD"} <= secrets.keys()
    assert "IDENTITY_SIGNING_KEY" not in secrets
