"""What native runs share: the project's settings, its services, and the local servers.

Each ``require_*`` answers a missing server with one line saying what is
missing and how to start it.

    python -m scripts.native             # check every server (make dev does, before starting)
    python -m scripts.native --start     # run every process of Procfile.dev (make dev)
    python -m scripts.native --announce  # once every service is ready, seed and say where (make dev)
    python -m scripts.native --compose   # say where everything is in Compose (make run)
"""

from __future__ import annotations

import http.client
import io
import json
import os
import re
import shutil
import signal
import socket
import sys
import threading
import time
import urllib.request
from collections.abc import Mapping
from typing import TextIO
from urllib.parse import urlsplit

import psycopg
import redis
from dotenv import dotenv_values

from scripts.machine import find
from scripts.project import (
    PROJECT_DIR,
    RUN_LOG,
    has_frontend,
    identity_issues_tokens,
    services,
)

# Each native process's temporary directory (TMPDIR): the project's own.
SCRATCH_DIR = PROJECT_DIR / ".run" / "tmp"


class MissingServer(Exception):
    """A server native runs need is not there; the message says how to get it."""


def own_temporary_directory() -> dict[str, str]:
    """The environment that gives a native process the project's temporary directory. What the
    processes keep there (Celery beat's schedule, heartbeats) is this project's: in /tmp, a
    service of the same name in another project on this machine would share it, and two beats
    would write one schedule."""
    SCRATCH_DIR.mkdir(parents=True, exist_ok=True)
    return {"TMPDIR": str(SCRATCH_DIR)}


def project_env() -> dict[str, str]:
    """`.env`, with the real environment winning, as for Compose."""
    env_file = PROJECT_DIR / ".env"
    if not env_file.is_file():
        raise MissingServer(
            "there is no .env: run `make setup` (or python -m scripts.create_env) first."
        )
    return {**dotenv_values(env_file), **os.environ}


