"""The processes each service runs, and the files that start them (`make processes`).

What a service runs follows from what it contains:

    web, relay   always: its API, and the publisher of its outbox
    consumer     <name>/subscribers.py: it handles other services' events
    worker       <name>/tasks.py: Celery tasks
    beat         a SCHEDULE in <name>/tasks.py: Celery tasks that run on a schedule
    scheduler    <name>/schedules.py: schedules Django Q keeps in the database

A native run starts the consumer inside the relay's process and beat inside the worker's
(Process.native_host): one machine has one of each, and each process fewer is an import of
Django fewer at every boot.

This writes that list into each services/<name>/service.toml (the service's
manifest, which its settings read too), then, from the manifests and the
environment every service reads (chassis/environment.py, and each manifest's
[environment]), the files each runtime starts them with: Procfile.dev, each
services/<name>/compose.yaml and services/<name>/k8s/; and what the gateway
has of each service: its upstream and routes, and its place on the docs page. `make lint` runs it with
--check, which changes nothing and fails while any of them disagrees.

    python -m scripts.processes           # bring every file up to date
    python -m scripts.processes --check   # only say what is out of date

Only the standard library and PyYAML: the post-generation hook runs it too.
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import sys
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

PROJECT_DIR = Path(__file__).resolve().parent.parent
SERVICES_DIR = PROJECT_DIR / "services"
# Where to see the system in Compose (the `observability` answer): absent if not chosen.
OBSERVABILITY_STACK = PROJECT_DIR / "deploy" / "observability" / "compose.yaml"
# The OpenTelemetry Collector of that stack: the services' traces go to its OTLP/HTTP port.
COLLECTOR = "otel-collector"
sys.path.insert(0, str(PROJECT_DIR / "libs" / "chassis" / "src"))

from chassis import broker_access, redis_acl  # noqa: E402
from chassis.environment import (  # noqa: E402
    CELERY,
    CHASSIS,
    DJANGO_Q,
    RELEASE,
    Source,
    Variable,
    app_role,
    in_env_file,
    password_in_env_file,
)

GENERATED = (
    "Written by `make processes` from services/{service}/service.toml: change that, not this."
)
MANIFEST_PROCESSES = re.compile(r"^processes = \[.*?\]$", re.MULTILINE | re.DOTALL)


@dataclass(frozen=True)
class Process:
    """A kind of process, the same for every service that runs one."""

    kind: str
    purpose: str
    command: tuple[str, ...]
    # Checks the process is alive: the Compose healthcheck and the Kubernetes liveness probe.
    health: tuple[str, ...]
    health_every: int
    # The servers it needs up before it starts (Compose).
    needs: tuple[str, ...]
    # Seconds it may take to stop: Compose's stop_grace_period, when more than Docker's 10.
    stop_seconds: int | None = None
    # Under honcho (native runs), which signals a process's whole group: see chassis.supervised.
    supervised: bool = False
    variables: tuple[Variable, ...] = ()
    # Natively, where there is one of each, it runs inside the process of this other kind,
    # which `native_option` asks to. Compose and Kubernetes keep it apart, to scale, limit and
    # restart it alone.
    native_host: str | None = None
    native_option: str = ""
    # It answers /metrics on a port of its own (chassis.metrics.serve), which Prometheus scrapes.
    serves_metrics: bool = False

    @property
    def stop_grace(self) -> int:
        return self.stop_seconds or DOCKER_STOP_SECONDS

    def command_for(self, service: str) -> list[str]:
        return [part.format(service=service) for part in self.command]

    def health_for(self, service: str) -> list[str]:
        return [part.format(service=service) for part in self.health]


# Docker's own grace, for a process that names none.
DOCKER_STOP_SECONDS = 10
WORKER_COMMAND = ("celery", "--app", "chassis.celery_app", "worker", "--loglevel", "INFO")
WORKER_COMMAND += ("--hostname", "{service}@%h")
PROCESSES = {
    process.kind: process
    for process in (
        Process(
            "relay",
            "Publishes what the service writes to its outbox.",
            ("python", "manage.py", "relay_events"),
            ("python", "-m", "chassis.heartbeat", "relay", "30"),
            15,
            ("rabbitmq",),
            serves_metrics=True,
        ),
        Process(
            "consumer",
            "Handles the events the service subscribes to.",
            ("python", "manage.py", "consume_events"),
            ("python", "-m", "chassis.heartbeat", "consumer", "30"),
            15,
            ("rabbitmq",),
            native_host="relay",
            native_option="--consume",
            serves_metrics=True,
        ),
        Process(
            "worker",
            "Runs the service's Celery tasks.",
            # Named after the service: workers of several services share the broker.
            WORKER_COMMAND,
            (
                "sh",
                "-c",
                "celery --app chassis.celery_app inspect ping -d {service}@$HOSTNAME -t 5",
            ),
            60,
            ("rabbitmq", "redis"),
            # A task being run is finished first (a mail server may take EMAIL_TIMEOUT, 10 s).
            stop_seconds=30,
            # Its pool's processes, signalled by honcho too, would die mid-start.
            supervised=True,
            variables=CELERY,
            serves_metrics=True,
        ),
        Process(
            "beat",
            "Queues the service's periodic tasks on their schedule; one replica, never more.",
            ("celery", "--app", "chassis.celery_app", "beat", "--loglevel", "INFO"),
            ("python", "-m", "chassis.heartbeat", "beat", "90"),
            30,
            ("rabbitmq",),
            variables=CELERY,
            # Celery's own embedded beat: one worker natively, so one beat.
            native_host="worker",
            native_option="--beat",
        ),
        Process(
            "scheduler",
            "Django Q's cluster: runs the schedules kept in the service's database.",
            # Django's system checks are for `make test` and CI (see chassis.management).
            ("python", "manage.py", "qcluster", "--skip-checks"),
            ("python", "manage.py", "scheduler_alive", "60"),
            30,
            ("redis",),
            stop_seconds=30,
            supervised=True,
            variables=DJANGO_Q,
        ),
    )
}
ORDER = ("web", "relay", "consumer", "worker", "beat", "scheduler")
# Longer than a web process takes to finish its requests (WEB_GRACEFUL_TIMEOUT).
WEB_STOP_SECONDS = 30
# How long a native run waits, once stopping, before it kills what still runs: the longest
# any process may take, as in Compose (honcho's own is 5 s: see scripts.native --start).
NATIVE_STOP_SECONDS = max(WEB_STOP_SECONDS, *(process.stop_grace for process in PROCESSES.values()))


@dataclass(frozen=True)
class Service:
    name: str
    processes: tuple[str, ...]
    own_variables: tuple[Variable, ...]

    @property
    def folder(self) -> Path:
        return SERVICES_DIR / self.name

    @property
    def variables(self) -> list[Variable]:
        """Every variable the service reads, its own last."""
        extra = [v for kind in self.processes[1:] for v in PROCESSES[kind].variables]
        return [*CHASSIS, *dict.fromkeys(extra), *self.own_variables]

    def needs_set(self) -> list[Variable]:
        """What a runtime must give it: everything but the knobs that have defaults."""
        return [v for v in self.variables if v.source is not Source.TUNABLE]


def processes_of(
    folder: Path, package: str | None = None, without: tuple[str, ...] = ()
) -> tuple[str, ...]:
    """What the service in `folder` runs, from what its package (named like the folder unless
    said) contains; the files `without` names (relative to `folder`) count as absent."""
    package = package or folder.name

    def has(relative: str) -> bool:
        return relative not in without and (folder / relative).exists()

    found = ["web", "relay"]
    if has(f"{package}/subscribers.py"):
        found.append("consumer")
    if has(f"{package}/tasks.py"):
        found.append("worker")
        if "SCHEDULE" in _top_level_names(folder / package / "tasks.py"):
            found.append("beat")
    if has(f"{package}/schedules.py"):
        found.append("scheduler")
    return tuple(found)


def _top_level_names(module: Path) -> set[str]:
    tree = ast.parse(module.read_text())
    return {
        target.id
        for node in tree.body
        if isinstance(node, ast.Assign | ast.AnnAssign)
        for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
        if isinstance(target, ast.Name)
    }


def read_service(folder: Path) -> Service:
    manifest = tomllib.loads((folder / "service.toml").read_text())
    own = tuple(
        Variable(name, Source(spec["source"]), spec["about"])
        for name, spec in manifest.get("environment", {}).items()
    )
    return Service(folder.name, tuple(manifest.get("processes", ())), own)


def service_folders() -> list[Path]:
    return sorted(path.parent for path in SERVICES_DIR.glob("*/manage.py"))


# The manifest


def manifest_text(folder: Path) -> str:
    """services/<name>/service.toml, its processes as the service's contents say."""
    current = (folder / "service.toml").read_text()
    listed = ", ".join(f'"{kind}"' for kind in processes_of(folder))
    return MANIFEST_PROCESSES.sub(f"processes = [{listed}]", current, count=1)


