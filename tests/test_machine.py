"""The README's commands set a fresh machine up: what they need and it lacks is installed with
apt-get where they may (here, as root), or they stop with the exact command to run.

nginx and Chromium are hidden from them (in a mount namespace of their own, /dev/null lies
over every file of either that the PATH or /usr/sbin would find), and apt-get is a stub,
first on the PATH, that records what it is asked for and "installs" it as a placeholder."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
from pathlib import Path

import pytest

from tests.conftest import TEMPLATE_DIR, bake

HIDDEN = ("nginx", "chromium")
STUB = """#!/bin/sh
echo "$@" >> "{log}"
case "$1" in install)
    for program in {hidden}; do
        case " $* " in *" $program "*) printf '#!/bin/sh\\n' > "{bin}/$program"; chmod +x "{bin}/$program";; esac
    done;;
esac
"""


def locations(program: str) -> list[str]:
    """Every file this machine would find `program` at."""
    folders = [*os.environ["PATH"].split(os.pathsep), "/usr/sbin", "/sbin"]
    return sorted({str((Path(folder) / program).resolve()) for folder in folders if (Path(folder) / program).is_file()})


def machine_steps(folder: Path, target: str) -> list[str]:
    """The commands of `make <target>` that prepare the machine, as make would run them (make -n
    still runs a recursive make, which may fail here: what it printed before is enough)."""
    shown = subprocess.run(["make", "-n", target], cwd=folder, capture_output=True, text=True, check=False).stdout
    return [line for line in shown.splitlines() if re.search(r"machine(\.py)?\b", line)]


class Machine:
    """This machine with `hidden` programs gone, and apt-get a stub unless it is hidden too."""

    def __init__(self, folder: Path, hidden: tuple[str, ...]) -> None:
        self.bin = folder / "bin"
        self.bin.mkdir()
        self.log = folder / "apt-get.log"
        self.hidden = hidden
        if "apt-get" not in hidden:
            stub = self.bin / "apt-get"
            stub.write_text(STUB.format(log=self.log, hidden=" ".join(HIDDEN), bin=self.bin))
            stub.chmod(0o755)

    def run(
        self, steps: list[str], cwd: Path, *, network: bool = True, then: tuple[str, ...] = ()
    ) -> subprocess.CompletedProcess[str]:
        """The Makefile's own lines, as make would run them, where the hidden programs are not;
        without `network`, in a network of their own where nothing answers; `then`, whatever
        the steps did."""
        covers = [
            f"mount --bind /dev/null {shlex.quote(path)}" for program in self.hidden for path in locations(program)
        ]
        if not network:
            # What a server started in there writes (a pid file, a log) stays in there.
            for inside, outside in (("/run", "run"), ("/var/log/redis", "log")):
                (self.bin.parent / outside).mkdir(exist_ok=True)
                covers.append(f"mount --bind {self.bin.parent / outside} {inside}")
            covers.append("ip link set lo up")
        env = {name: value for name, value in os.environ.items() if name != "CHROMIUM"}
        env["PATH"] = f"{self.bin}{os.pathsep}{env['PATH']}"
        script = " && ".join([*covers, *steps]) + "; status=$?; " + "".join(f"{line}; " for line in then)
        return subprocess.run(
            ["unshare", "--mount", *([] if network else ["--net"]), "sh", "-c", script + "exit $status"],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )

    def asked(self) -> list[str]:
        return self.log.read_text().splitlines() if self.log.exists() else []

    def installed(self, program: str) -> bool:
        return (self.bin / program).exists()


@pytest.fixture
def machine(tmp_path):
    if not all(locations(program) for program in HIDDEN):
        pytest.fail("this test hides nginx and Chromium: it needs them here to begin with")
    return lambda *hidden: Machine(tmp_path, hidden or HIDDEN)


@pytest.mark.parametrize(("target", "installed"), [("demo", ["nginx"]), ("test", ["nginx", "chromium"])])
def test_the_readme_commands_install_what_they_need(machine, target, installed):
    bare = machine()
    steps = machine_steps(TEMPLATE_DIR, target)
    assert steps, f"make {target} prepares nothing"

    done = bare.run(steps, TEMPLATE_DIR)

    assert done.returncode == 0, done.stderr
    update, install = bare.asked()
    assert update == "update -qq"
    assert install.startswith("install --yes --no-install-recommends")
    assert [package for package in HIDDEN if package in install.split()] == installed
    assert all(bare.installed(program) for program in installed)


def test_without_apt_get_they_say_exactly_what_to_run(machine):
    bare = machine(*HIDDEN, "apt-get")

    done = bare.run(machine_steps(TEMPLATE_DIR, "test"), TEMPLATE_DIR)

    assert done.returncode == 1
    assert (
        "nginx, chromium not installed: run `sudo apt-get update && sudo apt-get install --yes "
        "--no-install-recommends nginx chromium chromium-driver`"
    ) in done.stderr
    assert bare.asked() == []


def test_what_is_there_is_left_alone(machine):
    bare = machine("apt-get")

    done = bare.run(machine_steps(TEMPLATE_DIR, "test"), TEMPLATE_DIR)

    assert done.returncode == 0, done.stderr
    assert "Installing" not in done.stdout


def test_a_generated_projects_make_dev_installs_nginx(machine, tmp_path, cookiecutter_config):
    bare = machine()
    project = bake(tmp_path / "bake", cookiecutter_config)

    done = bare.run(machine_steps(project, "dev"), project)

    assert done.returncode == 0, done.stderr
    assert bare.asked()[1].split()[-2:] == ["nginx", "-qq"]
    assert bare.installed("nginx")


def test_servers_gone_are_started_or_named_with_how_to_get_them(machine):
    """In a network of its own nothing answers: Redis, installed, is started (and shut down
    again); PostgreSQL and RabbitMQ, hidden as if not installed, are named with their package."""
    bare = machine("pg_ctlcluster", "rabbitmq-server")

    done = bare.run(
        machine_steps(TEMPLATE_DIR, "test"),
        TEMPLATE_DIR,
        network=False,
        then=("redis-cli -p 6379 ping", "redis-cli -p 6379 shutdown nosave"),
    )

    assert done.returncode == 1
    assert "Starting Redis..." in done.stdout
    assert "PONG" in done.stdout  # it answered once started
    assert "PostgreSQL is not installed: `sudo apt-get install postgresql`" in done.stderr
    assert "RabbitMQ is not installed: `sudo apt-get install rabbitmq-server`" in done.stderr
    assert "Redis" not in done.stderr
