"""Every runtime's Redis gives each service a user of its own, confined to the service's keys, and
bounds its memory: Compose's and Kubernetes's Redis as they are configured (started here, on
loopback, from the very configuration each renders), and this machine's as `make provision`
makes the users (and `--teardown` removes them)."""

from __future__ import annotations

import base64
import json
import shlex
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import redis
import yaml
from dotenv import dotenv_values

from tests.conftest import COMPOSE, bake, project_libraries, run, unique_name
from tests.native import free_ports, leftovers

SERVICES = ("identity", "catalog", "orders", "notifications")
MAXMEMORY = 192 * 1024 * 1024


@pytest.fixture(scope="module")
def project(tmp_path_factory, cookiecutter_config) -> Path:
    return bake(tmp_path_factory.mktemp("redis-users"), cookiecutter_config, project_slug=unique_name())


@contextmanager
def redis_server(arguments: list[str], users: dict[str, str], folder: Path) -> Iterator[int]:
    """redis-server on a free loopback port with the runtime's `arguments` (its users' files,
    `users`, included from `folder` instead of where the container mounts them); its port."""
    folder.mkdir()
    for name, content in users.items():
        (folder / name).write_text(content)
    include = arguments.index("--include")
    arguments = [*arguments[:include], "--include", str(folder / "*.conf"), *arguments[include + 2 :]]
    (port,) = free_ports(1)
    process = subprocess.Popen(
        [*arguments, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(folder)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                redis.Redis(port=port, socket_connect_timeout=0.2).ping()
            except redis.AuthenticationError:
                break  # it answers, and asks who is there
            except redis.ConnectionError:
                assert process.poll() is None, process.stdout.read().decode()
                assert time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.1)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()


def on_port(url: str, port: int) -> str:
    """The URL with the host the container reaches Redis at replaced by this loopback port."""
    parts = urlsplit(url)
    return parts._replace(netloc=f"{parts.username}:{parts.password}@127.0.0.1:{port}").geturl()


def assert_confined(urls: dict[str, str], prefixes: dict[str, str], slug: str) -> None:
    """Each service logs in as <slug>_<service>, may write under its prefix, and touches nothing
    else: no other service's keys, no server-wide command."""
    for service, url in urls.items():
        other = prefixes[next(name for name in urls if name != service)]
        assert urlsplit(url).username == f"{slug}_{service}"
        with redis.Redis.from_url(url) as client:  # it may not even ask who it is (ACL WHOAMI)
            key = f"{prefixes[service]}:1:probe"
            assert client.set(key, b'"ok"', ex=5)
            client.delete(key)
            for denied in (("GET", f"{other}:1:probe"), ("SET", "unprefixed", "1"), ("FLUSHALL",), ("KEYS", "*")):
                with pytest.raises(redis.exceptions.NoPermissionError):
                    client.execute_command(*denied)


def assert_bounded(port: int, admin_password: str) -> None:
    with redis.Redis(port=port, password=admin_password) as admin:
        assert int(admin.config_get("maxmemory")["maxmemory"]) == MAXMEMORY
        assert admin.config_get("maxmemory-policy")["maxmemory-policy"] == "volatile-lru"


def test_compose_redis_has_a_confined_user_for_each_service_and_bounded_memory(project, tmp_path):
    config = json.loads(run([COMPOSE, "config", "--format", "json"], cwd=project).stdout)
    redis_service = config["services"]["redis"]
    mounted = {mount["source"]: Path(mount["target"]).name for mount in redis_service["configs"]}
    assert set(mounted) == {f"{service}-redis-user" for service in SERVICES}
    users = {mounted[name]: config["configs"][name]["content"] for name in mounted}
    assert not any("${" in content for content in users.values())  # Compose filled the passwords in
    slug = project.name

    with redis_server(redis_service["command"], users, tmp_path / "users") as port:
        urls = {service: on_port(config["services"][service]["environment"]["REDIS_URL"], port) for service in SERVICES}
        assert_confined(urls, {service: service for service in SERVICES}, slug)
        assert_bounded(port, redis_service["environment"]["REDIS_PASSWORD"])


def test_kubernetes_redis_has_a_confined_user_for_each_service_and_bounded_memory(project, tmp_path):
    run([sys.executable, "-m", "scripts.k8s_secrets", "dev"], cwd=project, env=project_libraries(project))
    rendered = run(["kubectl", "kustomize", "deploy/k8s/overlays/dev"], cwd=project).stdout
    documents = [document for document in yaml.safe_load_all(rendered) if document]
    secrets = {
        document["metadata"]["name"].rsplit("-", 1)[0]: {
            key: base64.b64decode(value).decode() for key, value in document["data"].items()
        }
        for document in documents
        if document["kind"] == "Secret"
    }
    statefulset = next(d for d in documents if d["kind"] == "StatefulSet" and d["metadata"]["name"] == "redis")
    container = statefulset["spec"]["template"]["spec"]["containers"][0]
    volumes = {volume["name"]: volume for volume in statefulset["spec"]["template"]["spec"]["volumes"]}
    mount = next(mount for mount in container["volumeMounts"] if mount["name"] == "users")
    assert volumes["users"]["secret"]["secretName"].startswith("redis-users-")
    # The users' file holds their passwords' hashes, never the passwords.
    users = secrets["redis-users"]["users.conf"]
    assert ">" not in users
    arguments = shlex.split(container["command"][-1].removeprefix("exec "))
    admin_password = secrets["redis-secrets"]["REDIS_PASSWORD"]
    arguments = [argument.replace("$REDIS_PASSWORD", admin_password) for argument in arguments]
    assert f"{mount['mountPath']}/*.conf" in arguments
    slug = project.name

    with redis_server(arguments, {"users.conf": users}, tmp_path / "users") as port:
        urls = {service: on_port(secrets[f"{service}-secrets"]["REDIS_URL"], port) for service in SERVICES}
        assert_confined(urls, {service: service for service in SERVICES}, slug)
        assert_bounded(port, admin_password)

    # Made again from the services' secrets: the same users, with the same passwords.
    run([sys.executable, "-m", "scripts.k8s_secrets", "dev"], cwd=project, env=project_libraries(project))
    assert (project / "deploy/k8s/overlays/dev/secrets/redis-users.conf").read_text() == users


def test_native_provisioning_makes_each_service_a_confined_user_and_teardown_removes_it(tmp_path, cookiecutter_config):
    slug = unique_name()
    project = bake(tmp_path, cookiecutter_config, project_slug=slug, services="ab,cd", auth_provider="keycloak")
    provision = [sys.executable, "-m", "scripts.provision"]
    try:
        run(provision, cwd=project, env=project_libraries(project))
        run(provision, cwd=project, env=project_libraries(project))  # again: nothing changes
        urls = {service: dotenv_values(project / f"services/{service}/.env")["REDIS_URL"] for service in ("ab", "cd")}
        prefixes = {
            service: dotenv_values(project / f"services/{service}/.env")["CACHE_KEY_PREFIX"] for service in ("ab", "cd")
        }
        assert prefixes == {"ab": f"{slug}:ab", "cd": f"{slug}:cd"}
        assert_confined(urls, prefixes, slug)
    finally:
        torn_down = run([*provision, "--teardown"], cwd=project, env=project_libraries(project), check=False)

    assert torn_down.returncode == 0, torn_down.stderr
    assert leftovers(slug) == []