# Native runs: Procfile.dev


def procfile(services: list[Service], web_app: str = "config.wsgi") -> str:
    """Procfile.dev; `web_app` is the WSGI application the web processes serve."""
    lines = [
        "# Every process of a native run: written by `make processes` from each service.toml.",
        "# `make dev` starts them with honcho, which reads .env; Ctrl-C stops them all (SIGTERM",
        f"# to each one's process group; what still runs {NATIVE_STOP_SECONDS} s later is killed).",
        "# Each command execs its process, so that the signal reaches it, not a shell.",
        "gateway: exec python -m scripts.gateway",
        "mail: exec python -m scripts.mail_sink",
        "prometheus: exec python -m scripts.prometheus",
        "status: exec python -m scripts.native --announce",
    ]
    for service in services:
        here = f"cd services/{service.name} && exec"
        port = from_env(f"{service.name.upper()}_PORT")
        web = f"gunicorn --config python:chassis.gunicorn --bind 127.0.0.1:{port} {web_app}"
        lines.append(f"{service.name}: {here} {web}")
        for kind, guests in native_processes(service):
            process = PROCESSES[kind]
            command = process.command_for(service.name)
            command += [PROCESSES[guest].native_option for guest in guests]
            if process.supervised:
                # It kills the command itself, with whatever it started, a little before
                # the native run would kill the supervisor alone.
                within = str(process.stop_grace - 2)
                command = ["python", "-m", "chassis.supervised", "--stop-within", within, *command]
            name = "-".join([service.name, kind, *guests])
            lines.append(f"{name}: {here} {' '.join(command)}")
    return "\n".join(lines) + "\n"


def native_processes(service: Service) -> list[tuple[str, list[str]]]:
    """The processes of a native run besides the web one: each kind, with the kinds it hosts."""
    kinds = service.processes[1:]
    return [
        (kind, [guest for guest in kinds if PROCESSES[guest].native_host == kind])
        for kind in kinds
        if PROCESSES[kind].native_host not in kinds
    ]


# Compose


def from_env(name: str, fallback: str | None = None) -> str:
    """A reference to a variable of .env, as Compose and honcho read them: required (Compose
    stops with a message naming `make setup`) unless it has a `fallback`."""
    if fallback is not None:
        return "${" + f"{name}:-{fallback}" + "}"
    return "${" + f"{name}:?run make setup" + "}"