def postgres(admin_url: str) -> psycopg.Connection:
    try:
        return psycopg.connect(admin_url, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as error:
        raise MissingServer(
            f"PostgreSQL is not answering at {_where(admin_url)} (POSTGRES_ADMIN_URL in .env): start it, "
            "e.g. `pg_ctlcluster <version> main start` or `brew services start postgresql`."
        ) from error


def require_rabbitmq(address: str) -> str:
    """The path of rabbitmqctl, once the broker answers at `address` (host:port)."""
    host, _, port = address.rpartition(":")
    try:
        socket.create_connection((host, int(port)), timeout=3).close()
    except OSError as error:
        raise MissingServer(
            f"RabbitMQ is not answering at {address} (LOCAL_RABBITMQ in .env): start it, "
            "e.g. `rabbitmq-server -detached` or `brew services start rabbitmq`."
        ) from error
    rabbitmqctl = find("rabbitmqctl")
    if rabbitmqctl is None:
        raise MissingServer(
            "rabbitmqctl is not on the PATH: it comes with RabbitMQ's server package."
        )
    return rabbitmqctl


def require_redis(url: str) -> None:
    try:
        redis.Redis.from_url(url, socket_connect_timeout=3).ping()
    except redis.RedisError as error:
        raise MissingServer(
            f"Redis is not answering at {_where(url)} (LOCAL_REDIS_URL in .env): start it, "
            "e.g. `redis-server --daemonize yes` or `brew services start redis`."
        ) from error


def require_nginx() -> str:
    """The path of the nginx binary."""
    nginx = find("nginx")
    if nginx is None:
        raise MissingServer(
            "nginx is not installed: `apt-get install nginx` or `brew install nginx`."
        )
    return nginx


def _where(url: str) -> str:
    return urlsplit(url).netloc.rpartition("@")[2]


def check_servers(env: dict[str, str]) -> int:
    checks = [
        lambda: postgres(env["POSTGRES_ADMIN_URL"]).close(),
        lambda: require_rabbitmq(env["LOCAL_RABBITMQ"]),
        lambda: require_redis(env["LOCAL_REDIS_URL"]),
        require_nginx,
    ]
    missing = []
    for check in checks:
        try:
            check()
        except MissingServer as error:
            missing.append(error)
    for error in missing:
        print(f"error: {error}", file=sys.stderr)
    return 1 if missing else 0


def not_ready(gateway: str) -> list[str]:
    """The services the gateway's registry does not report ready (all of them while it is down)."""
    try:
        with urllib.request.urlopen(f"{gateway}/registry", timeout=3) as response:  # noqa: S310 - our own gateway
            registry = json.load(response)
    except (OSError, ValueError, http.client.HTTPException):  # down, starting or stopping
        return services()
    return [
        entry["name"] for entry in registry["services"] if entry["health"].get("status") != "ready"
    ]


def accounts(env: dict[str, str]) -> list[tuple[str, str, str]]:
    """Who a person signs in as: (role, e-mail, password)."""
    domain = env["DEFAULT_FROM_EMAIL"].partition("@")[2]
    if identity_issues_tokens():
        return [
            ("Staff", env["IDENTITY_STAFF_EMAIL"], env["IDENTITY_STAFF_PASSWORD"]),
            ("Customer", env["DEMO_CUSTOMER_EMAIL"], env["DEMO_CUSTOMER_PASSWORD"]),
        ]
    password = env["KEYCLOAK_DEMO_PASSWORD"]  # Keycloak's realm has these two (deploy/keycloak)
    return [("Staff", f"staff@{domain}", password), ("Customer", f"demo@{domain}", password)]


def banner(
    env: dict[str, str],
    gateway: str,
    mail: str,
    rabbitmq_ui: str | None,
    registry: Mapping[str, str],
    alerts: str | None = None,
    dashboards: str | None = None,
) -> str:
    """What a person needs next: where things are, and whom to sign in as. Where traces and
    metrics are is what the gateway's `registry` lines say (its environment)."""
    front = "Shop" if has_frontend() else "Gateway"
    lines = [
        (front, f"{gateway}/"),
        ("API docs", f"{gateway}/docs/"),
        ("Registry", f"{gateway}/registry"),
        ("Metrics", registry["GATEWAY_REGISTRY_METRICS"]),
        *([("Dashboard", dashboards)] if dashboards else []),
        *([("Alerts", alerts)] if alerts else []),
        ("Traces", registry["GATEWAY_REGISTRY_TRACES"]),
        ("Mail", mail),
    ]
    if rabbitmq_ui:
        lines.append(("RabbitMQ", rabbitmq_ui))
    lines += [(role, f"{email}  password {password}") for role, email, password in accounts(env)]
    return "\n".join(f"  {name:<9} {value}" for name, value in lines)


def native_registry(environment: Mapping[str, str | None]) -> dict[str, str]:
    """The gateway's registry lines in a native run: what the environment says, else where the
    run's processes send their traces and metrics."""
    return {
        "GATEWAY_REGISTRY_TRACES": environment.get("GATEWAY_REGISTRY_TRACES")
        or native_traces(environment),
        "GATEWAY_REGISTRY_METRICS": environment.get("GATEWAY_REGISTRY_METRICS")
        or native_metrics(environment),
    }


def compose_registry() -> dict[str, str]:
    """The gateway's registry lines in Compose, as docker-compose.yml gives them."""
    import yaml  # here, not at the top: only `make run`'s banner reads Compose's file

    compose = yaml.safe_load((PROJECT_DIR / "docker-compose.yml").read_text())
    gateway = compose["services"]["gateway"]["environment"]
    return {name: gateway[name] for name in ("GATEWAY_REGISTRY_TRACES", "GATEWAY_REGISTRY_METRICS")}


def native_traces(environment: Mapping[str, str | None]) -> str:
    """Where a native run's traces go, as its processes decide."""
    # Here, not at the top: only the banner asks, and the gateway's tools import this module
    # where the chassis is not on the path.
    from chassis.tracing import destinations

    to_the_endpoint, to_the_log = destinations(environment)
    where = [f"OTLP to {environment['OTEL_EXPORTER_OTLP_ENDPOINT']}"] if to_the_endpoint else []
    if to_the_log:
        where.append("in the log: make trace ID=(a response's X-Request-ID)")
    return "; ".join(where) or (
        "off: set OTEL_EXPORTER_OTLP_ENDPOINT, or OTEL_TRACES_EXPORTER=console for make trace"
    )


def native_metrics(environment: Mapping[str, str | None]) -> str:
    """Where a native run's metrics are seen: its Prometheus, where this machine has one."""
    if shutil.which("prometheus"):
        return f"Prometheus, http://127.0.0.1:{environment['PROMETHEUS_PORT']}/ (it scrapes every process)"
    return "each service's /metrics, at its own address (the registry lists them)"


def stack_uis() -> dict[str, str]:
    """Where this machine reaches each UI of the observability stack, by its container: none
    where the project has no stack."""
    # Here, not at the top: every native process imports this module, and none of them needs it.
    import yaml

    from scripts.processes import OBSERVABILITY_STACK

    if not OBSERVABILITY_STACK.exists():
        return {}
    uis = {}
    for name, container in yaml.safe_load(OBSERVABILITY_STACK.read_text())["services"].items():
        for port in container.get("ports", []):
            host, published, _ = port.split(":")
            uis[name] = f"http://{'localhost' if host == '127.0.0.1' else host}:{published}"
    return uis


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - this machine's own server
            return True
    except OSError:
        return False


def stop_requested() -> threading.Event:
    """Set once this process is asked to stop (Ctrl-C, or SIGTERM from honcho): what a process
    of a native run that only waits waits on."""
    stopping = threading.Event()
    for stop in (signal.SIGINT, signal.SIGTERM):
        signal.signal(stop, lambda *_: stopping.set())
    return stopping


def announce(env: dict[str, str], timeout: float = 120) -> int:
    """Once every service is ready: seed demo data as SEED says, then say where everything is;
    then stay until stopped."""
    stopping = stop_requested()
    gateway = f"http://127.0.0.1:{env['GATEWAY_PORT']}"
    deadline = time.monotonic() + timeout
    while (waiting := not_ready(gateway)) and time.monotonic() < deadline:
        if stopping.wait(0.5):
            return 0
    if waiting:
        print(
            f"Not ready after {timeout:.0f} s: {', '.join(waiting)}. See their logs above.",
            flush=True,
        )
    else:
        if (seeding := env.get("SEED", "no")) != "no":
            import httpx

            from scripts.seed import Seeding, seed  # which talks to what this waited for

            try:
                print("\n".join(seed(env, if_empty=seeding == "if-empty")), flush=True)
            except (Seeding, httpx.HTTPError) as error:
                if stopping.is_set():  # the system went away under it: nothing to say
                    return 0
                print(f"Demo data not seeded: {error}", flush=True)
        management = f"http://{env['LOCAL_RABBITMQ'].rpartition(':')[0]}:15672/"
        rabbitmq = f"amqp://{env['LOCAL_RABBITMQ']}/{env['RABBITMQ_USER']}" + (
            f", management UI {management}" if answers(management) else ""
        )
        mail = f"{PROJECT_DIR / '.run' / 'mail'} (a Maildir: the mail catcher keeps every message)"
        prometheus = f"http://127.0.0.1:{env['PROMETHEUS_PORT']}"
        alerts = f"Prometheus, {prometheus}/alerts" if answers(f"{prometheus}/-/ready") else None
        print(
            "Every service is ready.\n"
            + banner(env, gateway, mail, rabbitmq, native_registry(env), alerts=alerts)
            + "\nCtrl-C stops everything.",
            flush=True,
        )
    stopping.wait()
    return 0


def start(env: dict[str, str]) -> int:
    """honcho on Procfile.dev, giving each process the time to stop that Compose gives it.

    honcho kills what still runs 5 s after asking it to stop, a figure fixed in its code; a
    worker finishing a task, or twenty processes stopping at once on two busy cores, may take
    longer, and would be killed mid-stop.
    """
    import honcho.command
    import honcho.manager

    from scripts.processes import NATIVE_STOP_SECONDS
    from scripts.prometheus import TARGETS_DIR

    honcho.manager.KILL_WAIT = NATIVE_STOP_SECONDS
    # Where the processes that answer no HTTP say which port their metrics took; a killed
    # run's are stale.
    shutil.rmtree(TARGETS_DIR, ignore_errors=True)
    TARGETS_DIR.mkdir(parents=True)
    os.environ["METRICS_TARGETS_DIR"] = str(TARGETS_DIR)
    os.environ.update(own_temporary_directory())
    # The gateway's registry says where traces and metrics are, as the banner does.
    os.environ.update(native_registry(env))
    RUN_LOG.parent.mkdir(parents=True, exist_ok=True)
    terminal = sys.stdout
    # honcho prints every process's lines to sys.stdout: the run's log gets them too.
    with RUN_LOG.open("w") as log:
        sys.stdout = Kept(terminal, log)
        try:
            honcho.command.main(["start", "--procfile", str(PROJECT_DIR / "Procfile.dev")])
        except SystemExit as stopped:  # how honcho ends, with its processes' status
            return stopped.code
        finally:
            sys.stdout = terminal
    return 0


class Kept(io.TextIOBase):
    """What is written to the terminal, kept in the run's log as well (without its colours)."""

    COLOURS = re.compile(r"\x1b\[[0-9;]*m")

    def __init__(self, terminal: TextIO, log: TextIO) -> None:
        self.terminal, self.log = terminal, log

    def write(self, text: str) -> int:
        self.log.write(self.COLOURS.sub("", text))
        return self.terminal.write(text)

    def flush(self) -> None:
        self.log.flush()
        self.terminal.flush()

    def isatty(self) -> bool:
        return self.terminal.isatty()

    @property
    def encoding(self) -> str:  # type: ignore[override] - the terminal's, as honcho asks
        return self.terminal.encoding


def main() -> int:
    try:
        env = project_env()
    except MissingServer as missing:
        print(f"error: {missing}", file=sys.stderr)
        return 1
    if "--start" in sys.argv[1:]:
        return start(env)
    if "--announce" in sys.argv[1:]:
        return announce(env)
    if "--compose" in sys.argv[1:]:
        # What `make run` says once Compose has every container healthy.
        gateway = f"http://localhost:{env.get('GATEWAY_PORT', '8080')}"
        mail, rabbitmq = "Mailpit, http://localhost:8025/", "http://localhost:15672/"
        stack = {}
        if uis := stack_uis():
            stack = {
                "dashboards": f"Grafana, {uis['grafana']}/",
                "alerts": f"Prometheus, {uis['prometheus']}/alerts",
            }
        print(banner(env, gateway, mail, rabbitmq, compose_registry(), **stack))
        return 0
    return check_servers(env)


if __name__ == "__main__":
    sys.exit(main())
