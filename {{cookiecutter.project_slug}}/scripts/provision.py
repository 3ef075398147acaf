"""Prepare this machine's servers for native runs (`make provision`), or undo it.

For every service in services/: a PostgreSQL database of its own, named
<project>_<service>, with its two roles (chassis.database_roles): its owner,
of the same name, and the application's, <project>_<service>_app, with the
passwords from `.env`; a services/<service>/.env holding the service's native
settings (its processes connect as the application's role, its tests as the
owner, who may make their test database); a release as the owner (migrations,
and the service's own release steps) and its static files collected. For the
project: a RabbitMQ virtual host named <project>, with the events exchange the
services share, and a user per service, <project>.<service>, with the password
of `.env` and rights to the service's own names alone (chassis.broker_access),
and one for the chassis's tests. Running it again changes nothing that is
already right. For every service, a Redis ACL
user <project>_<service> (chassis.redis_acl) that may touch only the keys under
<project>:<service>:, which the service's REDIS_URL logs in as. Tearing down
also deletes those users and what the services kept in Redis (keys under
<project>:).

    python -m scripts.provision             # provision
    python -m scripts.provision --teardown  # drop all of it again
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import subprocess
import sys
import urllib.request
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import psycopg
import redis
from psycopg import sql

from chassis import broker_access
from chassis.database_roles import ensure_roles
from chassis.environment import (
    DATABASE_OWNER_URL,
    Source,
    Variable,
    app_role,
    in_env_file,
    password_in_env_file,
)
from chassis.redis_acl import acl_rules, password_rule, user_name

from scripts.native import MissingServer, postgres, project_env, require_rabbitmq
from scripts.processes import read_service
from scripts.project import (
    PROJECT_DIR,
    SERVICES_DIR,
    identity_issues_tokens,
    project_name,
    services,
)

PROJECT = project_name()
CHASSIS_DIR = PROJECT_DIR / "libs" / "chassis"


def database_name(service: str) -> str:
    return f"{PROJECT}_{service}"


def provision_database(admin: psycopg.Connection, service: str, password: str) -> None:
    """A database and its owner alone, for the chassis's tests."""
    name = sql.Identifier(database_name(service))
    role_exists = admin.execute(
        "SELECT 1 FROM pg_roles WHERE rolname = %s", [database_name(service)]
    ).fetchone()
    # CREATEDB lets the service's test runs create and drop their test database.
    if role_exists:
        statement = sql.SQL("ALTER ROLE {} LOGIN CREATEDB PASSWORD {}")
    else:
        statement = sql.SQL("CREATE ROLE {} LOGIN CREATEDB PASSWORD {}")
    admin.execute(statement.format(name, sql.Literal(password)))
    database_exists = admin.execute(
        "SELECT 1 FROM pg_database WHERE datname = %s", [database_name(service)]
    ).fetchone()
    if not database_exists:
        admin.execute(sql.SQL("CREATE DATABASE {} OWNER {}").format(name, name))


def teardown_database(admin: psycopg.Connection, service: str) -> None:
    name = database_name(service)
    admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    for role in (name, app_role(name)):
        admin.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))


