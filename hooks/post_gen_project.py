"""Finish the project the answers describe.

Cookiecutter cannot loop over folders, so every service is rendered from the
one skeleton shipped in `.service-skeleton/`: the `shell` every service shares
(its settings take a sample's own from `shell/templates/settings/`), then its
bounded context (its own sample domain, or the plain example). What
a task queue the answers turned off would run goes. Then the skeleton goes,
the chosen licence becomes LICENSE, and `.env` is written with secrets that
belong to this project alone.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from cookiecutter.generate import generate_files

ANSWERS = json.loads(r"""{{ cookiecutter | tojson }}""")
SKELETON = Path(".service-skeleton")
SERVICES_DIR = Path("services")
SYSTEM_TESTS = Path("tests/system")
KEYCLOAK_REALM = Path("deploy/keycloak")
LICENSES = Path(".licenses")
CHASSIS = Path("libs/chassis/src/chassis")
FRONTEND = Path("frontend")


def service_names() -> list[str]:
    return [name.strip() for name in ANSWERS["services"].split(",") if name.strip()]


def sample_names() -> set[str]:
    """Services with a sample domain of their own; any other name gets the example."""
    return {path.name for path in (SKELETON / "context").iterdir()} - {"example"}


def render_service(name: str) -> None:
    context = {"cookiecutter": {**ANSWERS, "service": name}}
    context_kind = name if name in sample_names() else "example"
    for part, overwrite in ((SKELETON / "shell", False), (SKELETON / "context" / context_kind, True)):
        generate_files(
            repo_dir=part,
            context=context,
            output_dir=SERVICES_DIR,
            overwrite_if_exists=overwrite,
            accept_hooks=False,
        )


def runs_celery(name: str) -> bool:
    return ANSWERS["use_celery"] == "yes" and name in ANSWERS["_celery_services"]


def remove_what_no_task_queue_runs(name: str) -> None:
    service = SERVICES_DIR / name
    unused = []
    if not runs_celery(name):
        unused.append("config/celery.py")
        if name in ANSWERS["_celery_services"]:
            unused += [f"{name}/tasks.py", "tests/integration/test_tasks.py", "tests/integration/test_delivery.py"]
    if name in ANSWERS["_django_q_services"] and ANSWERS["use_django_q"] == "no":
        unused.append(f"{name}/migrations/0002_schedule_expire_stale_orders.py")
    for path in unused:
        (service / path).unlink(missing_ok=True)
    integration_tests = service / "tests" / "integration"
    if [path.name for path in integration_tests.glob("*")] == ["__init__.py"]:
        shutil.rmtree(integration_tests)


def remove_unused_chassis_modules() -> None:
    if ANSWERS["use_celery"] == "no":
        (CHASSIS / "tasks.py").unlink()
    if ANSWERS["use_django_q"] == "no":
        (CHASSIS / "schedules.py").unlink()
        (CHASSIS / "management" / "commands" / "scheduler_alive.py").unlink()


def remove_kubernetes_unless_chosen() -> None:
    if ANSWERS["use_kubernetes"] == "yes":
        return
    shutil.rmtree("deploy/k8s")
    for service in service_names():
        shutil.rmtree(SERVICES_DIR / service / "k8s")
    for path in (KEYCLOAK_REALM / "kustomization.yaml", KEYCLOAK_REALM / "keycloak.yaml"):
        path.unlink(missing_ok=True)
    Path("scripts/k8s_secrets.py").unlink()


def remove_unused_ci_pipelines() -> None:
    if ANSWERS["ci_tool"] != "github":
        shutil.rmtree(".github")
    if ANSWERS["ci_tool"] != "gitlab":
        Path(".gitlab-ci.yml").unlink()


def remove_unused_system_tests() -> None:
    """Each sample service has its system tests; plain services share test_items.py."""
    chosen = set(service_names())
    for sample in sample_names() - chosen:
        (SYSTEM_TESTS / f"test_{sample}.py").unlink()
    if chosen <= sample_names():
        (SYSTEM_TESTS / "test_items.py").unlink()


def remove_frontend_unless_chosen() -> None:
    if ANSWERS["frontend"] == "react":
        if ANSWERS["auth_provider"] != "identity":
            # No identity service to ask for its document: its client stays as generated.
            (FRONTEND / "openapi" / "identity.json").unlink()
        return
    shutil.rmtree(FRONTEND)
    for path in (SYSTEM_TESTS / "test_frontend.py", SYSTEM_TESTS / "Dockerfile"):
        path.unlink()
    Path("scripts/api_client.py").unlink()


def remove_keycloak_realm_unless_chosen() -> None:
    if ANSWERS["auth_provider"] != "keycloak":
        shutil.rmtree(KEYCLOAK_REALM)
        if not any(KEYCLOAK_REALM.parent.iterdir()):
            KEYCLOAK_REALM.parent.rmdir()


def remove_skeleton() -> None:
    shutil.rmtree(SKELETON)


def choose_license() -> None:
    (LICENSES / ANSWERS["license"]).rename("LICENSE")
    shutil.rmtree(LICENSES)


def write_event_catalog() -> None:
    """docs/asyncapi.json, from the event schemas and subscribers of the services just rendered."""
    subprocess.run([sys.executable, "scripts/asyncapi.py"], check=True)


def write_env_file() -> None:
    """The same script a teammate's fresh clone runs (`make setup`): one way to make secrets."""
    subprocess.run([sys.executable, "scripts/create_env.py"], check=True)


def main() -> None:
    for name in service_names():
        render_service(name)
        remove_what_no_task_queue_runs(name)
    remove_unused_chassis_modules()
    remove_unused_system_tests()
    remove_kubernetes_unless_chosen()
    remove_unused_ci_pipelines()
    remove_frontend_unless_chosen()
    remove_keycloak_realm_unless_chosen()
    remove_skeleton()
    choose_license()
    write_event_catalog()
    write_env_file()


if __name__ == "__main__":
    main()
