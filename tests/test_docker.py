"""Where a Docker engine is reachable, the default bake builds and runs with Docker Compose
(`make setup`, `make run`) and passes its system suite, then `make stop`.

These machines have no engine: the test then reports a skip with the reason. What
can be checked without one (Compose configuration, Dockerfiles) is checked by
test_bake.py for every variant.
"""

from __future__ import annotations

import docker
import pytest

from tests.conftest import bake, run, unique_name
from tests.native import assign_free_ports


@pytest.fixture
def docker_engine() -> docker.DockerClient:
    try:
        client = docker.from_env()
        client.ping()
    except docker.errors.DockerException as error:
        pytest.skip(f"no Docker engine reachable: {error}")
    return client


def test_default_bake_runs_under_compose(tmp_path, cookiecutter_config, docker_engine):
    project = bake(tmp_path, cookiecutter_config, project_slug=unique_name())
    gateway = assign_free_ports(project)
    try:
        run(["make", "setup"], cwd=project, timeout=1800)
        run(["make", "run"], cwd=project, timeout=600)
        result = run(["python", "-m", "pytest", "-q", "tests/system"], cwd=project, env={"GATEWAY_URL": gateway})
    finally:
        run(["make", "stop"], cwd=project, check=False)
        run(["docker", "compose", "down", "--volumes"], cwd=project, check=False)

    assert " passed" in result.stdout