def required_in_url(name: str) -> str:
    """A reference to a variable of .env that goes inside a URL: required, without a message,
    so that the URL stays one word, which YAML lines may not break."""
    return "${" + f"{name}:?" + "}"


# The superuser of a service's own PostgreSQL server (Compose, Kubernetes): the release job's alone,
# to make the service's roles (chassis.database_roles).
DATABASE_SUPERUSER = "postgres"


def container_database_url(service: str, role: str, password: str) -> str:
    """The service's database on its own server, `<service>-db`, as `role`: ``app`` (the
    application's, which every process but the release job is), ``owner`` or ``admin``."""
    user = {"app": app_role(service), "owner": service, "admin": DATABASE_SUPERUSER}[role]
    database = DATABASE_SUPERUSER if role == "admin" else service
    return f"postgres://{user}:{password}@{service}-db:5432/{database}"


def database_ready(service: str) -> list[str]:
    # Over TCP: while the image sets itself up, its server listens on a socket alone.
    return [
        "pg_isready",
        "--host=127.0.0.1",
        f"--username={DATABASE_SUPERUSER}",
        f"--dbname={service}",
    ]


def compose_database_url(service: str, role: str = "app") -> str:
    """The service's database in Compose, as `role` (see :func:`container_database_url`)."""
    server = {"app": "DATABASE_APP", "owner": "DATABASE", "admin": "DATABASE_ADMIN"}[role]
    password = required_in_url(password_in_env_file(service, server))
    return container_database_url(service, role, password)


def compose_redis_password(service: str) -> str:
    return required_in_url(password_in_env_file(service, "REDIS"))


def compose_redis_url(service: str) -> str:
    """Compose's Redis as the service's own user (see :func:`compose_redis_user`)."""
    user = redis_acl.user_name(_project_slug(), service)
    return f"redis://{user}:{compose_redis_password(service)}@redis:6379/0"


def compose_redis_user(service: str) -> dict[str, str]:
    """The service's Redis user, as a redis.conf line that Compose fills its password into
    from .env, for the redis container to include (docker-compose.yml): a config, so that
    the password stays in .env and off every command line. Compose's Redis is the project's
    own: the keys are under the service's name (CACHE_KEY_PREFIX left unset)."""
    line = redis_acl.config_line(
        redis_acl.user_name(_project_slug(), service),
        compose_redis_password(service),
        redis_acl.key_prefix(service),
        hashed=False,
    )
    return {"content": line + "\n"}


def compose_broker_url(service: str) -> str:
    """Compose's RabbitMQ as the service's own user (see :func:`compose_broker_user`)."""
    user = broker_access.user(_project_slug(), service)
    password = required_in_url(password_in_env_file(service, "BROKER"))
    return f"amqp://{user}:{password}@rabbitmq:5672/{_project_slug()}"


def compose_broker_user(service: str) -> dict[str, str]:
    """The service's RabbitMQ user, its rights and the topology every service shares, as the
    definitions the rabbitmq container loads at boot (docker-compose.yml): Compose fills in the
    password's hash from .env (``<SERVICE>_BROKER_PASSWORD_HASH``, which `make setup` makes)."""
    marker = "<password hash>"
    grants = broker_access.service_grants(_project_slug(), {service: marker})
    text = json.dumps(broker_access.definitions(_project_slug(), grants), indent=2)
    # The rights are regular expressions: their "$" is no variable of Compose's.
    text = text.replace("$", "$$").replace(
        marker, from_env(password_in_env_file(service, "BROKER") + "_HASH")
    )
    return {"content": _Literal(text + "\n")}


def compose_environment(service: Service, *, release: bool = False) -> dict[str, str]:
    """The service's variables as Compose gives them, from .env and the other containers: to the
    release job, which makes the database's roles and migrates as its owner, or to the others."""
    name = service.name
    values: dict[Source, Callable[[Variable], str]] = {
        Source.SERVICE_SECRET: lambda v: from_env(in_env_file(v, name)),
        Source.PROJECT: lambda v: from_env(v.name),
        Source.PROJECT_SECRET: lambda v: from_env(v.name),
        Source.DATABASE: lambda v: compose_database_url(name),
        Source.DATABASE_ADMIN: lambda v: compose_database_url(name, "admin"),
        Source.CACHE: lambda v: compose_redis_url(name),
        Source.BROKER: lambda v: compose_broker_url(name),
        Source.MAIL: lambda v: from_env("EMAIL_URL", fallback="smtp://mailpit:1025"),
        Source.JWKS: lambda v: jwks_url("http://identity:8000", "http://keycloak:8080"),
    }
    variables = [*service.needs_set(), *(RELEASE if release else ())]
    environment = {v.name: values[v.source](v) for v in variables}
    if release:
        environment["DATABASE_URL"] = compose_database_url(name, "owner")
    else:
        # Each container has an address of its own: every one may take the same port.
        environment["METRICS_PORT"] = str(METRICS_PORT)
        if OBSERVABILITY_STACK.exists():
            environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = from_env(
                "OTEL_EXPORTER_OTLP_ENDPOINT", fallback=f"http://{COLLECTOR}:4318"
            )
    # Other containers call this one by its service name.
    environment["DJANGO_ALLOWED_HOSTS"] += f",{name}"
    return environment


def jwks_url(identity: str, keycloak: str) -> str:
    """Where the token issuer publishes its keys: the identity service, or Keycloak."""
    if (SERVICES_DIR / "identity" / "manage.py").exists():
        return f"{identity}/api/identity/.well-known/jwks.json"
    return f"{keycloak}/realms/{_project_slug()}/protocol/openid-connect/certs"


def _project_slug() -> str:
    """The project's slug, as its compose file names it."""
    compose = (PROJECT_DIR / "docker-compose.yml").read_text()
    return re.search(r"^name: (\S+)$", compose, re.MULTILINE).group(1)


