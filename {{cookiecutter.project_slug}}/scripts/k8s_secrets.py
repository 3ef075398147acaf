"""Write the secrets a Kubernetes overlay needs, with fresh values (`make k8s-secrets`).

Each overlay's kustomization makes its Secrets from the files in its secrets/
folder, which git ignores: every checkout and every environment has its own.
A file that exists is left alone, so an operator's real values stay. Each
environment gets values of its own, never shared with another or with `.env`.
But redis-users.conf, which is made again at every run from the REDIS_URL of
each service's secrets as they are: it gives Redis each service's user
(chassis.redis_acl), with the hash of its password alone; and likewise
rabbitmq-definitions.json from the BROKER_URL of each (and rabbitmq.env, the
administrator's): the virtual host, the events exchange, each service's user
with the hash of its password and rights to its own names (chassis.broker_access),
which RabbitMQ loads at boot.

    python scripts/k8s_secrets.py dev prod
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote, urlsplit

from dotenv import dotenv_values

from chassis import broker_access, redis_acl
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
# The collector, Jaeger, Prometheus and Grafana, if the project has them (their admin's password).
OBSERVABILITY_COMPONENT = PROJECT_DIR / "deploy" / "observability" / "kustomization.yaml"
PROJECT = project_name()
# The domain the system is served from: its hosts start with it.
DOMAIN = example_settings()["DJANGO_ALLOWED_HOSTS"].split(",")[0]


def secret(name: str) -> str:
    value = secret_for(name)
    if value is None:
        raise ValueError(f"{name} is not a secret's name")
    return value


def infrastructure(folder: Path) -> dict[str, dict[str, str]]:
    """The broker's, Redis's (and Keycloak's, Grafana's) secrets as the overlay has them, or
    fresh."""
    fresh = {
        # The administrator (no service connects as it), kept for the operator.
        "rabbitmq": {"RABBITMQ_USER": PROJECT, "RABBITMQ_PASSWORD": secret("RABBITMQ_PASSWORD")},
        "redis": {"REDIS_PASSWORD": secret("REDIS_PASSWORD")},
    }
    if not identity_issues_tokens():
        fresh["keycloak"] = {
            "KC_BOOTSTRAP_ADMIN_PASSWORD": secret("KEYCLOAK_ADMIN_PASSWORD"),
            "KC_DB_PASSWORD": secret("KEYCLOAK_DATABASE_PASSWORD"),
            "KEYCLOAK_DEMO_PASSWORD": secret("KEYCLOAK_DEMO_PASSWORD"),
        }
    if OBSERVABILITY_COMPONENT.exists():
        fresh["grafana"] = {"GF_SECURITY_ADMIN_PASSWORD": secret("GRAFANA_ADMIN_PASSWORD")}
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
    made: dict[Source, Callable[[Variable], str]] = {
        Source.SERVICE_SECRET: lambda v: secret(v.name),
        Source.PROJECT_SECRET: lambda v: secret(v.name),
        # A service's own non-secret settings, as .env.example gives them.
        Source.PROJECT: lambda v: example_settings()[v.name],
        Source.DATABASE: lambda v: app_url,
        # The service's own Redis user (see redis_users).
        Source.CACHE: lambda v: (
            f"redis://{redis_acl.user_name(PROJECT, service)}:{secret('REDIS_PASSWORD')}"
            "@redis:6379/0"
        ),
        # The service's own RabbitMQ user (see broker_definitions).
        Source.BROKER: lambda v: (
            f"amqp://{broker_access.user(PROJECT, service)}:{secret('BROKER_PASSWORD')}"
            f"@rabbitmq:5672/{PROJECT}"
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


def password_in(folder: Path, service: str, variable: str, user: str) -> str:
    """The password of `user` in the URL `variable` of the service's secrets; the script stops
    when the URL logs in as another (secrets made before each service had a user of its own)."""
    url = urlsplit(dotenv_values(folder / f"{service}.env").get(variable) or "")
    if unquote(url.username or "") != user or not url.password:
        sys.exit(
            f"error: the {variable} of {folder.name}/{service}.env does not log in as {user}:"
            f" remove {service}.env and {service}-database.env, and run this again."
        )
    return unquote(url.password)


def redis_users(folder: Path) -> str:
    """The redis.conf lines of every service's Redis user, as the REDIS_URL of its secrets
    names it; the keys are under the service's name (Redis is the project's own)."""
    lines = []
    for service in services():
        user = redis_acl.user_name(PROJECT, service)
        password = password_in(folder, service, "REDIS_URL", user)
        lines.append(redis_acl.config_line(user, password, redis_acl.key_prefix(service)))
    return "".join(f"{line}\n" for line in lines)


def broker_definitions(folder: Path) -> str:
    """What RabbitMQ loads at boot: every service's user as the BROKER_URL of its secrets names
    it, and the administrator of rabbitmq.env. A hash already in the file is kept while it is of
    the same password, so that the Secret (and the broker's pod) change only when one does."""
    path = folder / "rabbitmq-definitions.json"
    kept = json.loads(path.read_text()).get("users", []) if path.exists() else []
    known = {user["name"]: user["password_hash"] for user in kept}

    def hashed(user: str, password: str) -> str:
        if user in known and broker_access.hash_matches(password, known[user]):
            return known[user]
        return broker_access.password_hash(password)

    grants = []
    for service in services():
        user = broker_access.user(PROJECT, service)
        password = hashed(user, password_in(folder, service, "BROKER_URL", user))
        grants.append(broker_access.Grant(user, password, broker_access.permissions(service)))
    administrator = dotenv_values(folder / "rabbitmq.env")
    name, password = administrator.get("RABBITMQ_USER"), administrator.get("RABBITMQ_PASSWORD")
    if not name or not password:
        sys.exit(
            f"error: {folder.name}/rabbitmq.env lacks RABBITMQ_USER or RABBITMQ_PASSWORD (the"
            " broker's administrator): remove it, and run this again."
        )
    grants.append(
        broker_access.Grant(
            name, hashed(name, password), broker_access.EVERYTHING, administrator=True
        )
    )
    return json.dumps(broker_access.definitions(PROJECT, grants), indent=2) + "\n"


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
    users = folder / "redis-users.conf"
    users.write_text(redis_users(folder))
    users.chmod(0o600)
    definitions = folder / "rabbitmq-definitions.json"
    definitions.write_text(broker_definitions(folder))
    definitions.chmod(0o600)
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
