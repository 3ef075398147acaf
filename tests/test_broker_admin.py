"""`make provision` administers RabbitMQ with rabbitmqctl on a developer's machine, and over the
management API where there is none (CI's service containers, RABBITMQ_ADMIN_URL): both give the
project its virtual host, user and permissions, and take them away again."""

from __future__ import annotations

import subprocess
import time
import urllib.request
from pathlib import Path

import pika
import pytest
from dotenv import dotenv_values

from tests.conftest import TEMPLATE_DIR, bake, project_libraries, run, unique_name
from tests.native import leftovers

API = "http://127.0.0.1:15672"
PLUGIN = "rabbitmq_management"


def plugin_enabled() -> bool:
    listed = run(["rabbitmq-plugins", "list", "--enabled", "--minimal", "--quiet"], cwd=TEMPLATE_DIR)
    return PLUGIN in listed.stdout.split()


def api_answers() -> bool:
    try:
        urllib.request.urlopen(f"{API}/api/overview", timeout=2).close()
    except urllib.error.HTTPError as refused:  # 401: it answers, and asks who is there
        return refused.code == 401
    except OSError:
        return False
    return True


@pytest.fixture(scope="module")
def management_api():
    """The broker's management API, on loopback only; disabled again afterwards if it was."""
    was_enabled = plugin_enabled()
    if not was_enabled:
        listener = '[{ip, "127.0.0.1"}, {port, 15672}]'
        run(["rabbitmqctl", "eval", f"application:set_env({PLUGIN}, tcp_config, {listener})."], cwd=TEMPLATE_DIR)
        run(["rabbitmq-plugins", "enable", "--quiet", PLUGIN], cwd=TEMPLATE_DIR)
    try:
        deadline = time.monotonic() + 30
        while not api_answers():
            assert time.monotonic() < deadline, "the management API did not start"
            time.sleep(0.5)
        yield f"http://guest:guest@{API.removeprefix('http://')}"
    finally:
        if not was_enabled:
            run(["rabbitmq-plugins", "disable", "--quiet", PLUGIN], cwd=TEMPLATE_DIR)


def provision(project: Path, admin_url: str, *arguments: str) -> subprocess.CompletedProcess[str]:
    return run(
        ["python", "-m", "scripts.provision", *arguments],
        cwd=project,
        env={**project_libraries(project), "RABBITMQ_ADMIN_URL": admin_url},
        check=False,
    )


def permissions(vhost: str) -> list[str]:
    """Who may do what in `vhost`, but for the administrator (the API grants its caller the
    virtual hosts it makes)."""
    listed = run(
        ["rabbitmqctl", "--quiet", "list_permissions", "--vhost", vhost, "--no-table-headers"], cwd=TEMPLATE_DIR
    )
    return [line for line in listed.stdout.splitlines() if not line.startswith("guest\t")]


@pytest.mark.xdist_group("management-api")
def test_provisioning_over_the_management_api(tmp_path, cookiecutter_config, management_api):
    slug = unique_name()
    project = bake(tmp_path, cookiecutter_config, project_slug=slug, services="ab", auth_provider="keycloak")
    try:
        provisioned = provision(project, management_api)
        assert provisioned.returncode == 0, provisioned.stderr
        assert permissions(slug) == [f"{slug}\t.*\t.*\t.*"]
        # The service's own settings reach the virtual host with the user made for it.
        broker_url = dotenv_values(project / "services/ab/.env")["BROKER_URL"]
        pika.BlockingConnection(pika.URLParameters(broker_url)).close()

        again = provision(project, management_api)  # the same, once more: nothing changes
        assert again.returncode == 0, again.stderr
        assert permissions(slug) == [f"{slug}\t.*\t.*\t.*"]

        refused = provision(project, management_api.replace("guest:guest", "guest:wrong"))
        assert refused.returncode == 1
        assert f"error: RabbitMQ's management API at {API}/api: HTTP Error 401" in refused.stderr
    finally:
        torn_down = provision(project, management_api, "--teardown")

    assert torn_down.returncode == 0, torn_down.stderr
    assert leftovers(slug) == []