def compose(service: Service) -> str:
    name = service.name
    image = {
        "image": f"{from_env('IMAGE_REGISTRY', _project_slug())}/{name}:"
        + from_env("IMAGE_TAG", "latest"),
        "build": {"context": ".", "dockerfile": "services/Dockerfile", "args": {"SERVICE": name}},
        # As Kubernetes runs them (hardened): no capabilities, nothing gained by exec, and a
        # read-only filesystem but /tmp, where heartbeats and Celery beat's schedule go.
        "read_only": True,
        "tmpfs": ["/tmp"],  # noqa: S108
        "cap_drop": ["ALL"],
        "security_opt": ["no-new-privileges:true"],
    }
    environment = compose_environment(service)
    released = {f"{name}-release": {"condition": "service_completed_successfully"}}

    def healthy(*servers: str) -> dict[str, dict[str, str]]:
        return {server: {"condition": "service_healthy"} for server in servers}

    def check(test: list[str], every: int, start: int = 30) -> dict[str, Any]:
        return {
            "test": ["CMD", *[part.replace("$", "$$") for part in test]],
            "interval": f"{every}s",
            "timeout": "5s",
            "start_period": f"{start}s",
            "retries": 3,
        }

    containers: dict[str, Any] = {
        f"{name}-db": {
            "image": "postgres:17-alpine",
            "environment": {
                "POSTGRES_DB": name,
                "POSTGRES_PASSWORD": from_env(password_in_env_file(name, "DATABASE_ADMIN")),
            },
            "volumes": [f"{name}-db:/var/lib/postgresql/data"],
            "healthcheck": {
                "test": ["CMD", *database_ready(name)],
                "interval": "5s",
                "timeout": "3s",
                "retries": 12,
            },
            "restart": "unless-stopped",
        },
        f"{name}-release": {
            **image,
            "command": ["python", "manage.py", "release"],
            "environment": compose_environment(service, release=True),
            "depends_on": healthy(f"{name}-db", "rabbitmq"),
        },
        name: {
            **image,
            "environment": environment,
            "depends_on": {**released, **healthy("redis")},
            "healthcheck": check(
                ["python", "-m", "chassis.probe", "http://127.0.0.1:8000/health/ready"], 10, 20
            ),
            "restart": "unless-stopped",
            "stop_grace_period": f"{WEB_STOP_SECONDS}s",
        },
    }
    for kind in service.processes[1:]:
        process = PROCESSES[kind]
        container = {
            **image,
            "command": process.command_for(name),
            "environment": environment,
            "depends_on": {**released, **healthy(*process.needs)},
            "healthcheck": check(process.health_for(name), process.health_every),
            "restart": "unless-stopped",
        }
        if process.stop_seconds:
            container["stop_grace_period"] = f"{process.stop_seconds}s"
        containers[f"{name}-{kind}"] = container
    header = [
        GENERATED.format(service=name),
        f"The {name} service: its own database, its release job (migrations, queues) and",
        "its processes. Included by docker-compose.yml; paths are from the project's root.",
    ]
    document = {
        "services": containers,
        "volumes": {f"{name}-db": None},
        "configs": {
            f"{name}-redis-user": compose_redis_user(name),
            f"{name}-rabbitmq-user": compose_broker_user(name),
        },
    }
    text = yaml.dump(document, Dumper=_Dumper, sort_keys=False, width=100)
    # The one block every process shares, named after what it is.
    text = text.replace("&id001", f"&{name}-environment").replace("*id001", f"*{name}-environment")
    return _comment(header) + text


# Prometheus

# Where a process other than the web one answers /metrics in a container (chassis.metrics.serve).
METRICS_PORT = 9100
# The jobs the services' web processes, and their other processes, are scraped as: the `job`
# label of the alerts' `up` series.
SERVICES_JOB = "services"
PROCESSES_JOB = "processes"


def prometheus_config(
    *,
    rules: str,
    web: dict[str, Any],
    processes: dict[str, Any],
    every: int,
    more: tuple[dict[str, Any], ...] = (),
) -> dict[str, Any]:
    """Prometheus's configuration in every runtime: the alert rules, and the web processes and
    the others as `web` and `processes` find them (the service discovery of a scrape config: a
    list, files, the cluster's pods), scraped every `every` seconds."""
    return {
        "global": {"scrape_interval": f"{every}s", "evaluation_interval": f"{every}s"},
        "rule_files": [rules],
        "scrape_configs": [
            {"job_name": SERVICES_JOB, **web},
            {"job_name": PROCESSES_JOB, **processes},
            *more,
        ],
    }


def _prometheus_file(runtime: str, source: str, config: dict[str, Any]) -> str:
    header = [
        f"Prometheus in {runtime} (deploy/observability). Written by `make processes` from"
        f" {source}: change that, not this."
    ]
    return _comment(header) + yaml.dump(config, Dumper=_Dumper, sort_keys=False, width=100)


# The collector's own metrics: whether traces arrive, and whether it drops any.
COLLECTOR_JOB = {
    "job_name": COLLECTOR,
    "static_configs": [{"targets": [f"{COLLECTOR}:8888"]}],
}


def compose_prometheus(services: list[Service]) -> str:
    """deploy/observability/prometheus-compose.yml: every process of the system by its container."""
    processes = [
        {"targets": [f"{service.name}-{kind}:{METRICS_PORT}"], "labels": {"process": kind}}
        for service in services
        for kind in service.processes[1:]
        if PROCESSES[kind].serves_metrics
    ]
    config = prometheus_config(
        rules="/etc/prometheus/rules.yml",
        web={"static_configs": [{"targets": _Lines(f"{s.name}:8000" for s in services)}]},
        processes={"static_configs": processes},
        every=15,
        more=(COLLECTOR_JOB,),
    )
    return _prometheus_file("Compose", "every services/<name>/service.toml", config)


