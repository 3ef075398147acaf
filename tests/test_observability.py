"""Where to see the system (the `observability` answer): in Compose, and as the Kubernetes
overlays' component, every process's traces reach the collector and on to Jaeger, Prometheus
scrapes every process that serves metrics and loads the rules, and Grafana reads both with
dashboards about what exists. Without the stack, only the rules are left. What these images
do when they run is not checked here (no Docker engine): their configuration is, against
itself and against the system's."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from dotenv import dotenv_values

from tests.conftest import COMPOSE, Bakery, project_libraries, run
from tests.test_kubernetes import documents_of, rendered
from tests.variants import VARIANTS, Variant

STACK = ("otel-collector", "jaeger", "prometheus", "grafana")
# The processes that serve their own /metrics, and the port they serve it on in a container.
SERVING = ("relay", "consumer", "worker")
METRICS_PORT = 9100


def observed(variant: Variant) -> bool:
    return variant.answers.get("observability", "yes") == "yes"


# What the stack watches follows from the services and what they run: the bakes whose answers
# change those (the others differ in names, licences, pipelines, which the stack never reads).
SHAPING = ("services", "use_celery", "use_django_q")
WATCHED = [v for v in VARIANTS if observed(v) and (v.id == "default" or set(SHAPING) & v.answers.keys())]


@pytest.fixture(params=WATCHED, ids=lambda variant: variant.id)
def observed_project(request, bakery: Bakery) -> tuple[Path, Variant]:
    return bakery.project(request.param), request.param


def compose_config(project: Path) -> dict:
    return json.loads(run([COMPOSE, "config", "--format", "json"], cwd=project).stdout)


def mounted(container: dict, configuration: dict, target: str) -> Path:
    """The project's file a container reads at `target`, as a config or a bind mount."""
    for config in container.get("configs", []):
        if config["target"] == target:
            return Path(configuration["configs"][config["source"]]["file"])
    raise AssertionError(f"nothing is mounted at {target}")


def test_every_process_traces_to_the_collector_which_hands_traces_to_jaeger(observed_project):
    project, variant = observed_project
    configuration = compose_config(project)
    services = configuration["services"]
    collector = services["otel-collector"]
    settings = yaml.safe_load(mounted(collector, configuration, "/etc/otelcol/config.yaml").read_text())

    for name, container in services.items():
        if name in STACK or name.split("-")[0] not in variant.services or name.endswith(("-db", "-release")):
            continue
        endpoint = urlsplit(container["environment"]["OTEL_EXPORTER_OTLP_ENDPOINT"])
        assert endpoint.hostname == "otel-collector", name
        assert settings["receivers"]["otlp"]["protocols"]["http"]["endpoint"] == f"0.0.0.0:{endpoint.port}"
    pipeline = settings["service"]["pipelines"]["traces"]
    for kind in ("receivers", "processors", "exporters"):
        assert set(pipeline[kind]) <= settings[kind].keys(), kind
    (exporter,) = pipeline["exporters"]
    host, port = settings["exporters"][exporter]["endpoint"].split(":")
    assert (host, port) == ("jaeger", "4317")  # Jaeger's OTLP/gRPC receiver
    assert set(settings["service"]["extensions"]) <= settings["extensions"].keys()
    # Its health check asks the health_check extension, at the port it listens on.
    health = settings["extensions"]["health_check"]["endpoint"].split(":")[1]
    assert f"http://127.0.0.1:{health}/" in collector["healthcheck"]["test"]
    # The collector's image is built on the official one, with a client for that check.
    dockerfile = (project / collector["build"]["context"] / "Dockerfile").read_text()
    assert collector["healthcheck"]["test"][1] in dockerfile
    assert "FROM otel/opentelemetry-collector-contrib:" in dockerfile
    # Nothing of the system waits for any of it.
    for name, container in services.items():
        if name not in STACK:
            assert not set(container.get("depends_on", {})) & set(STACK), name


def test_prometheus_in_compose_scrapes_every_process_that_serves_metrics(observed_project):
    project, variant = observed_project
    configuration = compose_config(project)
    services = configuration["services"]
    prometheus = services["prometheus"]
    config_file = mounted(prometheus, configuration, "/etc/prometheus/prometheus.yml")
    settings = yaml.safe_load(config_file.read_text())
    jobs = {job["job_name"]: job for job in settings["scrape_configs"]}

    web = {target for group in jobs["services"]["static_configs"] for target in group["targets"]}
    assert web == {f"{service}:8000" for service in variant.services}
    serving = {
        name for name in services if name.split("-")[0] in variant.services and name.rsplit("-", 1)[-1] in SERVING
    }
    assert serving, "no process serves metrics"
    scraped = {}
    for group in jobs["processes"]["static_configs"]:
        (target,) = group["targets"]
        scraped[target] = group["labels"]["process"]
    assert scraped == {f"{name}:{METRICS_PORT}": name.rsplit("-", 1)[-1] for name in serving}
    for name in serving:
        assert services[name]["environment"]["METRICS_PORT"] == str(METRICS_PORT), name
    assert jobs["otel-collector"]["static_configs"] == [{"targets": ["otel-collector:8888"]}]
    # The rules it evaluates are the ones `make lint` tests, where the configuration says.
    (rules,) = settings["rule_files"]
    assert mounted(prometheus, configuration, rules) == project / "deploy/observability/prometheus/rules.yml"


