"""Running a baked project natively from the suite: free ports, the process tree, what it leaves behind."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import psycopg
import redis

from tests.conftest import TEMPLATE_DIR, services_of, subprocess_env

POSTGRES = "postgres://postgres@127.0.0.1:5432"
REDIS_URL = "redis://127.0.0.1:6379/0"
# What a native run says once it is ready (and seeded).
READY = "Every service is ready."
# What Celery beat says once it handles SIGTERM (no health endpoint tells): stopped before,
# it dies of the signal, which honcho reports as rc=-15.
BEAT_STARTED = "beat: Starting..."
# Longer than a native run waits before it kills what will not stop (scripts.processes).
STOP_SECONDS = 60
# honcho's line for each process that ended, with its status.
STOPPED = re.compile(r"\| (\S+) stopped \(rc=(-?\d+)\)")


# The system suite's schemathesis run over each service's OpenAPI document. The samples' code is
# the same in every bake: the default bake's boot (test_generated_project) checks their
# contracts, the other boots only those of services it alone has.
CONTRACTS = "test_every_answer_is_one_the_document_promises"


SAMPLES = frozenset(
    path.name for path in (TEMPLATE_DIR / "{{cookiecutter.project_slug}}/.service-skeleton/context").iterdir()
) - {"example"}  # the plain service's


def without_the_samples_contracts(project: Path) -> list[str]:
    """The pytest options that run the system suite but the contract tests of the samples."""
    own = [service for service in services_of(project) if service not in SAMPLES]
    return ["-k", " or ".join([f"not {CONTRACTS}", *own])]


# What every journey of the shop's load test does at least once (tests/load/locustfile.py).
SHOP_STEPS = ["GET catalog: a page", "POST sign up", "POST sign in", "POST orders: place", "GET orders: one"]


def assert_the_load_held(output: str, steps: list[str]) -> None:
    """A brief `make load` (scripts.load) held and lost nothing, and took each of `steps`."""
    assert "The system held: no failures, nothing lost." in output, output
    for line in ("outbox unsent      0", "queues in flight   0", "dead letters       0", "gateway 5xx        0"):
        assert f"\n  {line}\n" in output, output
    for step in steps:  # requests made, none failed
        assert re.search(rf"^\| {re.escape(step)} \| [\d.]+ \| [1-9]\d* \| 0 \|", output, re.MULTILINE), output


def free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def assign_free_ports(project: Path) -> str:
    """Give the gateway and every service a free port in the project's .env; the gateway's URL."""
    env_file = project / ".env"
    lines = env_file.read_text().splitlines()
    port_lines = [number for number, line in enumerate(lines) if re.match(r"[A-Z0-9_]+_PORT=", line)]
    for number, port in zip(port_lines, free_ports(len(port_lines)), strict=True):
        lines[number] = f"{lines[number].partition('=')[0]}={port}"
    env_file.write_text("\n".join(lines) + "\n")
    gateway_port = next(line for line in lines if line.startswith("GATEWAY_PORT=")).partition("=")[2]
    return f"http://127.0.0.1:{gateway_port}"


def not_ready(gateway: str) -> list[str] | None:
    """Services the registry does not report ready; ``None`` while the gateway does not answer."""
    try:
        with urllib.request.urlopen(f"{gateway}/registry", timeout=3) as response:
            registry = json.load(response)
    except (OSError, ValueError):
        return None
    return [entry["name"] for entry in registry["services"] if entry["health"].get("status") != "ready"]


class NativeRun:
    """A command that boots the system (`make dev`, or `scripts.native --start` alone) in its own
    process group."""

    def __init__(self, command: list[str], project: Path, gateway: str, env: dict[str, str] | None = None) -> None:
        self.command = command
        self.project = project
        self.gateway = gateway
        self.env = subprocess_env({"PYTHONUNBUFFERED": "1", **(env or {})})
        self.log = project / ".run" / "native.log"
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> NativeRun:
        self.log.parent.mkdir(exist_ok=True)
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                self.command,
                cwd=self.project,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    def wait_until_ready(self, timeout: float = 180, *, announced: bool = False) -> float:
        """Seconds until every service answered ready through the gateway (and, if `announced`,
        until the system said so, after seeding its demo data)."""
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if self.process.poll() is not None:
                raise AssertionError(f"the system exited early:\n{self.output()[-20000:]}")
            if not_ready(self.gateway) == [] and (not announced or READY in self.output()) and self.beats_started():
                return time.monotonic() - started
            time.sleep(0.5)
        raise AssertionError(f"not ready after {timeout} s ({not_ready(self.gateway)}):\n{self.output()[-20000:]}")

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def beats_started(self) -> bool:
        beats = re.findall(r"^(\S+-beat):", (self.project / "Procfile.dev").read_text(), re.MULTILINE)
        output = self.output()
        return all(re.search(rf"{re.escape(beat)}\.1 +\| .*{re.escape(BEAT_STARTED)}", output) for beat in beats)

    def __exit__(self, *exc_info: object) -> None:
        """Stop it as a person would (Ctrl-C), and check that every process went, by itself,
        cleanly (status 0) and within its grace (the run kills what still runs after it)."""
        os.killpg(self.process.pid, signal.SIGINT)
        try:
            self.process.wait(timeout=STOP_SECONDS)
            stopped = True
        except subprocess.TimeoutExpired:
            stopped = False
        # Any process of the project, in whatever group or session it ended up.
        survivors = processes_in(self.project.resolve())
        for pid, _ in survivors:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        if not stopped:
            self.process.wait(timeout=10)
        output = self.output()
        assert stopped, (
            f"{' '.join(self.command)} still ran {STOP_SECONDS} s after Ctrl-C, with {survivors}\n{output[-20000:]}"
        )
        assert survivors == [], f"processes left running after Ctrl-C: {survivors}\n{output[-20000:]}"
        killed = re.findall(r"sending SIGKILL to (\S+)", output)
        unclean = [f"{name} (rc={rc})" for name, rc in STOPPED.findall(output) if rc != "0"]
        assert (killed, unclean) == ([], []), f"killed {killed}, stopped uncleanly {unclean}\n{output[-20000:]}"


def processes_in(folder: Path) -> list[tuple[int, str]]:
    """The processes working in `folder` or below it, but for this one and its ancestors:
    (pid, command line)."""
    found = []
    ours = ancestry()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) in ours:
            continue
        try:
            cwd = (entry / "cwd").resolve(strict=True)
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:  # gone meanwhile, or not ours to read
            continue
        if cwd == folder or folder in cwd.parents:
            found.append((int(entry.name), command.strip()))
    return found


def ancestry() -> set[int]:
    """This process and its ancestors."""
    pids, pid = set(), os.getpid()
    while pid > 0:
        pids.add(pid)
        status = Path(f"/proc/{pid}/status").read_text()
        pid = int(re.search(r"^PPid:\s+(\d+)", status, re.MULTILINE).group(1))
    return pids


def redis_keys(prefix: str) -> list[str]:
    """The keys under `prefix` (``<prefix>:...``) in this machine's Redis."""
    with redis.Redis.from_url(REDIS_URL) as client:
        return [key.decode() for key in client.scan_iter(match=f"{prefix}:*", count=500)]