def kubernetes_prometheus() -> str:
    """deploy/observability/prometheus-kubernetes.yml: the pods of the system's namespace, by the
    name of the port they serve metrics on (as workloads names them)."""
    component = "__meta_kubernetes_pod_label_app_kubernetes_io_component"

    def pods(port: str, *, web: bool) -> dict[str, Any]:
        relabel: list[dict[str, Any]] = [
            {
                "source_labels": ["__meta_kubernetes_pod_container_port_name"],
                "regex": port,
                "action": "keep",
            },
            # The gateway names its port http too: the web processes are the services'.
            {"source_labels": [component], "regex": "web", "action": "keep"}
            if web
            else {"source_labels": [component], "target_label": "process"},
            {"source_labels": ["__meta_kubernetes_pod_name"], "target_label": "pod"},
        ]
        return {
            "kubernetes_sd_configs": [{"role": "pod", "namespaces": {"own_namespace": True}}],
            "relabel_configs": relabel,
        }

    config = prometheus_config(
        rules="/etc/prometheus/rules.yml",
        web=pods("http", web=True),
        processes=pods("metrics", web=False),
        every=15,
        more=(COLLECTOR_JOB,),
    )
    return _prometheus_file("Kubernetes", "scripts/processes.py (kubernetes_prometheus)", config)


# Kubernetes

RESTRICTED = {"runAsNonRoot": True, "seccompProfile": {"type": "RuntimeDefault"}}


def hardened(container: dict[str, Any], *, memory: str = "512Mi") -> dict[str, Any]:
    """A container with the limits and restrictions every one of ours has."""
    return {
        **container,
        "resources": {
            "requests": {"cpu": "50m", "memory": "192Mi"},
            "limits": {"cpu": "1", "memory": memory},
        },
        "securityContext": {
            "allowPrivilegeEscalation": False,
            "readOnlyRootFilesystem": True,
            "capabilities": {"drop": ["ALL"]},
        },
        # The one place a read-only container may write.
        "volumeMounts": [*container.get("volumeMounts", []), {"name": "tmp", "mountPath": "/tmp"}],  # noqa: S108
    }


def labels(service: str, component: str) -> dict[str, str]:
    return {"app.kubernetes.io/name": service, "app.kubernetes.io/component": component}


def pod(
    service: str, containers: list[dict[str, Any]], *, after_release: bool, release: bool = False
) -> dict[str, Any]:
    """The spec of a pod of `service`, which runs as the image's user and reads its settings; the
    release job's reads its database's secret too, whose DATABASE_URL (the owner's) wins."""
    sources = [
        {"configMapRef": {"name": "settings"}},
        {"secretRef": {"name": f"{service}-secrets"}},
    ]
    if release:
        sources.append({"secretRef": {"name": f"{service}-database"}})
    environment = {"envFrom": sources}
    spec: dict[str, Any] = {
        "serviceAccountName": service,
        "automountServiceAccountToken": False,
        # Longer than a web process's preStop pause and graceful stop together.
        "terminationGracePeriodSeconds": 35,
        "securityContext": {**RESTRICTED, "runAsUser": 10001, "runAsGroup": 10001},
    }
    if after_release:
        # Starts only once the release job has migrated the service's database.
        wait = "until python manage.py migrate --check >/dev/null; do sleep 3; done"
        spec["initContainers"] = [
            hardened({"name": "wait-for-release", "image": image(service), **environment})
            | {"command": ["sh", "-c", wait]}
        ]
    spec["containers"] = [
        hardened({**c, "image": image(service), **environment}) for c in containers
    ]
    spec["volumes"] = [{"name": "tmp", "emptyDir": {}}]
    return spec


def image(service: str) -> str:
    return f"{_project_slug()}/{service}"


def deployment(service: str, component: str, spec: dict[str, Any], **extra: Any) -> dict[str, Any]:
    selector = labels(service, component)
    name = service if component == "web" else f"{service}-{component}"
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "labels": selector},
        "spec": {
            **extra,
            "selector": {"matchLabels": selector},
            "template": {"metadata": {"labels": selector}, "spec": spec},
        },
    }


