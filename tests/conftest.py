"""Shared helpers of the template's test suite: baking projects and running their commands."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import compose
import pytest
from cookiecutter.main import cookiecutter

from tests.variants import VARIANTS, Variant

TEMPLATE_DIR = Path(__file__).resolve().parent.parent
COMPOSE = Path(compose.__file__).parent / "docker-compose"  # the Go binary: its wrapper drops the exit status
BIN_DIR = Path(sys.executable).parent


def unique_name(prefix: str = "t") -> str:
    """A name no other test run uses, valid as a slug, a database and a vhost name."""
    return f"{prefix}{secrets.token_hex(4)}"


def project_libraries(project: Path, *, for_tests: bool = False) -> dict[str, str]:
    """PYTHONPATH to the project's own libraries, as its virtualenv would have them: the chassis,
    and for its tests what tests share (which no image installs)."""
    libraries = ("chassis", "testing") if for_tests else ("chassis",)
    return {"PYTHONPATH": os.pathsep.join(str(project / "libs" / name / "src") for name in libraries)}


def subprocess_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    env = {**os.environ, **(extra or {})}
    # The machine disables bytecode caching; every Django process would then
    # compile Django anew. Baked projects are temporary: let them cache.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PATH"] = f"{BIN_DIR}{os.pathsep}{env['PATH']}"
    return env


def run(
    command: Sequence[str | Path],
    cwd: Path,
    *,
    env: Mapping[str, str] | None = None,
    check: bool = True,
    timeout: float = 600,
) -> subprocess.CompletedProcess[str]:
    """Run a command; on failure, fail the test with everything it printed."""
    result = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=subprocess_env(env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if check and result.returncode != 0:
        pytest.fail(
            f"{' '.join(map(str, command))} (in {cwd}) exited {result.returncode}\n"
            f"--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}",
            pytrace=False,
        )
    return result


@pytest.hookimpl(tryfirst=True)  # before xdist's own, which reads the groups
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test of one bake on the same worker, which bakes it once (Bakery) where each worker
    would bake every variant; and the slow tests first, longest first, so that the workers start
    on them and no long test is left running alone at the end."""
    for item in items:
        params = item.callspec.params.values() if hasattr(item, "callspec") else ()
        variant = next((param for param in params if isinstance(param, Variant)), None)
        if variant is not None and item.get_closest_marker("xdist_group") is None:
            item.add_marker(pytest.mark.xdist_group(f"bake-{variant.id}"))

    def expected_seconds(item: pytest.Item) -> float:
        slow = item.get_closest_marker("slow")
        return slow.kwargs["seconds"] if slow else 0

    items.sort(key=expected_seconds, reverse=True)


@pytest.fixture(scope="session")
def rabbitmq_vhost() -> Iterator[str]:
    """The URL of a RabbitMQ virtual host of this test run's own, deleted at the end."""
    vhost = unique_name("v")
    rabbitmqctl = ["rabbitmqctl", "--quiet"]
    run([*rabbitmqctl, "add_vhost", vhost], cwd=TEMPLATE_DIR)
    run([*rabbitmqctl, "set_permissions", "--vhost", vhost, "guest", ".*", ".*", ".*"], cwd=TEMPLATE_DIR)
    yield f"amqp://guest:guest@127.0.0.1:5672/{vhost}"
    run([*rabbitmqctl, "delete_vhost", vhost], cwd=TEMPLATE_DIR)


@pytest.fixture(scope="session")
def cookiecutter_config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Keep Cookiecutter's replay files out of the home directory."""
    home = tmp_path_factory.mktemp("cookiecutter-home")
    config = home / "config.yaml"
    config.write_text(json.dumps({"cookiecutters_dir": str(home / "templates"), "replay_dir": str(home / "replay")}))
    return config


def bake(output_dir: Path, config: Path, **answers: str) -> Path:
    """Generate a project with the default answers changed by `answers`."""
    return Path(
        cookiecutter(
            str(TEMPLATE_DIR),
            no_input=True,
            extra_context=answers,
            output_dir=str(output_dir),
            config_file=str(config),
        )
    )


class Bakery:
    """Bakes each variant once per test process, however many tests look at it (and the tests
    of a variant share one process: pytest_collection_modifyitems)."""

    def __init__(self, factory: pytest.TempPathFactory, config: Path) -> None:
        self._factory = factory
        self._config = config
        self._projects: dict[str, Path] = {}

    def project(self, variant: Variant) -> Path:
        if variant.id not in self._projects:
            output = self._factory.mktemp(f"bake-{variant.id}")
            self._projects[variant.id] = bake(output, self._config, **variant.answers)
        return self._projects[variant.id]


@pytest.fixture(scope="session")
def bakery(tmp_path_factory: pytest.TempPathFactory, cookiecutter_config: Path) -> Bakery:
    return Bakery(tmp_path_factory, cookiecutter_config)


@pytest.fixture(params=VARIANTS, ids=lambda variant: variant.id)
def variant(request: pytest.FixtureRequest) -> Variant:
    return request.param


@pytest.fixture
def baked(bakery: Bakery, variant: Variant) -> Path:
    return bakery.project(variant)


def services_of(project: Path) -> list[str]:
    return sorted(path.parent.name for path in (project / "services").glob("*/manage.py"))


def text_files(project: Path) -> Iterator[Path]:
    for path in sorted(project.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            try:
                path.read_text()
            except UnicodeDecodeError:
                continue
            yield path


NEEDS = """
import json
from scripts.processes import read_service, service_folders
print(json.dumps({f.name: [v.name for v in read_service(f).needs_set()] for f in service_folders()}))
"""


def needed_variables(project: Path) -> dict[str, list[str]]:
    """What each service of `project` says a runtime must set (its manifest and the chassis's
    chassis.environment), as the project's own tools read it."""
    return json.loads(run([sys.executable, "-c", NEEDS], cwd=project).stdout)
