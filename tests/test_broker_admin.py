"""`make provision` administers RabbitMQ with rabbitmqctl on a developer's machine, and over the
management API where there is none (CI's service containers, RABBITMQ_ADMIN_URL): both give the
project its virtual host, a user per service with rights to that service's own names and events
alone, and take them away again."""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pika
import pytest
from dotenv import dotenv_values

from tests.conftest import COMPOSE, TEMPLATE_DIR, bake, project_libraries, run, unique_name
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


def provision(project: Path, admin_url: str | None, *arguments: str) -> subprocess.CompletedProcess[str]:
    """Provision with the management API at `admin_url`, or with rabbitmqctl."""
    return run(
        ["python", "-m", "scripts.provision", *arguments],
        cwd=project,
        env={**project_libraries(project), **({"RABBITMQ_ADMIN_URL": admin_url} if admin_url else {})},
        check=False,
    )


def own_names(service: str) -> str:
    return rf"^({service}|{service}[.@].*|reply\.{service}\.pidbox|[0-9a-f-]+\.reply\.{service}\.pidbox)$"


def rights_of(slug: str, service: str) -> str:
    with_events = own_names(service).replace(")$", "|events)$")
    return f"{slug}.{service}\t{own_names(service)}\t{with_events}\t{with_events}"


CHASSIS_TESTS = r"^(test|bench)-[0-9a-f]+([.@].*)?$"


def topic_permissions(vhost: str) -> list[str]:
    listed = run(
        ["rabbitmqctl", "--quiet", "list_topic_permissions", "--vhost", vhost, "--no-table-headers"],
        cwd=TEMPLATE_DIR,
    )
    return sorted(listed.stdout.splitlines())


def permissions(vhost: str) -> list[str]:
    """Who may do what in `vhost`, but for the administrator (the API grants its caller the
    virtual hosts it makes)."""
    listed = run(
        ["rabbitmqctl", "--quiet", "list_permissions", "--vhost", vhost, "--no-table-headers"], cwd=TEMPLATE_DIR
    )
    return [line for line in listed.stdout.splitlines() if not line.startswith("guest\t")]


# Each administration's list of who is connected to a virtual host; the management API's
# statistics lag the broker by seconds.
CONNECTIONS = """
import shutil, sys, time
from scripts.provision import ManagementApi, Rabbitmqctl
vhost, api = sys.argv[1], ManagementApi(sys.argv[2])
deadline = time.monotonic() + 30
while not (over_api := api.connections(vhost)) and time.monotonic() < deadline:
    time.sleep(0.5)
print(*Rabbitmqctl(shutil.which("rabbitmqctl")).connections(vhost), *over_api)
"""


@pytest.mark.xdist_group("management-api")
def test_provisioning_over_the_management_api(tmp_path, cookiecutter_config, management_api):
    slug = unique_name()
    project = bake(tmp_path, cookiecutter_config, project_slug=slug, services="ab", auth_provider="keycloak")
    try:
        provisioned = provision(project, management_api)
        assert provisioned.returncode == 0, provisioned.stderr
        expected = [rights_of(slug, "ab"), f"{slug}.chassis\t{CHASSIS_TESTS}\t{CHASSIS_TESTS}\t{CHASSIS_TESTS}"]
        assert sorted(permissions(slug)) == expected
        assert topic_permissions(slug) == [f"{slug}.ab\tevents\t^ab\\.\t.*", f"{slug}.chassis\tevents\t.*\t.*"]
        # The service's own settings reach the virtual host with the user made for it; both ways
        # of administering see it connected (make soak counts each user's connections).
        broker_url = dotenv_values(project / "services/ab/.env")["BROKER_URL"]
        with pika.BlockingConnection(pika.URLParameters(broker_url)):
            seen = run(["python", "-c", CONNECTIONS, slug, management_api], cwd=project, env=project_libraries(project))
        assert seen.stdout.split() == [f"{slug}.ab", f"{slug}.ab"]

        again = provision(project, management_api)  # the same, once more: nothing changes
        assert again.returncode == 0, again.stderr
        assert sorted(permissions(slug)) == expected

        refused = provision(project, management_api.replace("guest:guest", "guest:wrong"))
        assert refused.returncode == 1
        assert f"error: RabbitMQ's management API at {API}/api: HTTP Error 401" in refused.stderr
    finally:
        torn_down = provision(project, management_api, "--teardown")

    assert torn_down.returncode == 0, torn_down.stderr
    assert leftovers(slug) == []


