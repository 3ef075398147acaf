"""Every bake with Kubernetes on renders, for each overlay, manifests a current Kubernetes
accepts (kubernetes-validate --strict), hardened and probed, with every service's workloads."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from tests.conftest import Bakery, needed_variables, project_libraries, run
from tests.variants import VARIANTS, Variant

KUBERNETES_VERSION = "1.37.0"
OVERLAYS = ("dev", "prod")
WORKLOADS = ("Deployment", "StatefulSet", "Job")
# Their images write beside their data at start: the rest of the system runs read-only.
WRITABLE_IMAGES = ("rabbitmq:", "quay.io/keycloak/")


_rendered: dict[tuple[Path, str], Path] = {}


def rendered(project: Path, overlay: str) -> Path:
    """`kubectl kustomize` of the overlay, after `make k8s-secrets` wrote its secrets; once
    per bake and overlay."""
    if (project, overlay) not in _rendered:
        run([sys.executable, "-m", "scripts.k8s_secrets", overlay], cwd=project, env=project_libraries(project))
        output = run(["kubectl", "kustomize", f"deploy/k8s/overlays/{overlay}"], cwd=project).stdout
        path = project.parent / f"k8s-{overlay}.yaml"
        path.write_text(output)
        _rendered[project, overlay] = path
    return _rendered[project, overlay]


def documents_of(path: Path) -> list[dict]:
    return [document for document in yaml.safe_load_all(path.read_text()) if document]


@pytest.fixture(
    params=[variant for variant in VARIANTS if variant.answers.get("use_kubernetes", "yes") == "yes"],
    ids=lambda variant: variant.id,
)
def kubernetes_variant(request) -> Variant:
    return request.param


@pytest.fixture(params=OVERLAYS)
def manifests(request, bakery: Bakery, kubernetes_variant: Variant) -> tuple[list[dict], Path]:
    path = rendered(bakery.project(kubernetes_variant), request.param)
    return documents_of(path), path


def pod_specs(documents: list[dict]) -> Iterator[tuple[str, dict]]:
    for document in documents:
        if document["kind"] in WORKLOADS:
            yield f"{document['kind']} {document['metadata']['name']}", document["spec"]["template"]["spec"]


def test_manifests_pass_strict_validation(manifests):
    _, path = manifests

    run(
        ["kubernetes-validate", "--strict", "--quiet", "--kubernetes-version", KUBERNETES_VERSION, path],
        cwd=path.parent,
    )


def test_every_workload_is_hardened_and_limited(manifests):
    documents, _ = manifests
    readers = {
        subject["name"]
        for binding in documents
        if binding["kind"] == "RoleBinding"
        for subject in binding["subjects"]
        if subject["kind"] == "ServiceAccount"
    }
    assert all(document["kind"] != "ClusterRoleBinding" for document in documents)
    for name, pod in pod_specs(documents):
        assert pod["securityContext"]["runAsNonRoot"] is True, name
        assert pod["securityContext"]["seccompProfile"]["type"] == "RuntimeDefault", name
        # A token only for what asks the API server something (Prometheus, listing the pods it
        # scrapes), and only with a Role of the namespace's.
        assert pod["automountServiceAccountToken"] is (pod.get("serviceAccountName") in readers), name
        for container in pod.get("initContainers", []) + pod["containers"]:
            where = f"{name}/{container['name']}"
            security = container["securityContext"]
            assert security["allowPrivilegeEscalation"] is False, where
            assert security["capabilities"]["drop"] == ["ALL"], where
            if not container["image"].startswith(WRITABLE_IMAGES):
                assert security["readOnlyRootFilesystem"] is True, where
            for bound in ("requests", "limits"):
                assert {"cpu", "memory"} <= container["resources"][bound].keys(), where


def test_every_long_running_container_is_probed(manifests):
    documents, _ = manifests
    for name, pod in pod_specs(documents):
        if name.startswith("Job "):
            continue
        for container in pod["containers"]:
            assert "livenessProbe" in container, f"{name}/{container['name']}"
    services = {document["metadata"]["name"] for document in documents if document["kind"] == "Service"}
    for name, pod in pod_specs(documents):
        if name.split()[1] in services:  # it takes traffic: only once ready
            for container in pod["containers"]:
                assert "readinessProbe" in container, f"{name}/{container['name']}"


def test_every_service_has_its_workloads_and_policies(manifests, kubernetes_variant):
    variant = kubernetes_variant
    documents, _ = manifests
    names = {(document["kind"], document["metadata"]["name"]) for document in documents}
    for service in variant.services:
        expected = {
            ("Deployment", service),
            ("Service", service),
            ("NetworkPolicy", service),
            ("StatefulSet", f"{service}-db"),
            ("NetworkPolicy", f"{service}-db"),
            ("Job", f"{service}-release"),
            ("HorizontalPodAutoscaler", service),
            ("PodDisruptionBudget", service),
            ("ServiceAccount", service),
            ("Deployment", f"{service}-relay"),
        }
        assert expected <= names, expected - names
    assert ("NetworkPolicy", "default-deny-ingress") in names
    assert ("Ingress", "gateway") in names
    assert (("Deployment", "keycloak") in names) == (variant.answers.get("auth_provider") == "keycloak")


def test_every_referenced_config_and_secret_exists(manifests):
    documents, _ = manifests
    existing = {(document["kind"], document["metadata"]["name"]) for document in documents}
    for name, pod in pod_specs(documents):
        for container in pod.get("initContainers", []) + pod["containers"]:
            for source in container.get("envFrom", []):
                kind, reference = next(iter(source.items()))
                wanted = ("ConfigMap" if kind == "configMapRef" else "Secret", reference["name"])
                assert wanted in existing, f"{name} reads {wanted}, which nothing makes"


def test_every_variable_a_service_needs_reaches_each_of_its_pods(bakery, kubernetes_variant, manifests):
    documents, _ = manifests
    needed = needed_variables(bakery.project(kubernetes_variant))
    data = {(d["kind"], d["metadata"]["name"]): d["data"] for d in documents if d["kind"] in {"ConfigMap", "Secret"}}
    for name, pod in pod_specs(documents):
        service = pod.get("serviceAccountName")
        if service not in needed:  # the gateway, the brokers, the databases
            continue
        for container in pod["containers"]:
            given = set()
            for source in container.get("envFrom", []):
                kind, reference = next(iter(source.items()))
                given |= data[("ConfigMap" if kind == "configMapRef" else "Secret", reference["name"])].keys()
            missing = sorted(set(needed[service]) - given)
            assert missing == [], f"{name} ({container['name']}) is not given {missing}"


def test_only_the_release_job_and_the_database_read_the_database_secret(manifests, kubernetes_variant):
    documents, _ = manifests
    secrets = {d["metadata"]["name"]: d["data"] for d in documents if d["kind"] == "Secret"}

    def user_of(secret: str, key: str = "DATABASE_URL") -> str:
        return urlsplit(base64.b64decode(secrets[secret][key]).decode()).username

    for name, pod in pod_specs(documents):
        for container in pod.get("initContainers", []) + pod["containers"]:
            read = [next(iter(source.values()))["name"] for source in container.get("envFrom", [])]
            read += [e["valueFrom"]["secretKeyRef"]["name"] for e in container.get("env", []) if "valueFrom" in e]
            for service in kubernetes_variant.services:
                database_secret = [secret for secret in read if secret.startswith(f"{service}-database-")]
                if name in (f"Job {service}-release", f"StatefulSet {service}-db"):
                    assert database_secret, f"{name} cannot make or run its database"
                else:
                    assert database_secret == [], f"{name} ({container['name']}) reads {database_secret}"
                for secret in database_secret:
                    if name.startswith("Job"):
                        assert (user_of(secret), user_of(secret, "DATABASE_ADMIN_URL")) == (service, "postgres")
    for service in kubernetes_variant.services:
        (runtime,) = [secret for secret in secrets if secret.startswith(f"{service}-secrets-")]
        assert user_of(runtime) == f"{service}_app"


def test_overlays_differ_where_environments_do(bakery, kubernetes_variant):
    dev, prod = (documents_of(rendered(bakery.project(kubernetes_variant), overlay)) for overlay in OVERLAYS)

    def autoscalers(documents):
        return {
            d["metadata"]["name"]: d["spec"]["minReplicas"] for d in documents if d["kind"] == "HorizontalPodAutoscaler"
        }

    def secrets(documents):
        return {d["metadata"]["name"].rsplit("-", 1)[0]: d["data"] for d in documents if d["kind"] == "Secret"}

    assert set(autoscalers(dev).values()) == {1}
    assert set(autoscalers(prod).values()) == {2}
    assert {d["metadata"]["namespace"] for d in dev if "namespace" in d["metadata"]} != {
        d["metadata"]["namespace"] for d in prod if "namespace" in d["metadata"]
    }
    shared = [name for name, data in secrets(dev).items() if data == secrets(prod)[name]]
    assert shared == [], "dev and prod share a secret"


def test_every_service_has_a_broker_user_of_its_own_with_narrow_rights(bakery, kubernetes_variant, manifests):
    documents, path = manifests
    project = bakery.project(kubernetes_variant)
    secrets = {d["metadata"]["name"].rsplit("-", 1)[0]: d for d in documents if d["kind"] == "Secret"}
    definitions = json.loads(base64.b64decode(secrets["rabbitmq-definitions"]["data"]["definitions.json"]))
    users = {user["name"]: user for user in definitions["users"]}
    rights = {entry["user"]: entry for entry in definitions["permissions"]}
    topics = {entry["user"]: entry for entry in definitions["topic_permissions"]}
    (vhost,) = [entry["name"] for entry in definitions["vhosts"]]
    for service in kubernetes_variant.services:
        url = urlsplit(base64.b64decode(secrets[f"{service}-secrets"]["data"]["BROKER_URL"]).decode())
        assert (url.username, url.hostname, url.path) == (f"{vhost}.{service}", "rabbitmq", f"/{vhost}")
        hashed = base64.b64decode(users[url.username]["password_hash"])
        assert hashlib.sha256(hashed[:4] + url.password.encode()).digest() == hashed[4:], service
        assert users[url.username]["tags"] == []
        others = [other for other in kubernetes_variant.services if other != service]
        for kind in ("configure", "write", "read"):
            expression = rights[url.username][kind]
            assert re.fullmatch(expression, f"{service}.dead-letter"), (service, kind)
            assert not any(re.fullmatch(expression, name) for name in [*others, "amq.default"]), (service, kind)
        assert not re.fullmatch(rights[url.username]["configure"], "events")
        assert topics[url.username] | {"user": None} == {
            "user": None,
            "vhost": vhost,
            "exchange": "events",
            "write": f"^{service}\\.",
            "read": ".*",
        }
    administrators = [name for name, user in users.items() if user["tags"] == ["administrator"]]
    assert administrators == [vhost]
    assert {exchange["name"] for exchange in definitions["exchanges"]} == {"events", "events.unroutable"}
    (broker,) = [d for d in documents if d["kind"] == "StatefulSet" and d["metadata"]["name"] == "rabbitmq"]
    volumes = {volume["name"]: volume for volume in broker["spec"]["template"]["spec"]["volumes"]}
    assert volumes["definitions"]["secret"]["secretName"] == secrets["rabbitmq-definitions"]["metadata"]["name"]
    # Made again at every run, the same while the passwords are: the broker is not restarted for nothing.
    overlay = path.stem.removeprefix("k8s-")
    written = project / f"deploy/k8s/overlays/{overlay}/secrets/rabbitmq-definitions.json"
    before = written.read_text()
    run([sys.executable, "-m", "scripts.k8s_secrets", overlay], cwd=project, env=project_libraries(project))
    assert written.read_text() == before
