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
from pathlib import Path

from create_env import secret_for
from dotenv import dotenv_values
from native import PROJECT_DIR, services

OVERLAYS_DIR = PROJECT_DIR / "deploy" / "k8s" / "overlays"
PROJECT = "{{ cookiecutter.project_slug }}"
DOMAIN = "{{ cookiecutter.domain_name }}"


def secret(name: str) -> str:
    value = secret_for(name)
    if value is None:
        raise ValueError(f"{name} is not a secret's name")
    return value


def infrastructure(folder: Path) -> dict[str, dict[str, str]]:
    """The broker's and Redis's secrets{{ ", and Keycloak's," if cookiecutter.auth_provider == "keycloak" }} as the overlay has them, or fresh."""
    fresh = {
        "rabbitmq": {
            "RABBITMQ_DEFAULT_USER": PROJECT,
            "RABBITMQ_DEFAULT_PASS": secret("RABBITMQ_PASSWORD"),
            "RABBITMQ_DEFAULT_VHOST": PROJECT,
        },
        "redis": {"REDIS_PASSWORD": secret("REDIS_PASSWORD")},
    }
{%- if cookiecutter.auth_provider == "keycloak" %}
    fresh["keycloak"] = {
        "KC_BOOTSTRAP_ADMIN_PASSWORD": secret("KEYCLOAK_ADMIN_PASSWORD"),
        "KC_DB_PASSWORD": secret("KEYCLOAK_DATABASE_PASSWORD"),
        "KEYCLOAK_DEMO_PASSWORD": secret("KEYCLOAK_DEMO_PASSWORD"),
    }
{%- endif %}
    return {
        name: dotenv_values(folder / f"{name}.env") if (folder / f"{name}.env").exists() else values
        for name, values in fresh.items()
    }


def service_secrets(service: str, infrastructure: dict[str, dict[str, str]]) -> dict[str, str]:
    rabbitmq = infrastructure["rabbitmq"]
    password = secret("DATABASE_PASSWORD")
    values = {
        "DJANGO_SECRET_KEY": secret("DJANGO_SECRET_KEY"),
        "DATABASE_PASSWORD": password,
        "DATABASE_URL": f"postgres://{service}:{password}@{service}-db:5432/{service}",
        "BROKER_URL": (
            f"amqp://{rabbitmq['RABBITMQ_DEFAULT_USER']}:{rabbitmq['RABBITMQ_DEFAULT_PASS']}"
            f"@rabbitmq:5672/{rabbitmq['RABBITMQ_DEFAULT_VHOST']}"
        ),
        "REDIS_URL": f"redis://:{infrastructure['redis']['REDIS_PASSWORD']}@redis:6379/0",
        # The environment's SMTP server, with its credentials: change it to yours.
        "EMAIL_URL": f"smtp://mail.{DOMAIN}:587/?tls=True",
    }
    if service == "identity":
        values |= {
            "IDENTITY_SIGNING_KEY": secret("IDENTITY_SIGNING_KEY"),
            "IDENTITY_SIGNING_KEY_ID": secret("IDENTITY_SIGNING_KEY_ID"),
            "IDENTITY_STAFF_EMAIL": f"staff@{DOMAIN}",
            "IDENTITY_STAFF_PASSWORD": secret("IDENTITY_STAFF_PASSWORD"),
        }
    return values


def write_overlay_secrets(overlay: str) -> list[Path]:
    """Write the overlay's missing secret files; those written."""
    folder = OVERLAYS_DIR / overlay / "secrets"
    folder.mkdir(mode=0o700, exist_ok=True)
    shared = infrastructure(folder)
    files = {**shared, **{service: service_secrets(service, shared) for service in services()}}
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