class Rabbitmqctl:
    """RabbitMQ's administration on this machine: its rabbitmqctl."""

    def __init__(self, path: str) -> None:
        self.path = path

    def run(self, command: str, *arguments: str, given: str | None = None) -> list[str]:
        result = subprocess.run(
            [self.path, "--quiet", command, *arguments],
            input=given,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise MissingServer(f"rabbitmqctl {command} failed: {result.stderr.strip()}")
        return result.stdout.splitlines()

    def vhosts(self) -> list[str]:
        return self.run("list_vhosts", "--no-table-headers")

    def users(self) -> list[str]:
        return [line.split("\t")[0] for line in self.run("list_users", "--no-table-headers")]

    def add_vhost(self, name: str) -> None:
        self.run("add_vhost", name)

    def delete_vhost(self, name: str) -> None:
        self.run("delete_vhost", name)

    def import_definitions(self, definitions: dict[str, object]) -> None:
        # On its standard input: they hold password hashes, which no file should keep.
        self.run("import_definitions", "--format", "json", given=json.dumps(definitions))

    def delete_user(self, name: str) -> None:
        self.run("delete_user", name)

    def connections(self, vhost: str) -> list[str]:
        """The user of each connection to `vhost`."""
        listed = self.run("list_connections", "user", "vhost", "--no-table-headers")
        return [
            user for user, _, host in (line.partition("\t") for line in listed) if host == vhost
        ]


class ManagementApi:
    """RabbitMQ's administration over its management HTTP API (RABBITMQ_ADMIN_URL, such as
    http://admin:password@localhost:15672): where rabbitmqctl is not at hand, as in CI."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.base = f"{parts.scheme}://{parts.hostname}:{parts.port or 15672}/api"
        credentials = f"{unquote(parts.username or '')}:{unquote(parts.password or '')}"
        self.authorization = "Basic " + base64.b64encode(credentials.encode()).decode()

    def call(self, method: str, path: str, body: object = None) -> object:
        request = urllib.request.Request(  # noqa: S310 - the operator's own broker
            f"{self.base}/{path}",
            method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={"Authorization": self.authorization, "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                text = response.read()
        except OSError as error:
            raise MissingServer(f"RabbitMQ's management API at {self.base}: {error}") from error
        return json.loads(text) if text else None

    def vhosts(self) -> list[str]:
        return [vhost["name"] for vhost in self.call("GET", "vhosts")]

    def users(self) -> list[str]:
        return [user["name"] for user in self.call("GET", "users")]

    def add_vhost(self, name: str) -> None:
        self.call("PUT", f"vhosts/{quote(name, safe='')}", {})

    def delete_vhost(self, name: str) -> None:
        self.call("DELETE", f"vhosts/{quote(name, safe='')}")

    def import_definitions(self, definitions: dict[str, object]) -> None:
        self.call("POST", "definitions", definitions)

    def delete_user(self, name: str) -> None:
        self.call("DELETE", f"users/{quote(name, safe='')}")

    def connections(self, vhost: str) -> list[str]:
        """The user of each connection to `vhost`."""
        listed = self.call("GET", f"vhosts/{quote(vhost, safe='')}/connections")
        return [connection["user"] for connection in listed]


def broker_admin(env: Mapping[str, str]) -> Rabbitmqctl | ManagementApi:
    if env.get("RABBITMQ_ADMIN_URL"):
        return ManagementApi(env["RABBITMQ_ADMIN_URL"])
    return Rabbitmqctl(require_rabbitmq(env["LOCAL_RABBITMQ"]))


# The chassis's tests make exchanges and queues named test-<id> (bench-<id> for make bench),
# each their own: a user with rights to those names alone, shared topology included.
CHASSIS_TESTS_NAMES = r"^(test|bench)-[0-9a-f]+([.@].*)?$"
CHASSIS_TESTS = broker_access.Permissions(
    CHASSIS_TESTS_NAMES, CHASSIS_TESTS_NAMES, CHASSIS_TESTS_NAMES, ".*", ".*"
)


def broker_password(env: Mapping[str, str], service: str) -> str:
    return env[password_in_env_file(service, "BROKER")]


def broker_grants(env: Mapping[str, str]) -> list[broker_access.Grant]:
    """Every user of the project's virtual host on this machine: one per service, and the
    chassis's tests'."""
    hashes = {s: broker_access.password_hash(broker_password(env, s)) for s in services()}
    chassis = broker_access.password_hash(broker_password(env, "chassis"))
    return [
        *broker_access.service_grants(PROJECT, hashes),
        broker_access.Grant(broker_access.user(PROJECT, "chassis"), chassis, CHASSIS_TESTS),
    ]


def provision_broker(admin: Rabbitmqctl | ManagementApi, env: Mapping[str, str]) -> None:
    """The virtual host, the shared topology and the users, in one import; users of services
    there are no more go."""
    grants = broker_grants(env)
    admin.import_definitions(broker_access.definitions(PROJECT, grants))
    wanted = {grant.name for grant in grants}
    for name in project_broker_users(admin):
        if name not in wanted:
            admin.delete_user(name)


def project_broker_users(admin: Rabbitmqctl | ManagementApi) -> list[str]:
    """The project's users: <project>.<anything> (and <project> itself, which provisioning
    made before each service had its own)."""
    prefix = broker_access.user(PROJECT, "")
    return [name for name in admin.users() if name == PROJECT or name.startswith(prefix)]


def teardown_broker(admin: Rabbitmqctl | ManagementApi) -> None:
    if PROJECT in admin.vhosts():
        admin.delete_vhost(PROJECT)
    for name in project_broker_users(admin):
        admin.delete_user(name)


def broker_url(env: Mapping[str, str], service: str) -> str:
    """The project's virtual host on this machine's RabbitMQ, as `service`'s user."""
    user = broker_access.user(PROJECT, service)
    return f"amqp://{user}:{broker_password(env, service)}@{env['LOCAL_RABBITMQ']}/{PROJECT}"


