"""Bakes boot natively (PostgreSQL, RabbitMQ, Redis and nginx on loopback), pass their own
system suite through the gateway, stop on Ctrl-C and leave nothing behind.

The default bake boots through its own Makefile in test_generated_project.py;
here, for speed, bakes run on the suite's virtualenv with the chassis on the path.
"""

from __future__ import annotations

import re
from mailbox import Maildir

import pytest

from tests.conftest import bake, project_libraries, run, unique_name
from tests.native import NativeRun, assign_free_ports, leftovers

BOOTED = {
    # Keycloak cannot run here: this bake's tokens cannot be had, its anonymous behaviour is checked.
    "one-custom-service": {"services": "inventory", "auth_provider": "keycloak"},
    "samples-and-custom": {"services": "identity,catalog,orders,notifications,inventory"},
}


@pytest.mark.parametrize("answers", BOOTED.values(), ids=BOOTED.keys())
def test_bake_boots_and_passes_its_system_suite(tmp_path, cookiecutter_config, answers):
    slug = unique_name()
    project = bake(tmp_path, cookiecutter_config, project_slug=slug, **answers)
    gateway = assign_free_ports(project)
    env = project_libraries(project)
    try:
        run(["python", "scripts/provision.py"], cwd=project, env=env)
        with NativeRun(["honcho", "start", "--procfile", "Procfile.dev"], project, gateway, env) as system:
            system.wait_until_ready()
            result = run(["python", "-m", "pytest", "-q", "tests/system"], cwd=project, env={"GATEWAY_URL": gateway})
    finally:
        run(["python", "scripts/provision.py", "--teardown"], cwd=project, env=env)

    assert " passed" in result.stdout
    assert " skipped" not in result.stdout
    assert leftovers(slug) == []
    if "notifications" in answers["services"]:
        assert_mail_was_caught(project)


def assert_mail_was_caught(project):
    """The system suite signed people up and had orders confirmed: the e-mail it caused
    reached the project's mail catcher, through a Celery worker and real SMTP."""
    caught = [
        (message["To"], message["Subject"], message.get_payload(decode=True).decode())
        for message in Maildir(project / ".run/mail")
    ]
    welcomes = [mail for mail in caught if mail[1].startswith("Welcome to ")]
    confirmations = [mail for mail in caught if mail[1] == "Your order is confirmed"]
    assert welcomes, caught
    assert all(body.startswith("Hello ") and to in body for to, _, body in welcomes)
    assert confirmations, caught
    assert all(re.search(r"your order [0-9a-f-]{36} of \d+\.\d\d EUR is confirmed", body) for *_, body in confirmations)
