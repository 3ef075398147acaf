"""Get this machine ready for a native run: the system packages a command needs, installed
when they can be, and the servers it talks to, started if they are installed but stopped.

    python -m scripts.machine nginx chromium      # what `make dev`, `make test`... need
    python -m scripts.machine --servers           # PostgreSQL, Redis and RabbitMQ up

A package is installed with apt-get (as root, or with sudo that asks for no password),
after one `apt-get update`, quietly unless it fails. Where that cannot be done, this stops
with the exact command to run. A server that is installed but not answering is started
with the command its Debian package provides; one that is not installed is named, with how
to get it. Only the standard library: it runs before any virtualenv exists.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Package:
    """A Debian package, and the program that says it is there; or, for a program Debian has
    no good version of, where to get it."""

    name: str
    program: str
    extra: tuple[str, ...] = ()
    elsewhere: str = ""
    # A variable that may name the program's path instead (CHROMIUM: another browser build).
    setting: str = ""

    def is_there(self) -> bool:
        named = os.environ.get(self.setting) if self.setting else None
        return Path(named).is_file() if named else find(self.program) is not None


PACKAGES = {
    package.name: package
    for package in (
        Package("nginx", "nginx"),
        # The browser the frontend's end-to-end tests drive (Playwright never downloads one).
        Package("chromium", "chromium", ("chromium-driver",), setting="CHROMIUM"),
        Package("wrk", "wrk"),
        Package("prometheus", "promtool"),
        # Debian's kubectl (1.20) is too old for kustomize's current syntax.
        Package(
            "kubectl",
            "kubectl",
            elsewhere="kubectl 1.27 or newer: https://kubernetes.io/docs/tasks/tools/",
        ),
        # Debian's Node.js is too old for Vite.
        Package("npm", "npm", elsewhere="Node.js 20.19 or newer, with npm: https://nodejs.org/"),
    )
}


@dataclass(frozen=True)
class Server:
    name: str
    port: int
    program: str
    start: tuple[str, ...]
    package: str
    # The setting that may say it lives elsewhere (CI's service containers): then it is not
    # this machine's to start.
    setting: str
    # Seconds to wait after starting it: RabbitMQ takes a few.
    patience: float = 30

    def is_elsewhere(self) -> bool:
        where = os.environ.get(self.setting, "")
        host = (urlsplit(where).hostname if "//" in where else where.rpartition(":")[0]) or ""
        return host not in ("", "127.0.0.1", "localhost", "::1")


def postgresql_start() -> tuple[str, ...]:
    versions = sorted(Path("/etc/postgresql").glob("*")) if Path("/etc/postgresql").is_dir() else []
    version = versions[-1].name if versions else "<version>"
    return ("pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start")


SERVERS = (
    Server(
        "PostgreSQL",
        5432,
        "pg_ctlcluster",
        postgresql_start(),
        "postgresql",
        "POSTGRES_ADMIN_URL",
    ),
    Server(
        "Redis",
        6379,
        "redis-server",
        (
            "redis-server",
            *("--daemonize", "yes", "--bind", "127.0.0.1", "-::1", "--port", "6379"),
            *("--save", "", "--appendonly", "no", "--dir", "/var/lib/redis"),
            *("--logfile", "/var/log/redis/native.log"),
        ),
        "redis-server",
        "LOCAL_REDIS_URL",
    ),
    Server(
        "RabbitMQ",
        5672,
        "rabbitmq-server",
        ("rabbitmq-server", "-detached"),
        "rabbitmq-server",
        "LOCAL_RABBITMQ",
        patience=90,
    ),
)


class NotReady(Exception):
    """The machine lacks something this cannot fix; the message says what to run."""


# Debian installs nginx and the servers' tools in /usr/sbin, which a user's PATH leaves out.
SYSTEM_DIRS = "/usr/sbin:/sbin"


def find(program: str) -> str | None:
    """Where the program is: on the PATH, or where Debian puts what root runs."""
    return shutil.which(program) or shutil.which(program, path=SYSTEM_DIRS)


def as_root() -> list[str] | None:
    """How to run a command as root here: directly, or with sudo that asks for nothing."""
    if os.geteuid() == 0:
        return []
    sudo = shutil.which("sudo")
    if sudo and subprocess.run([sudo, "-n", "true"], capture_output=True).returncode == 0:
        return [sudo, "-n"]
    return None


def install(names: list[str]) -> None:
    """The packages `names` lacks, installed; NotReady with the command if that cannot be."""
    absent = [PACKAGES[name] for name in names if not PACKAGES[name].is_there()]
    elsewhere = [package for package in absent if package.elsewhere]
    if elsewhere:
        raise NotReady("; ".join(f"{p.name} is missing: install {p.elsewhere}" for p in elsewhere))
    if not absent:
        return
    packages = [name for package in absent for name in (package.name, *package.extra)]
    command = ["apt-get", "install", "--yes", "--no-install-recommends", *packages]
    root, apt = as_root(), shutil.which("apt-get")
    if root is None or apt is None:
        raise NotReady(
            f"{', '.join(p.name for p in absent)} not installed: run `sudo apt-get update && "
            f"sudo {' '.join(command)}` (or your system's equivalent), then this again."
        )
    print(f"Installing {', '.join(packages)} (apt-get)...", flush=True)
    quiet = {"capture_output": True, "text": True}
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for step in ([apt, "update", "-qq"], [apt, *command[1:], "-qq"]):
        done = subprocess.run([*root, *step], env=env, check=False, **quiet)
        if done.returncode != 0:
            raise NotReady(
                f"`{' '.join(step)}` failed:\n{done.stdout}{done.stderr}\n"
                f"Install {', '.join(packages)} by hand, then run this again."
            )
    still = [p.program for p in absent if not p.is_there()]
    if still:
        raise NotReady(f"{', '.join(still)}: installed, yet not found on the PATH.")


def answers(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True


def start_servers() -> None:
    """Every server answering on its port, started where it is installed but stopped."""
    missing = []
    for server in SERVERS:
        if server.is_elsewhere() or answers(server.port):
            continue
        if find(server.program) is None:
            missing.append(
                f"{server.name} is not installed: `sudo apt-get install {server.package}` "
                f"(or your system's equivalent), and start it."
            )
            continue
        print(f"Starting {server.name}...", flush=True)
        root = as_root()
        started = subprocess.run(
            [*(root or []), *server.start], capture_output=True, text=True, check=False
        )
        deadline = time.monotonic() + server.patience
        while not answers(server.port) and time.monotonic() < deadline:
            time.sleep(0.5)
        if not answers(server.port):
            missing.append(
                f"{server.name} does not answer on 127.0.0.1:{server.port}: start it with "
                f"`{' '.join(server.start)}`{' (as root)' if root is None else ''}."
                + (f"\n{started.stderr.strip()}" if started.stderr.strip() else "")
            )
    if missing:
        raise NotReady("\n".join(missing))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("packages", nargs="*", metavar="PACKAGE", help=", ".join(sorted(PACKAGES)))
    parser.add_argument("--servers", action="store_true", help="PostgreSQL, Redis, RabbitMQ")
    arguments = parser.parse_args(argv)
    if unknown := sorted(set(arguments.packages) - PACKAGES.keys()):
        parser.error(f"unknown packages: {', '.join(unknown)}")
    try:
        install(arguments.packages)
        if arguments.servers:
            start_servers()
    except NotReady as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
