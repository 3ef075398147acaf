"""Write the secrets a Kubernetes overlay needs, with fresh values (`make k8s-secrets`).

Each overlay's kustomization makes its Secrets from the files in its secrets/
folder, which git ignores: every checkout and every environment has its own.
A file that exists is left alone, so an operator's real values stay. Each
environment gets values of its own, never shared with another or with `.env`.

    python scripts/k8s_secrets.py dev prod
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from dotenv import dotenv_values

from chassis.environment import Source, Variable

from scripts.create_env import secret_for
from scripts.processes import container_database_url, read_service
from scripts.project import (
    PROJECT_DIR,
    SERVICES_DIR,
    example_settings,
    identity_issues_tokens,
    project_name,
    services,
)

OVERLAYS_DIR = PROJECT_DIR / "deploy" / "k8s" / "overlays"
PROJECT = project_name()
# The domain the system is served from: its hosts start with it.
DOMAIN = example_settings()["DJANGO_ALLOWED_HOSTS"].split(",")[0]


def secret(name: str) -> str:
    value = secret_for(name)
    if value is None:
        raise ValueError(f"{name} is not a secret's name")
    return value


def infrastructure(folder: Path) -> dict[str, dict[str, str]]:
    """The broker's, Redis's (and Keycloak's) secrets as the overlay has them, or fresh."""
    fresh = {
        "rabbitmq": {
            "RABBITMQ_DEFAULT_USER": PROJECT,
            "RABBITMQ_DEFAULT_PASS": secret("RABBITMQ_PASSWORD"),
            "RABBITMQ_DEFAULT_VHOST": PROJECT,
        },
        "redis": {"REDIS_PASSWORD": secret("REDIS_PASSWORD")},
    }
    if not identity_issues_tokens():
        fresh["keycloak"] = {
            "KC_BOOTSTRAP_ADMIN_PASSWORD": secret("KEYCLOAK_ADMIN_PASSWORD"),
            "KC_DB_PASSWORD": secret("KEYCLOAK_DATABASE_PASSWORD"),
            "KEYCLOAK_DEMO_PASSWORD": secret("KEYCLOAK_DEMO_PASSWORD"),
        }
    return {
        name: dotenv_values(folder / f"{name}.env") if (folder / f"{name}.env").exists() else values
        for name, values in fresh.items()
    }


def database_secrets(service: str) -> dict[str, str]:
    """The Secret of the service's database and its release job (chassis.database_roles): the
    server's superuser, the owner the release migrates as, and the application's role."""
    admin_password = secret("DATABASE_ADMIN_PASSWORD")
    return {
        "POSTGRES_PASSWORD": admin_password,
        "DATABASE_ADMIN_URL": container_database_url(service, "admin", admin_password),
        "DATABASE_URL": container_database_url(service, "owner", secret("DATABASE_PASSWORD")),
        "DATABASE_APP_URL": container_database_url(service, "app", secret("DATABASE_APP_PASSWORD")),
    }


def service_secrets(
    service: str, infrastructure: dict[str, dict[str, str]], app_url: str
) -> dict[str, str]:
    """The service's Secret: its own secrets and server addresses (what the settings ConfigMap
    of deploy/k8s/base holds is the same for every service), its database as the application's
    role (`app_url`)."""
    rabbitmq = infrastructure["rabbitmq"]
    made: dict[Source, Callable[[Variable], str]] = {
        Source.SERVICE_SECRET: lambda v: secret(v.name),
        Source.PROJECT_SECRET: lambda v: secret(v.name),
        # A service's own non-secret settings, as .env.example gives them.
        Source.PROJECT: lambda v: example_settings()[v.name],
        Source.DATABASE: lambda v: app_url,
        Source.CACHE: lambda v: (
            f"redis://:{infrastructure['redis']['REDIS_PASSWORD']}@redis:6379/0"
        ),
        Source.BROKER: lambda v: (
            f"amqp://{rabbitmq['RABBITMQ_DEFAULT_USER']}:{rabbitmq['RABBITMQ_DEFAULT_PASS']}"
            f"@rabbitmq:5672/{rabbitmq['RABBITMQ_DEFAULT_VHOST']}"
        ),
        # The environment's SMTP server, with its credentials: change it to yours.
        Source.MAIL: lambda v: f"smtp://mail.{DOMAIN}:587/?tls=True",
    }
    manifest = read_service(SERVICES_DIR / service)
    chassis_settings = {Source.PROJECT, Source.JWKS}  # the settings ConfigMap has them
    return {
        variable.name: made[variable.source](variable)
        for variable in manifest.needs_set()
        if variable.source not in chassis_settings or variable in manifest.own_variables
    }


def write_overlay_secrets(overlay: str) -> list[Path]:
    """Write the overlay's missing secret files; those written."""
    folder = OVERLAYS_DIR / overlay / "secrets"
    folder.mkdir(mode=0o700, exist_ok=True)
    shared = infrastructure(folder)
    files = dict(shared)
    for service in services():
        # Both name the application's role and its password: made together, or kept together.
        pair = [folder / f"{service}.env", folder / f"{service}-database.env"]
        if any(path.exists() for path in pair) and not all(path.exists() for path in pair):
            sys.exit(
                f"error: {overlay} has one of {pair[0].name} and {pair[1].name} without the"
                " other: remove it, and run this again to make both afresh."
            )
        database = database_secrets(service)
        files[f"{service}-database"] = database
        files[service] = service_secrets(service, shared, database["DATABASE_APP_URL"])
    written = []
    for name, values in files.items():
        path = folder / f"{name}.env"
        if path.exists():
            continue
        path.write_text("".join(f"{key}={value}\n" for key, value in values.items()))
        path.chmod(0o600)
        written.append(path)
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    overlays = sorted(path.name for path in OVERLAYS_DIR.iterdir())
    parser.add_argument("overlays", nargs="+", choices=overlays)
    for overlay in parser.parse_args().overlays:
        written = write_overlay_secrets(overlay)
        print(f"{overlay}: wrote {len(written)} secret files, kept the others")
    return 0


if __name__ == "__main__":
    sys.exit(main())