def workloads(service: Service) -> str:
    name = service.name
    web = {
        "name": "web",
        "command": ["gunicorn", "--config", "python:chassis.gunicorn", "config.wsgi"],
        "ports": [{"name": "http", "containerPort": 8000}],
        "startupProbe": {
            "httpGet": {"path": "/health/live", "port": "http"},
            "periodSeconds": 2,
            "failureThreshold": 30,
        },
        "livenessProbe": {"httpGet": {"path": "/health/live", "port": "http"}, "periodSeconds": 10},
        "readinessProbe": {
            "httpGet": {"path": "/health/ready", "port": "http"},
            "periodSeconds": 5,
        },
        # Keeps serving until the pod's removal from the Service has reached the gateway
        # and every node: a worker that stopped accepting earlier would cost a 502.
        "lifecycle": {"preStop": {"exec": {"command": ["sleep", "5"]}}},
    }
    release_labels = labels(name, "release")
    documents: list[tuple[str, dict[str, Any]]] = [
        (
            f"The {name} service's workloads. " + GENERATED.format(service=name),
            {
                "apiVersion": "v1",
                "kind": "ServiceAccount",
                "metadata": {"name": name},
                "automountServiceAccountToken": False,
            },
        ),
        (
            "Migrates the database and declares the service's queues, once per deployment. A Job"
            " cannot change once made: it goes ten minutes after it succeeds, for the next.",
            {
                "apiVersion": "batch/v1",
                "kind": "Job",
                "metadata": {"name": f"{name}-release", "labels": release_labels},
                "spec": {
                    "backoffLimit": 6,
                    "ttlSecondsAfterFinished": 600,
                    "template": {
                        "metadata": {"labels": release_labels},
                        "spec": {
                            "restartPolicy": "OnFailure",
                            **pod(
                                name,
                                [
                                    {
                                        "name": "release",
                                        "command": ["python", "manage.py", "release"],
                                    }
                                ],
                                after_release=False,
                                release=True,
                            ),
                        },
                    },
                },
            },
        ),
        ("The API.", deployment(name, "web", pod(name, [web], after_release=True))),
        (
            "",
            {
                "apiVersion": "v1",
                "kind": "Service",
                "metadata": {"name": name, "labels": labels(name, "web")},
                "spec": {
                    "selector": labels(name, "web"),
                    "ports": [{"name": "http", "port": 8000, "targetPort": "http"}],
                },
            },
        ),
        (
            "",
            {
                "apiVersion": "autoscaling/v2",
                "kind": "HorizontalPodAutoscaler",
                "metadata": {"name": name},
                "spec": {
                    "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": name},
                    "minReplicas": 1,
                    "maxReplicas": 4,
                    "metrics": [
                        {
                            "type": "Resource",
                            "resource": {
                                "name": "cpu",
                                "target": {"type": "Utilization", "averageUtilization": 70},
                            },
                        }
                    ],
                },
            },
        ),
        (
            "One pod at a time may be drained away; with one replica that means a short gap.",
            {
                "apiVersion": "policy/v1",
                "kind": "PodDisruptionBudget",
                "metadata": {"name": name},
                "spec": {"maxUnavailable": 1, "selector": {"matchLabels": labels(name, "web")}},
            },
        ),
        network_policy(name),
    ]
    for kind in service.processes[1:]:
        process = PROCESSES[kind]
        container: dict[str, Any] = {
            "name": kind,
            "command": process.command_for(name),
            "livenessProbe": {
                "exec": {"command": process.health_for(name)},
                "initialDelaySeconds": 30,
                "periodSeconds": 30,
                "timeoutSeconds": 15,
            },
        }
        if process.serves_metrics:
            # The port's name is how the cluster's Prometheus finds it (prometheus-kubernetes.yml).
            container["env"] = [{"name": "METRICS_PORT", "value": str(METRICS_PORT)}]
            container["ports"] = [{"name": "metrics", "containerPort": METRICS_PORT}]
        spec = pod(name, [container], after_release=True)
        documents.append((process.purpose, deployment(name, kind, spec, replicas=1)))
    return _documents(documents)


def network_policy(name: str) -> tuple[str, dict[str, Any]]:
    if name == "identity":
        comment = "Every pod of the system may fetch identity's signing keys; the world comes"
        comment += " through the gateway."
        peer = {"app.kubernetes.io/part-of": _project_slug()}
    else:
        comment = f"Only the gateway reaches the {name} service."
        peer = {"app.kubernetes.io/name": "gateway"}
    return (
        comment,
        {
            "apiVersion": "networking.k8s.io/v1",
            "kind": "NetworkPolicy",
            "metadata": {"name": name},
            "spec": {
                "podSelector": {"matchLabels": labels(name, "web")},
                "policyTypes": ["Ingress"],
                "ingress": [
                    {"from": [{"podSelector": {"matchLabels": peer}}], "ports": [{"port": 8000}]}
                ],
            },
        },
    )


def database(service: Service) -> str:
    name = service.name
    selector = labels(name, "database")
    ready = database_ready(name)
    postgres = hardened(
        {
            "name": "postgres",
            "image": "postgres:17-alpine",
            "env": [
                {"name": "POSTGRES_DB", "value": name},
                {
                    "name": "POSTGRES_PASSWORD",
                    "valueFrom": {
                        "secretKeyRef": {"name": f"{name}-database", "key": "POSTGRES_PASSWORD"}
                    },
                },
                # A folder inside the volume: the volume's root may hold lost+found.
                {"name": "PGDATA", "value": "/var/lib/postgresql/data/pgdata"},
            ],
            "ports": [{"name": "postgres", "containerPort": 5432}],
            "readinessProbe": {"exec": {"command": ready}, "periodSeconds": 5},
            "livenessProbe": {
                "exec": {"command": ready},
                "initialDelaySeconds": 30,
                "periodSeconds": 10,
            },
            "volumeMounts": [
                {"name": "data", "mountPath": "/var/lib/postgresql/data"},
                {"name": "run", "mountPath": "/var/run/postgresql"},
            ],
        },
        memory="1Gi",
    )
    postgres["resources"]["requests"] = {"cpu": "100m", "memory": "256Mi"}
    documents = [
        (
            f"The {name} service's own PostgreSQL: nobody else connects to it. For a managed"
            f" database instead, leave this file out of kustomization.yaml and point the URLs"
            f" of {name}-secrets and {name}-database at it. " + GENERATED.format(service=name),
            {
                "apiVersion": "v1",
                "kind": "Service",
                "metadata": {"name": f"{name}-db", "labels": selector},
                "spec": {
                    "clusterIP": "None",
                    "selector": selector,
                    "ports": [{"name": "postgres", "port": 5432}],
                },
            },
        ),
        (
            "",
            {
                "apiVersion": "apps/v1",
                "kind": "StatefulSet",
                "metadata": {"name": f"{name}-db", "labels": selector},
                "spec": {
                    "serviceName": f"{name}-db",
                    "replicas": 1,
                    "selector": {"matchLabels": selector},
                    "template": {
                        "metadata": {"labels": selector},
                        "spec": {
                            "automountServiceAccountToken": False,
                            # postgres in the Alpine image
                            "securityContext": {
                                **RESTRICTED,
                                "runAsUser": 70,
                                "runAsGroup": 70,
                                "fsGroup": 70,
                            },
                            "containers": [postgres],
                            "volumes": [
                                {"name": "run", "emptyDir": {}},
                                {"name": "tmp", "emptyDir": {}},
                            ],
                        },
                    },
                    "volumeClaimTemplates": [
                        {
                            "metadata": {"name": "data"},
                            "spec": {
                                "accessModes": ["ReadWriteOnce"],
                                "resources": {"requests": {"storage": "5Gi"}},
                            },
                        }
                    ],
                },
            },
        ),
        (
            f"Only the {name} service's own pods reach its database.",
            {
                "apiVersion": "networking.k8s.io/v1",
                "kind": "NetworkPolicy",
                "metadata": {"name": f"{name}-db"},
                "spec": {
                    "podSelector": {"matchLabels": selector},
                    "policyTypes": ["Ingress"],
                    "ingress": [
                        {
                            "from": [
                                {"podSelector": {"matchLabels": {"app.kubernetes.io/name": name}}}
                            ],
                            "ports": [{"port": 5432}],
                        }
                    ],
                },
            },
        ),
    ]
    return _documents(documents)


