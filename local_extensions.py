"""What the answers imply, worked out once for every template: the services, what each runs.

Templates call ``project_facts(cookiecutter)``; the post-generation hook gets
the same facts rendered into it. A service's processes follow from what it
contains, by the rules of the generated project's own ``scripts/processes.py``
(which is read from here, so that the rules are written once): this applies
them to each sample's files, less those a task queue the answers turned off
would have run, which the hook then removes.
"""

from __future__ import annotations

import importlib.util
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from jinja2.ext import Extension

PROJECT_TEMPLATE = Path(__file__).resolve().parent / "{{cookiecutter.project_slug}}"
CONTEXTS = PROJECT_TEMPLATE / ".service-skeleton" / "context"
# The folder a context's files are rendered from.
SERVICE_FOLDER = "{{cookiecutter.service}}"
# The context of a service that is not a sample, and the name its package has there: an
# identifier, so that every file of it is Python; the hook names it after the service.
PLAIN = "example"
PLAIN_PACKAGE = "plain_service"

# What goes when the answers turn a task queue off: the modules it would run, and their tests.
TASK_QUEUE_FILES = {
    "use_celery": (
        "{package}/tasks.py",
        "tests/integration/test_tasks.py",
        "tests/integration/test_delivery.py",
    ),
    "use_django_q": ("{package}/schedules.py", "tests/integration/test_schedules.py"),
}


@dataclass(frozen=True)
class Facts:
    services: tuple[str, ...]
    # Per service: what it runs, and what of its context the hook removes.
    processes: dict[str, tuple[str, ...]]
    removed: dict[str, tuple[str, ...]]

    def runs(self, *kinds: str) -> bool:
        """Whether any service runs any of these kinds of process."""
        return any(kind in processes for processes in self.processes.values() for kind in kinds)

    def as_dict(self) -> dict[str, object]:
        return {
            "services": self.services,
            "processes": self.processes,
            "removed": self.removed,
            "plain_package": PLAIN_PACKAGE,
        }


def samples() -> set[str]:
    return {path.name for path in CONTEXTS.iterdir()} - {PLAIN}


@cache
def _processes_module():
    spec = importlib.util.spec_from_file_location(
        "project_processes", PROJECT_TEMPLATE / "scripts" / "processes.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look themselves up there
    spec.loader.exec_module(module)
    return module


def project_facts(cookiecutter: dict[str, object]) -> Facts:
    return _facts(
        str(cookiecutter["services"]),
        str(cookiecutter["use_celery"]),
        str(cookiecutter["use_django_q"]),
    )


@cache
def _facts(services_answer: str, use_celery: str, use_django_q: str) -> Facts:
    services = tuple(name.strip() for name in services_answer.split(",") if name.strip())
    answers = {"use_celery": use_celery, "use_django_q": use_django_q}
    processes, removed = {}, {}
    for service in services:
        context = service if service in samples() else PLAIN
        package = service if context != PLAIN else PLAIN_PACKAGE
        folder = CONTEXTS / context / SERVICE_FOLDER
        gone = tuple(
            path.format(package=package)
            for answer, paths in TASK_QUEUE_FILES.items()
            if answers[answer] == "no"
            for path in paths
            if (folder / path.format(package=package)).exists()
        )
        processes[service] = _processes_module().processes_of(folder, package, without=gone)
        removed[service] = tuple(path.replace(PLAIN_PACKAGE, service) for path in gone)
    return Facts(services, processes, removed)


class ProjectFacts(Extension):
    def __init__(self, environment) -> None:
        super().__init__(environment)
        environment.globals["project_facts"] = project_facts