def forget_keys(keys: list[str]) -> None:
    if keys:
        with redis.Redis.from_url(REDIS_URL) as client:
            client.unlink(*keys)


def leftovers(slug: str) -> list[str]:
    """Databases, roles, RabbitMQ virtual hosts or users, and Redis keys or users still named after the
    project."""
    with psycopg.connect(f"{POSTGRES}/postgres") as connection:
        found = [
            f"database {row[0]}"
            for row in connection.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", [f"{slug}%"])
        ]
        found += [
            f"role {row[0]}"
            for row in connection.execute("SELECT rolname FROM pg_roles WHERE rolname LIKE %s", [f"{slug}%"])
        ]
    for kind in ("vhosts", "users"):
        listing = subprocess.run(
            ["rabbitmqctl", "--quiet", f"list_{kind}", "--no-table-headers"], capture_output=True, text=True, check=True
        )
        found += [f"rabbitmq {kind} {line}" for line in listing.stdout.splitlines() if line.startswith(slug)]
    found += [f"redis key {key}" for key in redis_keys(slug)]
    with redis.Redis.from_url(REDIS_URL) as client:
        users = [user.decode() for user in client.execute_command("ACL", "USERS")]
        found += [f"redis user {user}" for user in users if user.startswith(f"{slug}_")]
    return found