def kustomization(service: Service) -> str:
    document = {
        "apiVersion": "kustomize.config.k8s.io/v1beta1",
        "kind": "Kustomization",
        "resources": ["database.yaml", "workloads.yaml"],
    }
    header = [
        f"The {service.name} service on Kubernetes. " + GENERATED.format(service=service.name),
        "deploy/k8s/base includes it; the overlays give it its secret and its image's tag.",
    ]
    return _comment(header) + yaml.dump(document, Dumper=_Dumper, sort_keys=False)


# The gateway


def gateway_upstreams(services: list[Service]) -> str:
    lines = [
        "# Where each service is. " + GENERATED.format(service="*").replace("*/", ""),
        "# ${<SERVICE>_UPSTREAM} is filled in when the gateway starts, as in default.conf.",
    ]
    for service in services:
        lines += [
            "",
            f"upstream {service.name} " + "{",
            "    server " + "${" + f"{service.name.upper()}_UPSTREAM" + "};",
            "    keepalive 16;",
            "    # Shorter than Gunicorn's keep-alive, so that the gateway closes idle ones first.",
            "    keepalive_timeout 60s;",
            "}",
        ]
    return "\n".join(lines) + "\n"


def gateway_routes(services: list[Service]) -> str:
    """The server's locations of every service: its API, its readiness, the registry of all."""
    lines = [
        "# Each service's routes, included in default.conf's server. Written by `make processes`.",
        "",
        "location /api/ {",
        "    limit_req zone=per_client burst=${GATEWAY_BURST} nodelay;",
        "    limit_req_status 429;",
        "    # The access log records every 429 already.",
        "    limit_req_log_level notice;",
        "    # /api/<a service that does not exist>/",
        "    return 404;",
    ]
    for service in services:
        lines += [
            "",
            f"    location /api/{service.name}/ " + "{",
            f"        proxy_pass http://{service.name};",
            "",
            "        # For operators, on their own port (operator.locations).",
            f"        location /api/{service.name}/admin/ " + "{",
            "            return 404;",
            "        }",
        ]
        if service.name == "identity":
            lines += [
                "",
                "        # Signing in and registering: where passwords get guessed.",
                "        location ~ ^/api/identity/(tokens|accounts)/ {",
                "            limit_req zone=credentials burst=10 nodelay;",
                "            proxy_pass http://identity;",
                "        }",
            ]
        lines.append("    }")
    lines.append("}")
    for service in services:
        lines += [
            "",
            f"location = /_ready/{service.name} " + "{",
            "    internal;",
            f"    proxy_pass http://{service.name}/health/ready;",
            "}",
        ]
    lines += [
        "",
        "# Every service and its readiness, asked of each at once: public/registry.ssi, whose",
        "# server-side includes ask. A file, not a `return`, so that the limits apply: nginx",
        "# returns before it limits.",
        "location = /registry {",
        "    limit_req zone=registry_per_client burst=10 nodelay;",
        "    limit_req zone=registry_all burst=20 nodelay;",
        "    limit_req_status 429;",
        *(
            f'    set ${s.name}_upstream "' + "${" + f"{s.name.upper()}_UPSTREAM" + '}";'
            for s in services
        ),
        *(f'    set ${name.lower()} "${{{name}}}";' for name in REGISTRY_TELEMETRY.values()),
        "    types { }",
        "    default_type application/json;",
        "    ssi on;",
        "    ssi_types application/json;",
        "    try_files /registry.ssi =404;",
        "}",
    ]
    return "\n".join(lines) + "\n"


# What the registry says of where to look, and the gateway's variable each comes from: whoever
# runs the gateway knows (make dev, Compose, the Kubernetes component).
REGISTRY_TELEMETRY = {
    "traces": "GATEWAY_REGISTRY_TRACES",
    "metrics": "GATEWAY_REGISTRY_METRICS",
}


def gateway_registry(services: list[Service]) -> str:
    """The registry's body: each service, its address, where its docs and its metrics are, and
    the answer of its readiness check; then where the traces and metrics of all are seen."""
    telemetry = "".join(
        f',"{field}":"<!--# echo var="{name.lower()}" -->"'
        for field, name in REGISTRY_TELEMETRY.items()
    )
    entries = ",".join(
        '{"name":"' + s.name + '","upstream":"<!--# echo var="' + s.name + '_upstream" -->",'
        '"docs":"/api/' + s.name + '/swagger/",'
        '"metrics":"http://<!--# echo var="' + s.name + '_upstream" -->/metrics",'
        '"health":<!--# include virtual="/_ready/' + s.name + '" stub="unreachable" -->}'
        for s in services
    )
    return (
        '<!--# block name="unreachable" -->{"status":"unreachable"}<!--# endblock -->'
        '{"services":[' + entries + "]" + telemetry + "}\n"
    )