def jwks_url(env: Mapping[str, str]) -> str:
    """Where services read the token issuer's public keys on this machine."""
    if identity_issues_tokens():
        return f"http://127.0.0.1:{env['IDENTITY_PORT']}/api/identity/.well-known/jwks.json"
    return f"{env['KEYCLOAK_URL']}/realms/{PROJECT}/protocol/openid-connect/certs"


def database_url(env: Mapping[str, str], name: str, *, as_app: bool = False) -> str:
    """The URL of <project>_<name> on this machine's PostgreSQL, as its owner or as the
    application's role."""
    admin_url = urlsplit(env["POSTGRES_ADMIN_URL"])
    host = f"{admin_url.hostname or '127.0.0.1'}:{admin_url.port or 5432}"
    role = app_role(database_name(name)) if as_app else database_name(name)
    password = env[password_in_env_file(name, "DATABASE_APP" if as_app else "DATABASE")]
    return f"postgres://{role}:{password}@{host}/{database_name(name)}"


def cache_key_prefix(service: str) -> str:
    """What the service's keys start with on this machine's Redis, which other projects share."""
    return f"{PROJECT}:{service}"


def redis_url(env: Mapping[str, str], service: str) -> str:
    """This machine's Redis (LOCAL_REDIS_URL, whose credentials are the administrator's) as the
    service's own user."""
    local = urlsplit(env["LOCAL_REDIS_URL"])
    address = f"{local.hostname or '127.0.0.1'}:{local.port or 6379}"
    password = redis_password(env, service)
    return f"redis://{user_name(PROJECT, service)}:{password}@{address}{local.path or '/0'}"


def redis_password(env: Mapping[str, str], service: str) -> str:
    return env[password_in_env_file(service, "REDIS")]


def provision_cache_user(admin: redis.Redis, service: str, password: str) -> None:
    """The service's Redis user, made or made right again (its rules start from a reset)."""
    rules = ["resetpass", password_rule(password), *acl_rules(cache_key_prefix(service))]
    admin.execute_command("ACL", "SETUSER", user_name(PROJECT, service), *rules)


def teardown_cache_users(admin: redis.Redis) -> list[str]:
    """Delete the services' Redis users; those there were."""
    users = {name.decode() for name in admin.execute_command("ACL", "USERS")}
    ours = [user_name(PROJECT, service) for service in services()]
    ours = [name for name in ours if name in users]
    if ours:
        admin.execute_command("ACL", "DELUSER", *ours)
    return ours


def redis_admin(env: Mapping[str, str]) -> redis.Redis:
    client = redis.Redis.from_url(env["LOCAL_REDIS_URL"], socket_connect_timeout=3)
    try:
        client.ping()
    except redis.RedisError as error:
        raise MissingServer(f"Redis at {env['LOCAL_REDIS_URL']}: {error}") from error
    return client


def write_env_file(path: Path, whose: str, settings: Mapping[str, str]) -> None:
    lines = [f"# Native settings of {whose}, written by scripts/provision.py from .env."]
    lines += [f"{key}={value}" for key, value in settings.items()]
    path.write_text("\n".join(lines) + "\n")
    path.chmod(0o600)


def native_value(variable: Variable, env: Mapping[str, str], service: str) -> str:
    """What the variable is on this machine, for `service`, from .env."""
    match variable.source:
        case Source.SERVICE_SECRET:
            return env[in_env_file(variable, service)]
        case Source.PROJECT | Source.PROJECT_SECRET:
            return env[variable.name]
        case Source.DATABASE:
            return database_url(env, service, as_app=True)
        case Source.CACHE:
            return redis_url(env, service)
        case Source.BROKER:
            return broker_url(env, service)
        case Source.MAIL:
            # scripts/mail_sink.py, which make dev runs.
            return f"smtp://127.0.0.1:{env['MAIL_PORT']}"
        case Source.JWKS:
            return jwks_url(env)
    raise ValueError(f"{variable.name}: a {variable.source} is not set by a native run")


