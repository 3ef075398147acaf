"""Every variant bakes into a project a careful person could have written by hand:
no template debris, lint-clean, every configuration file valid."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import yaml
from dotenv import dotenv_values

from tests.conftest import COMPOSE, run, services_of, text_files
from tests.variants import VARIANTS

# Jinja left unrendered, or a reference to an answer that was never replaced. GitHub
# Actions' own expressions, ${{ ... }}, the templates of Prometheus's alerts,
# {{ $labels.x }}, and the legends of Grafana's panels, {{route}} (this template's own
# expressions have spaces inside their braces), are meant to be there.
DEBRIS = re.compile(r"(?<!\$)\{\{(?! \$|[a-z_]+\}\})|\{%|\{#|cookiecutter\.")
YAMLLINT_CONFIG = json.dumps(
    {
        "extends": "default",
        "rules": {
            "document-start": "disable",
            # A URL in an environment block cannot be broken.
            "line-length": {"max": 120, "allow-non-breakable-inline-mappings": True},
            "truthy": {"check-keys": False},
        },
    }
)


def relative(project: Path, path: Path) -> str:
    return str(path.relative_to(project))


def test_every_answered_service_is_rendered_from_the_skeleton(baked, variant):
    assert services_of(baked) == sorted(variant.services)
    assert not (baked / ".service-skeleton").exists()
    assert not (baked / ".licenses").exists()


def test_no_template_debris(baked):
    offenders = [
        f"{relative(baked, path)}:{number}: {line.strip()}"
        for path in text_files(baked)
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if DEBRIS.search(line)
    ]
    assert offenders == []


def test_no_blank_lines_left_by_template_logic(baked):
    offenders = []
    for path in text_files(baked):
        text = path.read_text()
        if text.startswith("\n") or "\n\n\n\n" in text or (text and not text.endswith("\n")):
            offenders.append(relative(baked, path))
    assert offenders == []


def test_ruff_finds_nothing(baked):
    run(["ruff", "check", "--no-cache", "."], cwd=baked)
    run(["ruff", "format", "--check", "--no-cache", "."], cwd=baked)


def test_every_yaml_json_and_toml_file_parses(baked):
    for path in text_files(baked):
        text = path.read_text()
        if path.suffix in (".yml", ".yaml"):
            list(yaml.safe_load_all(text))
        elif path.suffix == ".json":
            json.loads(text)
        elif path.suffix == ".toml":
            tomllib.loads(text)


def test_yaml_is_tidy(baked):
    files = [path for path in text_files(baked) if path.suffix in (".yml", ".yaml")]
    run(["yamllint", "--strict", "-d", YAMLLINT_CONFIG, *files], cwd=baked)


def test_compose_configuration_is_valid(baked, variant):
    result = run([COMPOSE, "config", "--format", "json"], cwd=baked)

    assert result.stderr == ""
    services = json.loads(result.stdout)["services"]
    for service in variant.services:
        assert {service, f"{service}-db", f"{service}-release"} <= services.keys()
        assert services[service]["depends_on"][f"{service}-release"]["condition"] == "service_completed_successfully"
        assert "healthcheck" in services[service]
    assert {"gateway", "rabbitmq", "redis"} <= services.keys()
    unchecked = [
        name for name, service in services.items() if "healthcheck" not in service and not name.endswith("-release")
    ]
    assert unchecked == []


def test_compose_refuses_to_run_without_the_secrets(baked, tmp_path):
    (tmp_path / "empty.env").touch()
    result = run(
        [COMPOSE, "--project-directory", baked, "--env-file", tmp_path / "empty.env", "config", "--quiet"],
        cwd=tmp_path,
        check=False,
    )

    assert result.returncode != 0
    assert "run make setup" in result.stderr


def test_prometheus_rules_pass_promtool_and_their_tests(bakery):
    # The rules are copied as they are, whatever the answers: one bake checks them.
    (default,) = [variant for variant in VARIANTS if variant.id == "default"]
    run(["make", "lint-rules"], cwd=bakery.project(default))


def test_dockerfiles_pass_hadolint(baked, variant):
    dockerfiles = sorted(baked.rglob("Dockerfile"))
    system_suite = ["tests/system/Dockerfile"] if (baked / "frontend").exists() else []  # it needs Chromium
    collector = (
        ["deploy/observability/otel-collector/Dockerfile"] if variant.answers.get("observability") != "no" else []
    )
    # One image for every service, and the gateway's.
    assert [str(path.relative_to(baked)) for path in dockerfiles] == sorted(
        ["gateway/Dockerfile", "services/Dockerfile", *system_suite, *collector]
    )
    run(["hadolint", *dockerfiles], cwd=baked)


def test_gateway_routes_every_service(baked, variant):
    routes = (baked / "gateway/templates/routes.locations.template").read_text()
    upstreams = (baked / "gateway/templates/upstreams.conf.template").read_text()
    for service in variant.services:
        assert f"location /api/{service}/ {{" in routes
        assert f"server ${{{service.upper()}_UPSTREAM}};" in upstreams


def test_the_event_catalog_is_up_to_date_and_every_subscription_is_published(baked, variant):
    run(["python", "-m", "scripts.asyncapi", "--check"], cwd=baked)
    catalog = json.loads((baked / "docs/asyncapi.json").read_text())

    assert catalog["asyncapi"] == "3.0.0"
    senders = {name.split(".sends.")[0] for name in catalog["operations"] if ".sends." in name}
    assert senders <= set(variant.services)
    assert catalog["channels"], "no service publishes anything"
    page = (baked / "docs/events.md").read_text()
    for event_type in catalog["channels"]:
        assert f"| `{event_type}` |" in page
    for name, operation in catalog["operations"].items():
        channel = operation["channel"]["$ref"].removeprefix("#/channels/")
        assert channel in catalog["channels"], name
        assert (
            catalog["channels"][channel]["messages"][channel]["$ref"].removeprefix("#/components/messages/")
            in catalog["components"]["messages"]
        )


# How each kind of process shows in a Procfile command, alone or hosted by another natively.
NATIVE_COMMANDS = {
    "web": r"exec gunicorn ",
    "relay": r"manage\.py relay_events\b",
    "consumer": r"manage\.py (consume_events$|relay_events .*--consume\b)",
    "worker": r"celery --app \S+ worker ",
    "beat": r"celery --app \S+ (beat |worker .*--beat\b)",
    "scheduler": r"manage\.py qcluster ",
}


def test_a_native_run_starts_every_process_of_each_manifest_once(baked, variant):
    procfile = (baked / "Procfile.dev").read_text().splitlines()
    for service in variant.services:
        listed = tomllib.loads((baked / f"services/{service}/service.toml").read_text())["processes"]
        commands = [line for line in procfile if re.match(rf"{service}(-[a-z-]+)?: cd services/{service} ", line)]
        for kind, command in NATIVE_COMMANDS.items():
            runs = [line for line in commands if re.search(command, line)]
            assert len(runs) == (kind in listed), (service, kind, runs)
        # Natively, one process hosts the consumer with the relay, and beat with the worker.
        assert len(commands) == len(listed) - ("consumer" in listed) - ("beat" in listed), commands


def user_of(url: str) -> str:
    """The user of a database URL whose password is a Compose reference, such as ${X:?}."""
    return re.match(r"postgres://([^:@]+):", url).group(1)


def test_in_compose_every_container_of_a_service_is_hardened_as_in_kubernetes(baked, variant):
    for service in variant.services:
        containers = yaml.safe_load((baked / f"services/{service}/compose.yaml").read_text())["services"]
        del containers[f"{service}-db"]  # the postgres image's own entrypoint needs root to start
        for name, container in containers.items():
            assert container["read_only"] is True, name
            assert container["tmpfs"] == ["/tmp"], name  # noqa: S108 - the mount, not a file
            assert container["cap_drop"] == ["ALL"], name
            assert container["security_opt"] == ["no-new-privileges:true"], name


def test_in_compose_only_the_release_job_connects_as_more_than_the_application(baked, variant):
    for service in variant.services:
        containers = yaml.safe_load((baked / f"services/{service}/compose.yaml").read_text())["services"]
        database, release = containers.pop(f"{service}-db"), containers.pop(f"{service}-release")
        # The server's superuser is postgres, whose password only the release job is given.
        assert "POSTGRES_USER" not in database["environment"]
        assert user_of(release["environment"]["DATABASE_URL"]) == service
        assert user_of(release["environment"]["DATABASE_ADMIN_URL"]) == "postgres"
        for name, container in containers.items():
            environment = container["environment"]
            assert user_of(environment["DATABASE_URL"]) == f"{service}_app", name
            beyond = [key for key, value in environment.items() if re.search(r"DATABASE_(ADMIN_)?PASSWORD", value)]
            assert beyond == [], f"{name} is given the owner's or the superuser's password in {beyond}"


def test_in_compose_every_service_has_a_broker_user_of_its_own_with_narrow_rights(baked, variant):
    configuration = json.loads(run([COMPOSE, "config", "--format", "json"], cwd=baked).stdout)
    env = dotenv_values(baked / ".env")
    slug = configuration["name"]
    mounted = {config["source"]: config["target"] for config in configuration["services"]["rabbitmq"]["configs"]}
    loaded = configuration["configs"]["rabbitmq-definitions"]["content"]
    assert "definitions.local.path = /etc/rabbitmq/definitions\n" in loaded
    administrator = json.loads(configuration["configs"]["rabbitmq-administrator"]["content"])
    assert administrator["users"][0]["name"] == env["RABBITMQ_USER"]
    assert administrator["users"][0]["password_hash"] == env["RABBITMQ_PASSWORD_HASH"]
    for service in variant.services:
        assert mounted[f"{service}-rabbitmq-user"] == f"/etc/rabbitmq/definitions/{service}.json"
        # `config` writes a "$" of the content as Compose reads it, "$$".
        content = configuration["configs"][f"{service}-rabbitmq-user"]["content"].replace("$$", "$")
        definitions = json.loads(content)
        (user,) = definitions["users"]
        assert user["name"] == f"{slug}.{service}"
        assert user["password_hash"] == env[f"{service.upper()}_BROKER_PASSWORD_HASH"]
        assert user["tags"] == []
        (rights,) = definitions["permissions"]
        own = [service, f"{service}.dead-letter", f"{service}.retry.5s", f"{service}.tasks", f"{service}.redelivery"]
        others = [name for other in variant.services if other != service for name in (other, f"{other}.tasks")]
        for kind in ("configure", "write", "read"):
            assert all(re.fullmatch(rights[kind], name) for name in own), (service, kind)
            assert not any(re.fullmatch(rights[kind], name) for name in [*others, "amq.default"]), (service, kind)
        # Only the events exchange beyond its own names, and nobody configures it.
        assert not re.fullmatch(rights["configure"], "events")
        assert re.fullmatch(rights["write"], "events")
        (topics,) = definitions["topic_permissions"]
        assert topics["exchange"] == "events"
        assert topics["write"] == f"^{service}\\."
        assert {exchange["name"] for exchange in definitions["exchanges"]} == {"events", "events.unroutable"}
        # Each process of the service connects as that user, with its password.
        containers = yaml.safe_load((baked / f"services/{service}/compose.yaml").read_text())["services"]
        for name, container in containers.items():
            if "BROKER_URL" in container.get("environment", {}):
                url = configuration["services"][name]["environment"]["BROKER_URL"]
                password = env[f"{service.upper()}_BROKER_PASSWORD"]
                assert url == f"amqp://{slug}.{service}:{password}@rabbitmq:5672/{slug}", name


def test_gateway_configuration_passes_nginx(baked):
    run(["honcho", "run", "python", "-m", "scripts.gateway", "--check"], cwd=baked)


def test_the_gateway_image_and_a_native_gateway_default_alike(bakery):
    # Neither list depends on the answers: the variant with the most of the Dockerfile's branches.
    (variant,) = [variant for variant in VARIANTS if variant.id == "react-keycloak"]
    baked = bakery.project(variant)
    native = json.loads(
        run(["python", "-c", "import json, scripts.gateway as g; print(json.dumps(g.DEFAULTS))"], cwd=baked).stdout
    )
    dockerfile = (baked / "gateway/Dockerfile").read_text()
    image = {
        name: value.strip('"')
        for name, value in re.findall(r'^\s+(GATEWAY_[A-Z_]+)=("[^"]*"|\S+?)(?: \\)?$', dockerfile, re.M)
    }

    assert {name: image.get(name) for name in native} == native


# An image named in a Compose file, a manifest, a pipeline (`image: name:tag`) or a Dockerfile
# (`FROM name:tag`): the project's own images, tagged at release, have no tag here.
IMAGE_REFERENCE = re.compile(r"^\s*(?:- )?image: *([\w./-]+):([\w.-]+)\s*$|^FROM ([\w./-]+):([\w.-]+)", re.M)


def test_each_image_is_one_version_wherever_it_is_named(baked):
    """Compose, the Kubernetes manifests, the pipelines and the Dockerfiles each name the images
    they run: the same image at two versions would run one system on two."""
    versions: dict[str, set[tuple[str, str]]] = {}
    for path in text_files(baked):
        for match in IMAGE_REFERENCE.finditer(path.read_text()):
            name, tag = match[1] or match[3], match[2] or match[4]
            # `python:3.12-slim-bookworm` and `python:3.12-slim` are one version, two builds.
            versions.setdefault(name, set()).add((tag.split("-")[0], relative(baked, path)))
    assert versions, "no image found"
    for name, named in versions.items():
        assert len({version for version, _ in named}) == 1, (name, sorted(named))


def test_python_version_reaches_images_and_tooling(baked, variant):
    version = variant.answers.get("python_version", "3.12")
    assert f"FROM python:{version}-slim-bookworm" in (baked / "services/Dockerfile").read_text()
    ruff = tomllib.loads((baked / "pyproject.toml").read_text())["tool"]["ruff"]
    assert ruff["target-version"] == f"py{version.replace('.', '')}"


def test_license_matches_the_answer(baked, variant):
    license_text = (baked / "LICENSE").read_text()
    expected = {
        "MIT": "MIT License",
        "BSD-3-Clause": "BSD 3-Clause License",
        "Apache-2.0": "Apache License",
        "Proprietary": "All rights reserved.",
    }[variant.answers.get("license", "MIT")]
    assert expected in license_text


def test_without_kubernetes_nothing_of_it_is_left(bakery):
    (variant,) = [variant for variant in VARIANTS if variant.id == "no-kubernetes"]
    project = bakery.project(variant)

    # What deploy/ keeps is where to see the system in Compose, and the rules a native run uses too.
    assert sorted(path.name for path in (project / "deploy").iterdir()) == ["observability"]
    assert not list((project / "deploy/observability").glob("*kubernetes*"))
    assert not (project / "deploy/observability/kustomization.yaml").exists()
    assert list(project.glob("services/*/k8s")) == []
    assert not (project / "scripts/k8s_secrets.py").exists()
    assert "k8s" not in (project / "Makefile").read_text()


def test_every_script_is_run_as_a_module(baked):
    """A script run by its path (python scripts/x.py) finds no sibling of scripts.* to import:
    every recipe, pipeline and instruction runs them with -m, from the project's root."""
    where = [baked / "Makefile", baked / "README.md", *baked.glob(".github/**/*.yml"), *baked.glob(".gitlab-ci.yml")]
    offenders = [
        f"{relative(baked, path)}: {match}"
        for path in where
        for match in re.findall(r"python3?\S* (?:\./)?scripts/\S+\.py", path.read_text())
    ]
    assert offenders == []
