"""Representative bakes pass their own checks and test suites on real PostgreSQL and Redis.

The default bake's services, and the chassis, pass theirs through the project's own
`make test`, in test_generated_project."""

from __future__ import annotations

import secrets
from pathlib import Path

import psycopg
import pytest
from dotenv import dotenv_values

from tests.conftest import Bakery, project_libraries, run, unique_name
from tests.native import POSTGRES, REDIS_URL, forget_keys, redis_keys
from tests.variants import VARIANTS

SUITES = [
    pytest.param(variant, service, id=f"{variant.id}-{service}")
    for variant in VARIANTS
    if variant.run_service_suites
    for service in variant.services
]


def django_env(project: Path, database: str) -> dict[str, str]:
    """A service's environment for its tests: its own database on the local server, a throwaway
    key, and what tests share (chassis_testing) beside the chassis."""
    return {
        **project_libraries(project, for_tests=True),
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(48),
        "DATABASE_URL": f"{POSTGRES}/{database}",
        "REDIS_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": database,
    }


def databases_named_like(name: str) -> list[str]:
    with psycopg.connect(f"{POSTGRES}/postgres") as connection:
        rows = connection.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", [f"%{name}%"])
        return [row[0] for row in rows]


@pytest.mark.parametrize(("variant", "service"), SUITES)
def test_service_checks_and_tests_pass(bakery: Bakery, rabbitmq_vhost: str, variant, service):
    project = bakery.project(variant)
    database = unique_name()
    # The broker for the Celery workers and tasks that the suites of some services start, and
    # what identity needs to pass its deploy checks.
    identity = {name: value for name, value in dotenv_values(project / ".env").items() if name.startswith("IDENTITY_")}
    env = {**django_env(project, database), **identity, "BROKER_URL": rabbitmq_vhost}

    # What the project's make test and CI run, for this one service.
    try:
        result = run(["python", "-m", "scripts.checks", service], cwd=project, env=env)
    finally:
        # What the suite stored under the service's prefix (Celery's results, Django Q's
        # cluster, the read caches' generations) goes with it: scripts.checks deletes it, and
        # anything left is deleted here too, once seen.
        kept = redis_keys(database)
        forget_keys(kept)

    assert kept == [], "the suite left keys in Redis"
    assert " passed" in result.stdout
    assert " skipped" not in result.stdout
    assert databases_named_like(database) == [], "the test database was left behind"