def write_service_env(env: Mapping[str, str], service: str) -> None:
    """services/<name>/.env: every variable the service needs set (its manifest and the chassis
    say which), as this machine has them."""
    variables = read_service(SERVICES_DIR / service).needs_set()
    settings = {variable.name: native_value(variable, env, service) for variable in variables}
    # This machine's Redis may serve other projects too.
    settings["CACHE_KEY_PREFIX"] = cache_key_prefix(service)  # what teardown deletes
    # The service's tests make their own database: they connect as the owner (chassis_testing).
    settings[DATABASE_OWNER_URL.name] = database_url(env, service)
    write_env_file(SERVICES_DIR / service / ".env", service, settings)


def manage(service: str, *arguments: str, env: Mapping[str, str] | None = None) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *arguments, "--noinput", "--verbosity=0"],
        cwd=SERVICES_DIR / service,
        env={**os.environ, **(env or {})},
        check=True,
    )


def write_chassis_env(env: Mapping[str, str]) -> None:
    """What the chassis's own tests need: a database, and the broker."""
    write_env_file(
        CHASSIS_DIR / ".env",
        "the chassis's tests",
        {
            "DATABASE_URL": database_url(env, "chassis"),
            "BROKER_URL": broker_url(env, "chassis"),
            # Its tests make databases and roles as the release job does.
            "DATABASE_ADMIN_URL": env["POSTGRES_ADMIN_URL"],
        },
    )


def provision(env: Mapping[str, str]) -> None:
    broker = broker_admin(env)
    with postgres(env["POSTGRES_ADMIN_URL"]) as admin:
        provision_database(admin, "chassis", env[password_in_env_file("chassis", "DATABASE")])
        write_chassis_env(env)
    for service in services():
        ensure_roles(
            admin_url=env["POSTGRES_ADMIN_URL"],
            owner_url=database_url(env, service),
            app_url=database_url(env, service, as_app=True),
            owner_creates_databases=True,
        )
        write_service_env(env, service)
    with redis_admin(env) as cache:
        for service in services():
            provision_cache_user(cache, service, redis_password(env, service))
    print("redis: a user of its own for every service")
    provision_broker(broker, env)
    print(f"rabbitmq: virtual host {PROJECT} and a user for each service ready")
    for service in services():
        manage(service, "release", env={"DATABASE_URL": database_url(env, service)})
        manage(service, "collectstatic")
        print(f"{service}: database {database_name(service)} ready")


def teardown(env: Mapping[str, str]) -> None:
    with postgres(env["POSTGRES_ADMIN_URL"]) as admin:
        for service in services():
            teardown_database(admin, service)
            (SERVICES_DIR / service / ".env").unlink(missing_ok=True)
            print(f"{service}: database {database_name(service)} dropped")
        teardown_database(admin, "chassis")
        (CHASSIS_DIR / ".env").unlink(missing_ok=True)
    teardown_broker(broker_admin(env))
    print(f"rabbitmq: virtual host {PROJECT} and its users deleted")
    # The keys every service keeps under its CACHE_KEY_PREFIX.
    print(f"redis: {delete_keys(env['LOCAL_REDIS_URL'], PROJECT)} keys under {PROJECT}: deleted")
    with redis_admin(env) as cache:
        print(f"redis: users {', '.join(teardown_cache_users(cache)) or '(none)'} deleted")


def delete_keys(url: str, prefix: str) -> int:
    """Delete the keys under `prefix` (``<prefix>:...``, where `prefix` may hold a glob) from the
    Redis at `url`, as a user who may list them (no service's may); how many there were."""
    client = redis.Redis.from_url(url, socket_connect_timeout=3)
    deleted = 0
    batch: list[bytes] = []
    for key in client.scan_iter(match=f"{prefix}:*", count=500):
        batch.append(key)
        if len(batch) == 500:
            deleted += client.unlink(*batch)
            batch = []
    if batch:
        deleted += client.unlink(*batch)
    return deleted


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teardown", action="store_true", help="drop what provisioning created")
    arguments = parser.parse_args()
    try:
        (teardown if arguments.teardown else provision)(project_env())
    except MissingServer as missing:
        print(f"error: {missing}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