def test_grafana_reads_what_the_stack_serves_and_every_dashboard_is_provisioned(observed_project):
    project, _ = observed_project
    configuration = compose_config(project)
    grafana = configuration["services"]["grafana"]
    sources = yaml.safe_load(
        mounted(grafana, configuration, "/etc/grafana/provisioning/datasources/datasources.yaml").read_text()
    )["datasources"]
    providers = yaml.safe_load(
        mounted(grafana, configuration, "/etc/grafana/provisioning/dashboards/dashboards.yaml").read_text()
    )["providers"]
    env = dotenv_values(project / ".env")

    ports = {"prometheus": 9090, "jaeger": 16686}
    for source in sources:
        url = urlsplit(source["url"])
        assert (url.hostname, url.port) == (source["type"], ports[source["type"]])
    (provider,) = providers
    (volume,) = [volume for volume in grafana["volumes"] if volume["target"] == provider["options"]["path"]]
    dashboards = sorted(Path(volume["source"]).glob("*.json"))
    assert [path.name for path in dashboards] == ["bus.json", "service.json"]
    uids = {source["uid"] for source in sources}
    for path in dashboards:
        board = json.loads(path.read_text())
        assert board["panels"], path.name
        for panel in board["panels"]:
            assert panel["datasource"]["uid"] in uids, (path.name, panel["title"])
            assert panel["targets"], panel["title"]
            assert all(target["expr"] for target in panel["targets"]), panel["title"]
    assert len({json.loads(path.read_text())["uid"] for path in dashboards}) == len(dashboards)
    # Its administrator's password is the project's own secret, made by `make setup`.
    assert grafana["environment"]["GF_SECURITY_ADMIN_PASSWORD"] == env["GRAFANA_ADMIN_PASSWORD"]
    assert len(env["GRAFANA_ADMIN_PASSWORD"]) >= 32


@pytest.mark.parametrize("overlay", ["dev", "prod"])
def test_the_kubernetes_component_wires_the_same_stack_from_the_same_files(bakery, overlay):
    (variant,) = [variant for variant in VARIANTS if variant.id == "default"]
    project = bakery.project(variant)
    documents = documents_of(rendered(project, overlay))
    by_kind: dict[str, dict[str, dict]] = {}
    for document in documents:
        by_kind.setdefault(document["kind"], {})[document["metadata"]["name"]] = document
    config_maps = {name.rsplit("-", 1)[0]: document for name, document in by_kind["ConfigMap"].items()}

    # The services find the collector by the settings they all read.
    endpoint = urlsplit(config_maps["settings"]["data"]["OTEL_EXPORTER_OTLP_ENDPOINT"])
    collector = by_kind["Service"][endpoint.hostname]
    assert endpoint.port in [port["port"] for port in collector["spec"]["ports"]]
    # The same files as Compose's, not copies.
    observability = project / "deploy/observability"
    assert (
        config_maps["otel-collector"]["data"]["config.yaml"]
        == (observability / "otel-collector/config.yaml").read_text()
    )
    assert config_maps["prometheus"]["data"]["rules.yml"] == (observability / "prometheus/rules.yml").read_text()
    for path in (observability / "grafana/dashboards").glob("*.json"):
        assert config_maps["grafana-dashboards"]["data"][path.name] == path.read_text()

    # Prometheus finds each process by the name of the port it serves metrics on.
    settings = yaml.safe_load(config_maps["prometheus"]["data"]["prometheus.yml"])
    kept = {
        job["job_name"]: rule["regex"]
        for job in settings["scrape_configs"]
        for rule in job.get("relabel_configs", [])
        if rule["source_labels"] == ["__meta_kubernetes_pod_container_port_name"]
    }
    assert kept == {"services": "http", "processes": "metrics"}
    opened = {
        port["port"]
        for rule in by_kind["NetworkPolicy"]["scraped-by-prometheus"]["spec"]["ingress"]
        for port in rule["ports"]
    }
    serving = set()
    for name, deployment in by_kind["Deployment"].items():
        (container,) = deployment["spec"]["template"]["spec"]["containers"]
        ports = {port["name"]: port["containerPort"] for port in container.get("ports", [])}
        component = deployment["metadata"]["labels"].get("app.kubernetes.io/component")
        if component in SERVING:
            assert ports == {"metrics": METRICS_PORT}, name
            assert {"name": "METRICS_PORT", "value": str(METRICS_PORT)} in container["env"], name
            serving.add(component)
        if component == "web":
            assert ports["http"] in opened, name
    assert METRICS_PORT in opened
    assert serving == {"relay", "consumer", "worker"}
    # Its samples outlive its pod: the storage path is a volume claim's.
    prometheus = by_kind["StatefulSet"]["prometheus"]["spec"]
    (container,) = prometheus["template"]["spec"]["containers"]
    (storage,) = [arg.split("=")[1] for arg in container["args"] if arg.startswith("--storage.tsdb.path=")]
    (data,) = [mount["name"] for mount in container["volumeMounts"] if mount["mountPath"] == storage]
    assert data in [claim["metadata"]["name"] for claim in prometheus["volumeClaimTemplates"]]
    # It may list the pods of its namespace, and do nothing else.
    (rule,) = by_kind["Role"]["prometheus"]["rules"]
    assert rule == {"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list", "watch"]}
    # The gateway's registry names the Services an operator forwards to, at their UIs' ports.
    registry = config_maps["gateway"]["data"]
    for name, ui in (("GATEWAY_REGISTRY_TRACES", "jaeger"), ("GATEWAY_REGISTRY_METRICS", "prometheus")):
        service, port = re.search(r"kubectl port-forward svc/([a-z-]+) (\d+)$", registry[name]).groups()
        assert service == ui
        assert int(port) in [port["port"] for port in by_kind["Service"][ui]["spec"]["ports"]], name
    # Production keeps the share of traces whose cost `make bench` measures.
    if overlay == "prod":
        share = run(
            [sys.executable, "-c", "from scripts.bench import TRACED_SHARE; print(TRACED_SHARE)"],
            cwd=project,
            env=project_libraries(project),
        ).stdout
        assert float(registry["GATEWAY_TRACE_SAMPLE_PERCENT"]) == float(share) * 100
    grafana = by_kind["Deployment"]["grafana"]["spec"]["template"]["spec"]["containers"][0]
    (secret,) = [source["secretRef"]["name"] for source in grafana["envFrom"]]
    assert "GF_SECURITY_ADMIN_PASSWORD" in by_kind["Secret"][secret]["data"]


