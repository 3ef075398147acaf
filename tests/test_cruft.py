"""Generated projects keep up with the template through cruft: a new project is up to
date, a change to the template reaches it cleanly, and a service added later is
rendered wherever the answers reach, keeps every secret of .env, and boots."""

from __future__ import annotations

import json
import shutil
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import TEMPLATE_DIR, project_libraries, run, unique_name
from tests.native import NativeRun, assign_free_ports, leftovers

SERVICES = "identity,catalog,orders,notifications"
NOT_THE_TEMPLATE = shutil.ignore_patterns(
    ".git", ".venv", "build", "node_modules", "__pycache__", ".pytest_cache", ".ruff_cache"
)


def git(*args: str, cwd: Path) -> None:
    run(["git", "-c", "user.name=Template Test", "-c", "user.email=test@example.com", *args], cwd=cwd)


@pytest.fixture
def template_repo(tmp_path: Path) -> Path:
    """The template as this working tree has it, committed to a repository of its own."""
    repo = tmp_path / "template"
    shutil.copytree(TEMPLATE_DIR, repo, ignore=NOT_THE_TEMPLATE)
    git("init", "--quiet", cwd=repo)
    git("add", "--all", cwd=repo)
    git("commit", "--quiet", "--message", "The template", cwd=repo)
    return repo


def cruft_create(template: Path, output: Path, config: Path, **answers: str) -> Path:
    output.mkdir()
    options = ["--no-input", "--config-file", config, "--output-dir", output, "--extra-context", json.dumps(answers)]
    run(["cruft", "create", *options, template], cwd=output)
    project = output / answers["project_slug"]
    git("init", "--quiet", cwd=project)
    git("add", "--all", cwd=project)
    git("commit", "--quiet", "--message", "Generated", cwd=project)
    return project


def cruft_check(project: Path) -> int:
    return run(["cruft", "check"], cwd=project, check=False).returncode


def rejects(project: Path) -> list[str]:
    return [str(path.relative_to(project)) for path in project.rglob("*.rej")]


def test_a_template_change_reaches_the_project_cleanly(tmp_path, template_repo, cookiecutter_config):
    project = cruft_create(template_repo, tmp_path / "out", cookiecutter_config, project_slug=unique_name())
    env_before = (project / ".env").read_text()
    assert cruft_check(project) == 0

    # A change every service gets from the skeleton, and one to the project's README.
    urls = (
        template_repo / "{{cookiecutter.project_slug}}/.service-skeleton/shell/{{cookiecutter.service}}/config/urls.py"
    )
    urls.write_text(urls.read_text() + "# Routes are listed in the order Django tries them.\n")
    readme = template_repo / "{{cookiecutter.project_slug}}/README.md"
    readme.write_text(readme.read_text() + "\nA line the template added later.\n")
    git("commit", "--quiet", "--all", "--message", "Explain the URL order", cwd=template_repo)

    assert cruft_check(project) != 0
    run(["cruft", "update", "--skip-apply-ask"], cwd=project)

    assert rejects(project) == []
    assert cruft_check(project) == 0
    assert (project / "README.md").read_text().endswith("A line the template added later.\n")
    for service in SERVICES.split(","):
        assert "in the order Django tries them" in (project / f"services/{service}/config/urls.py").read_text()
    assert (project / ".env").read_text() == env_before


@pytest.mark.slow(seconds=45)
@pytest.mark.xdist_group("cruft")
def test_a_service_added_later_is_everywhere_keeps_the_secrets_and_boots(tmp_path, template_repo, cookiecutter_config):
    slug = unique_name()
    project = cruft_create(template_repo, tmp_path / "out", cookiecutter_config, project_slug=slug)
    env_before = (project / ".env").read_text().splitlines()

    run(
        [
            "cruft",
            "update",
            "--skip-apply-ask",
            "--variables-to-update",
            json.dumps({"services": f"{SERVICES},inventory"}),
        ],
        cwd=project,
    )
    added = run(["python", "-m", "scripts.create_env"], cwd=project)

    assert rejects(project) == []
    assert (project / "services/inventory/manage.py").exists()
    assert "location /api/inventory/ {" in (project / "gateway/templates/routes.locations.template").read_text()
    assert "services/inventory/compose.yaml" in (project / "docker-compose.yml").read_text()
    assert "../../../services/inventory/k8s" in (project / "deploy/k8s/base/kustomization.yaml").read_text()
    assert "inventory-relay:" in (project / "Procfile.dev").read_text()
    # CI names no service: it finds them in services/ as it runs, so none is left out.
    assert not any(
        name in (project / ".github/workflows/ci.yml").read_text() for name in (*SERVICES.split(","), "inventory")
    )
    env_after = (project / ".env").read_text().splitlines()
    assert env_after[: len(env_before)] == env_before  # every secret it had, unchanged
    database = ", ".join(f"INVENTORY_DATABASE_{role}PASSWORD" for role in ("", "APP_", "ADMIN_"))
    servers = "INVENTORY_REDIS_PASSWORD, INVENTORY_BROKER_PASSWORD, INVENTORY_BROKER_PASSWORD_HASH"
    assert f"INVENTORY_SECRET_KEY, {database}, {servers}, INVENTORY_PORT" in added.stdout
    assert next(line for line in env_after if line.startswith("INVENTORY_SECRET_KEY=")) != "INVENTORY_SECRET_KEY="

    gateway = assign_free_ports(project)
    env = project_libraries(project)
    try:
        run(["python", "-m", "scripts.provision"], cwd=project, env=env)
        tests = run(
            ["python", "-m", "pytest", "-q"],
            cwd=project / "services/inventory",
            env=project_libraries(project, for_tests=True),
        )
        with NativeRun(["python", "-m", "scripts.native", "--start"], project, gateway, env) as system:
            system.wait_until_ready()
            with urllib.request.urlopen(f"{gateway}/registry", timeout=5) as response:
                registry = json.load(response)
    finally:
        run(["python", "-m", "scripts.provision", "--teardown"], cwd=project, env=env)

    assert " passed" in tests.stdout
    assert {entry["name"]: entry["health"]["status"] for entry in registry["services"]}["inventory"] == "ready"
    assert leftovers(slug) == []