class Refused(AssertionError):
    pass


def refused(url: str, attempt) -> str:
    """What the broker says when `attempt(channel)`, on a channel of `url`'s user, is refused."""
    with pika.BlockingConnection(pika.URLParameters(url)) as amqp:
        channel = amqp.channel()
        channel.confirm_delivery()
        try:
            attempt(channel)
        except pika.exceptions.ChannelClosedByBroker as closed:
            return f"{closed.reply_code} {closed.reply_text}"
    raise Refused("the broker let it happen")


def test_each_service_uses_its_own_queues_and_publishes_its_own_events_alone(tmp_path, cookiecutter_config):
    slug = unique_name()
    project = bake(tmp_path, cookiecutter_config, project_slug=slug, services="ab,cd", auth_provider="keycloak")
    try:
        provisioned = provision(project, None)
        assert provisioned.returncode == 0, provisioned.stderr
        ab, cd = (dotenv_values(project / f"services/{name}/.env")["BROKER_URL"] for name in ("ab", "cd"))
        assert ab.startswith(f"amqp://{slug}.ab:")
        assert cd.startswith(f"amqp://{slug}.cd:")
        assert dotenv_values(project / "libs/chassis/.env")["BROKER_URL"].startswith(f"amqp://{slug}.chassis:")
        assert ab.split(":")[2] != cd.split(":")[2]  # passwords, each its own

        # cd does all it needs: its queues, bound to others' events, its Celery's names.
        with pika.BlockingConnection(pika.URLParameters(cd)) as amqp:
            channel = amqp.channel()
            channel.confirm_delivery()
            channel.exchange_declare("events", passive=True)  # declared by provisioning
            channel.queue_declare("cd", durable=True)
            channel.queue_bind("cd", "events", routing_key="ab.#")
            channel.basic_publish("events", "cd.item.created.v1", b"{}")
            channel.exchange_declare("cd.tasks", "direct", durable=True)
            channel.queue_declare("cd.tasks", durable=True)
            channel.queue_bind("cd.tasks", "cd.tasks", routing_key="cd.tasks")
            channel.exchange_declare("cd.pidbox", "fanout")
            channel.exchange_declare("reply.cd.pidbox", "direct")
            channel.queue_declare("cd@host.cd.pidbox", exclusive=True)
            channel.queue_declare(f"{'0' * 8}-1111-2222-3333-{'4' * 12}.reply.cd.pidbox", exclusive=True)
        # ab publishes its own events, which reach cd's queue.
        with pika.BlockingConnection(pika.URLParameters(ab)) as amqp:
            channel = amqp.channel()
            channel.confirm_delivery()
            channel.basic_publish("events", "ab.item.created.v1", b"{}")
        with pika.BlockingConnection(pika.URLParameters(cd)) as amqp:
            method, _, _ = amqp.channel().basic_get("cd", auto_ack=True)
            assert method is not None
            assert method.routing_key == "ab.item.created.v1"

        # ab can do nothing to cd's names nor in cd's name.
        attempts = {
            "publish cd's event": lambda c: c.basic_publish("events", "cd.item.created.v1", b"{}"),
            "publish to cd's queue directly": lambda c: c.basic_publish("", "cd", b"{}"),
            "consume cd's queue": lambda c: c.basic_get("cd"),
            "delete cd's queue": lambda c: c.queue_delete("cd"),
            "declare a queue of cd's": lambda c: c.queue_declare("cd.dead-letter", durable=True),
            "purge cd's task queue": lambda c: c.queue_purge("cd.tasks"),
            "bind cd's queue": lambda c: c.queue_bind("cd", "events", routing_key="#"),
            "command cd's workers": lambda c: c.basic_publish("cd.pidbox", "", b"{}"),
            "declare the shared exchange": lambda c: c.exchange_declare("events", "topic", durable=True),
            "delete the shared exchange": lambda c: c.exchange_delete("events"),
        }
        answers = {what: refused(ab, attempt) for what, attempt in attempts.items()}
        assert all(answer.startswith("403 ACCESS_REFUSED") for answer in answers.values()), answers
        assert (
            f"access to topic 'cd.item.created.v1' in exchange 'events' in vhost '{slug}'"
            in (answers["publish cd's event"])
        )
    finally:
        torn_down = provision(project, None, "--teardown")

    assert torn_down.returncode == 0, torn_down.stderr
    assert leftovers(slug) == []


