"""Finish the project the answers describe.

Cookiecutter cannot loop over folders, so every service is rendered from the
one skeleton shipped in `.service-skeleton/`: the `shell` every service shares,
then its bounded context (its own sample domain, or the plain example). What
a task queue the answers turned off would run goes. Then the skeleton goes,
the chosen licence becomes LICENSE, the project's own `make processes` writes
what runs each service, and `.env` is written with secrets that belong to this
project alone.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

from cookiecutter.generate import generate_files

ANSWERS = json.loads(r"""{{ cookiecutter | tojson }}""")
# What the answers imply (local_extensions.py works it out once, for every template).
FACTS = json.loads(r"""{{ project_facts(cookiecutter).as_dict() | tojson }}""")
SKELETON = Path(".service-skeleton")
OBSERVABILITY = Path("deploy/observability")
SERVICES_DIR = Path("services")
SYSTEM_TESTS = Path("tests/system")
KEYCLOAK_REALM = Path("deploy/keycloak")
LICENSES = Path(".licenses")
CHASSIS = Path("libs/chassis/src/chassis")
CHASSIS_TESTING = Path("libs/testing/src/chassis_testing")
FRONTEND = Path("frontend")


def service_names() -> list[str]:
    return FACTS["services"]


def runs(*kinds: str) -> bool:
    """Whether any service runs any of these kinds of process."""
    return any(kind in processes for processes in FACTS["processes"].values() for kind in kinds)


def sample_names() -> set[str]:
    """Services with a sample domain of their own; any other name gets the example."""
    return {path.name for path in (SKELETON / "context").iterdir()} - {"example"}


def name_the_plain_package(name: str) -> None:
    """A plain service's package, named as the service (imports and all)."""
    service = SERVICES_DIR / name
    placeholder = FACTS["plain_package"]
    (service / placeholder).rename(service / name)
    for path in service.rglob("*.py"):
        text = path.read_text()
        if placeholder in text:
            path.write_text(re.sub(rf"\b{placeholder}\b", name, text))


def render_service(name: str) -> None:
    # The skeleton needs none of the template's own Jinja extensions (nor could it load them).
    answers = {key: value for key, value in ANSWERS.items() if key != "_extensions"}
    context = {"cookiecutter": {**answers, "service": name}}
    context_kind = name if name in sample_names() else "example"
    for part, overwrite in ((SKELETON / "shell", False), (SKELETON / "context" / context_kind, True)):
        generate_files(
            repo_dir=part,
            context=context,
            output_dir=SERVICES_DIR,
            overwrite_if_exists=overwrite,
            accept_hooks=False,
        )
    if context_kind == "example":
        name_the_plain_package(name)


def remove_what_no_task_queue_runs(name: str) -> None:
    """The modules (and their tests) a task queue the answers turned off would have run."""
    service = SERVICES_DIR / name
    for path in FACTS["removed"][name]:
        (service / path).unlink()
    integration_tests = service / "tests" / "integration"
    if [path.name for path in integration_tests.glob("*")] == ["__init__.py"]:
        shutil.rmtree(integration_tests)


def remove_unused_chassis_modules() -> None:
    """What the chassis has for Celery or Django Q, where no service runs it."""
    if not runs("worker", "beat"):
        for path in (CHASSIS / "tasks.py", CHASSIS / "celery_app.py", CHASSIS_TESTING / "tasks.py"):
            path.unlink()
    if not runs("scheduler"):
        (CHASSIS / "schedules.py").unlink()
        (CHASSIS / "management" / "commands" / "scheduler_alive.py").unlink()


def remove_kubernetes_unless_chosen() -> None:
    if ANSWERS["use_kubernetes"] == "yes":
        return
    shutil.rmtree("deploy/k8s")
    for component in ("kustomization.yaml", "kubernetes.yaml"):
        (OBSERVABILITY / component).unlink(missing_ok=True)
    for path in (KEYCLOAK_REALM / "kustomization.yaml", KEYCLOAK_REALM / "keycloak.yaml"):
        path.unlink(missing_ok=True)
    Path("scripts/k8s_secrets.py").unlink()


def remove_observability_stack_unless_chosen() -> None:
    """The stack goes; the alert rules stay, for the native run's Prometheus and `make lint`."""
    if ANSWERS["observability"] == "yes":
        return
    for path in OBSERVABILITY.iterdir():
        if path.is_dir() and path.name != "prometheus":
            shutil.rmtree(path)
        elif path.is_file():
            path.unlink()


def remove_unused_ci_pipelines() -> None:
    if ANSWERS["ci_tool"] != "github":
        shutil.rmtree(".github")
    if ANSWERS["ci_tool"] != "gitlab":
        Path(".gitlab-ci.yml").unlink()


def remove_unused_system_tests() -> None:
    """Each sample service has its system tests, plain services share test_items.py, and what
    needs to sign in (the *_signed_in.py tests) needs the identity service: Keycloak cannot
    run where the tests do."""
    chosen = set(service_names())
    for sample in sample_names() - chosen:
        for path in SYSTEM_TESTS.glob(f"test_{sample}*.py"):
            path.unlink()
    if chosen <= sample_names():
        for path in SYSTEM_TESTS.glob("test_items*.py"):
            path.unlink()
    if ANSWERS["auth_provider"] != "identity":
        for path in SYSTEM_TESTS.glob("test_*_signed_in.py"):
            path.unlink()


def remove_frontend_unless_chosen() -> None:
    if ANSWERS["frontend"] == "react":
        if ANSWERS["auth_provider"] != "identity":
            # No identity service to ask for its document: its client stays as generated.
            (FRONTEND / "openapi" / "identity.json").unlink()
        return
    shutil.rmtree(FRONTEND)
    for path in (*SYSTEM_TESTS.glob("test_*frontend*.py"), SYSTEM_TESTS / "Dockerfile"):
        path.unlink(missing_ok=True)
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


def write_processes() -> None:
    """Each service's manifest, then Procfile.dev, Compose and Kubernetes from the manifests:
    the same command a developer runs (`make processes`) after changing what a service has."""
    subprocess.run([sys.executable, "-m", "scripts.processes"], check=True, stdout=subprocess.DEVNULL)


def write_event_catalog() -> None:
    """docs/asyncapi.json, from the event schemas and subscribers of the services just rendered."""
    subprocess.run([sys.executable, "-m", "scripts.asyncapi"], check=True)


def write_env_file() -> None:
    """The same script a teammate's fresh clone runs (`make setup`): one way to make secrets."""
    subprocess.run([sys.executable, "-m", "scripts.create_env"], check=True)


def main() -> None:
    for name in service_names():
        render_service(name)
        remove_what_no_task_queue_runs(name)
    remove_unused_chassis_modules()
    remove_unused_system_tests()
    remove_kubernetes_unless_chosen()
    remove_observability_stack_unless_chosen()
    remove_unused_ci_pipelines()
    remove_frontend_unless_chosen()
    remove_keycloak_realm_unless_chosen()
    remove_skeleton()
    choose_license()
    write_processes()
    write_event_catalog()
    write_env_file()


if __name__ == "__main__":
    main()