def gateway_operator_routes(services: list[Service]) -> str:
    """The operators' server's locations: each service's admin, and the static files it shows."""
    lines = [
        "# Each service's admin, included in default.conf's operators' server. Written by",
        "# `make processes`.",
    ]
    for service in services:
        lines += [
            "",
            f"location /api/{service.name}/admin/ " + "{",
            f"    proxy_pass http://{service.name};",
            "",
            "    # Where an admin's password gets guessed.",
            f"    location = /api/{service.name}/admin/login/ " + "{",
            "        limit_req zone=credentials burst=10 nodelay;",
            "        limit_req_status 429;",
            f"        proxy_pass http://{service.name};",
            "    }",
            "}",
            "",
            f"location /api/{service.name}/static/ " + "{",
            f"    proxy_pass http://{service.name};",
            "}",
        ]
    lines += ["", "location / {", "    return 404;", "}"]
    return "\n".join(lines) + "\n"


def docs_services(services: list[Service]) -> str:
    urls = "".join(
        '    { name: "' + s.name + '", url: "/api/' + s.name + '/swagger.json" },\n'
        for s in services
    )
    return (
        "// Every service's OpenAPI document, in one Swagger UI with a service picker.\n"
        "// Written by `make processes` from the services there are.\n"
        "window.ui = SwaggerUIBundle({\n"
        f"  urls: [\n{urls}  ],\n"
        f'  "urls.primaryName": "{services[0].name}",\n'
        '  dom_id: "#swagger-ui",\n'
        "  deepLinking: true,\n"
        "  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],\n"
        '  layout: "StandaloneLayout",\n'
        "});\n"
    )


# Writing


class _Dumper(yaml.SafeDumper):
    """YAML as people write it: blocks, lists indented under their key, a short list of words
    (a command) on one line, and no anchors but for a service's environment."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)

    def ignore_aliases(self, data: Any) -> bool:
        return not (isinstance(data, dict) and "DJANGO_SECRET_KEY" in data)

    def represent_list(self, data: list[Any]) -> yaml.Node:
        words = all(isinstance(item, str | int) for item in data)
        return self.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=words)


_Dumper.add_representer(list, _Dumper.represent_list)


class _Literal(str):
    """Text kept as written, in a literal block: a file a container reads."""


class _Lines(list):
    """A list of words, one to a line, however short: one that grows with the services."""


_Dumper.add_representer(
    _Lines, lambda dumper, items: dumper.represent_sequence("tag:yaml.org,2002:seq", items)
)


_Dumper.add_representer(
    _Literal, lambda dumper, text: dumper.represent_scalar("tag:yaml.org,2002:str", text, style="|")
)


def _comment(lines: list[str]) -> str:
    wrapped: list[str] = []
    for line in lines:
        words, current = line.split(), ""
        for word in words:
            if current and len(current) + len(word) + 1 > 88:
                wrapped.append(current)
                current = word
            else:
                current = f"{current} {word}".strip()
        wrapped.append(current)
    return "".join(f"# {line}\n" for line in wrapped)


def _documents(documents: list[tuple[str, dict[str, Any]]]) -> str:
    return "---\n".join(
        (_comment([comment]) if comment else "")
        + yaml.dump(document, Dumper=_Dumper, sort_keys=False, width=100)
        for comment, document in documents
    )


def expected_files() -> dict[Path, str]:
    """Every file this writes, as it should read."""
    files = {folder / "service.toml": manifest_text(folder) for folder in service_folders()}
    # The manifests as they are about to be, so that what follows agrees with them.
    services = [
        Service(s.name, processes_of(s.folder), s.own_variables)
        for s in (read_service(folder) for folder in service_folders())
    ]
    files[PROJECT_DIR / "Procfile.dev"] = procfile(services)
    gateway = PROJECT_DIR / "gateway"
    files[gateway / "templates" / "upstreams.conf.template"] = gateway_upstreams(services)
    files[gateway / "templates" / "routes.locations.template"] = gateway_routes(services)
    files[gateway / "templates" / "operator.locations.template"] = gateway_operator_routes(services)
    files[gateway / "public" / "docs" / "services.js"] = docs_services(services)
    files[gateway / "public" / "registry.ssi"] = gateway_registry(services)
    if OBSERVABILITY_STACK.exists():
        observability = OBSERVABILITY_STACK.parent
        files[observability / "prometheus-compose.yml"] = compose_prometheus(services)
        if (observability / "kustomization.yaml").exists():
            files[observability / "prometheus-kubernetes.yml"] = kubernetes_prometheus()
    for service in services:
        files[service.folder / "compose.yaml"] = compose(service)
        if (PROJECT_DIR / "deploy" / "k8s").is_dir():
            k8s = service.folder / "k8s"
            files[k8s / "kustomization.yaml"] = kustomization(service)
            files[k8s / "workloads.yaml"] = workloads(service)
            files[k8s / "database.yaml"] = database(service)
    return files


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="change nothing; fail if stale")
    arguments = parser.parse_args()
    expected = expected_files()
    stale = {
        path: text
        for path, text in expected.items()
        if not path.exists() or path.read_text() != text
    }
    if arguments.check:
        for path in stale:
            print(f"{path.relative_to(PROJECT_DIR)} is out of date: run `make processes`.")
        return 1 if stale else 0
    for path, text in stale.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        print(f"wrote {path.relative_to(PROJECT_DIR)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