def test_without_the_stack_only_the_rules_are_left(bakery):
    (variant,) = [variant for variant in VARIANTS if not observed(variant)]
    project = bakery.project(variant)
    configuration = compose_config(project)

    assert [path.name for path in (project / "deploy/observability").iterdir()] == ["prometheus"]
    assert not set(STACK) & configuration["services"].keys()
    for name, container in configuration["services"].items():
        assert "OTEL_EXPORTER_OTLP_ENDPOINT" not in container.get("environment", {}), name
    assert "GRAFANA_ADMIN_PASSWORD" not in dotenv_values(project / ".env")
    documents = documents_of(rendered(project, "dev"))
    assert not [document for document in documents if document["metadata"]["name"] in STACK]
    (gateway,) = [
        d["data"] for d in documents if d["kind"] == "ConfigMap" and d["metadata"]["name"].startswith("gateway-")
    ]
    assert gateway["GATEWAY_REGISTRY_TRACES"].startswith("off: ")
    assert not re.search(r"observability|grafana", (project / "deploy/k8s/overlays/dev/kustomization.yaml").read_text())


@pytest.mark.parametrize("variant_id", ["default", "no-observability"])
def test_make_run_says_where_to_see_the_system(bakery, variant_id):
    (variant,) = [variant for variant in VARIANTS if variant.id == variant_id]
    project = bakery.project(variant)
    stack = yaml.safe_load((project / "deploy/observability/compose.yaml").read_text()) if observed(variant) else None

    banner = run(
        [sys.executable, "-m", "scripts.native", "--compose"], cwd=project, env=project_libraries(project)
    ).stdout

    # The gateway's registry says what the banner says.
    registry = compose_config(project)["services"]["gateway"]["environment"]
    for line, name in (("Traces", "GATEWAY_REGISTRY_TRACES"), ("Metrics", "GATEWAY_REGISTRY_METRICS")):
        assert f"{line:<9} {registry[name]}" in banner, line
    if stack is None:
        assert "Traces    off: the project has no observability stack\n" in banner
        assert "Metrics   each service's /metrics, inside Compose's network only\n" in banner
        assert "Grafana" not in banner
        return
    # Where Compose publishes each UI, on this machine's loopback address.
    published = {
        name: stack["services"][name]["ports"][0].split(":")[1] for name in ("grafana", "prometheus", "jaeger")
    }
    assert f"Dashboard Grafana, http://localhost:{published['grafana']}/\n" in banner
    assert f"Alerts    Prometheus, http://localhost:{published['prometheus']}/alerts\n" in banner
    assert f"Traces    Jaeger, http://localhost:{published['jaeger']}/ " in banner
    assert f"Metrics   Prometheus, http://localhost:{published['prometheus']}/ " in banner
    assert all(
        port.startswith("127.0.0.1:") for service in stack["services"].values() for port in service.get("ports", [])
    )