def import_definitions(definitions: dict) -> None:
    """Load `definitions` into the broker as its boot does. rabbitmqctl reads the file as the
    broker's own user, which may not enter the suite's temporary folders (and in RabbitMQ 3.10
    it reads no standard input): a file of its own, readable, gone at once."""
    with tempfile.NamedTemporaryFile("w", suffix=".json") as file:
        json.dump(definitions, file)
        file.flush()
        os.chmod(file.name, 0o644)
        run(["rabbitmqctl", "--quiet", "import_definitions", file.name], cwd=TEMPLATE_DIR)


def test_the_users_compose_loads_sign_in_with_their_own_passwords_and_have_their_own_rights(
    tmp_path, cookiecutter_config
):
    """Compose's RabbitMQ loads its users at boot from definitions that carry hashes of .env's
    passwords. Loaded into this machine's RabbitMQ as the container loads them, each service
    signs in with its own password (the hash is RabbitMQ's own), publishes its own events, and
    is refused another's."""
    slug = unique_name()
    project = bake(tmp_path, cookiecutter_config, project_slug=slug, services="ab,cd", auth_provider="keycloak")
    env = dotenv_values(project / ".env")
    configuration = json.loads(run([COMPOSE, "config", "--format", "json"], cwd=project).stdout)
    loaded = [
        json.loads(configuration["configs"][mount["source"]]["content"].replace("$$", "$"))
        for mount in configuration["services"]["rabbitmq"]["configs"]
        if mount["target"].endswith(".json")
    ]
    users = [user["name"] for definitions in loaded for user in definitions["users"]]
    assert sorted(users) == sorted([env["RABBITMQ_USER"], f"{slug}.ab", f"{slug}.cd"])

    def url(user: str, password: str) -> str:
        return f"amqp://{quote(user, safe='')}:{quote(password, safe='')}@127.0.0.1:5672/{slug}"

    try:
        for definitions in loaded:
            import_definitions(definitions)
        ab, cd = (url(f"{slug}.{name}", env[f"{name.upper()}_BROKER_PASSWORD"]) for name in ("ab", "cd"))
        with pika.BlockingConnection(pika.URLParameters(cd)) as amqp:
            channel = amqp.channel()
            channel.queue_declare("cd", durable=True)
            channel.queue_bind("cd", "events", routing_key="ab.#")
        with pika.BlockingConnection(pika.URLParameters(ab)) as amqp:
            channel = amqp.channel()
            channel.confirm_delivery()
            channel.basic_publish("events", "ab.item.created.v1", b"{}")
        assert refused(ab, lambda c: c.basic_publish("events", "cd.item.created.v1", b"{}")).startswith(
            "403 ACCESS_REFUSED"
        )
        assert refused(ab, lambda c: c.queue_delete("cd")).startswith("403 ACCESS_REFUSED")
        with pytest.raises(pika.exceptions.ProbableAuthenticationError):  # another's password
            pika.BlockingConnection(pika.URLParameters(url(f"{slug}.ab", env["CD_BROKER_PASSWORD"])))
        pika.BlockingConnection(pika.URLParameters(url(env["RABBITMQ_USER"], env["RABBITMQ_PASSWORD"]))).close()
    finally:
        run(["rabbitmqctl", "--quiet", "delete_vhost", slug], cwd=project, check=False)
        for user in users:
            run(["rabbitmqctl", "--quiet", "delete_user", user], cwd=project, check=False)

    assert leftovers(slug) == []
