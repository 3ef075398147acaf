"""The gateway: routing to every service, one docs page, the registry, and the errors it answers itself."""

from __future__ import annotations

import re
import time
from concurrent.futures import ThreadPoolExecutor
from uuid import uuid4

import pytest

from tests.system.conftest import PROJECT_DIR, SERVICES, assert_problem

HAS_FRONTEND = (PROJECT_DIR / "frontend").is_dir()


def test_the_gateway_answers_its_own_health(gateway):
    response = gateway.get("/health")

    assert response.status_code == 200
    assert response.json() == {"status": "alive"}


def test_the_registry_lists_every_service_ready_with_its_version(gateway):
    registry = gateway.get("/registry").json()

    assert sorted(entry["name"] for entry in registry["services"]) == SERVICES
    for entry in registry["services"]:
        assert entry["upstream"]
        assert entry["metrics"] == f"http://{entry['upstream']}/metrics"
        assert entry["health"]["status"] == "ready"
        assert entry["health"]["service"] == entry["name"]
        assert entry["health"]["version"]
    # Whoever runs the gateway (make dev, Compose, the cluster's component) says where the
    # system's traces and metrics are seen.
    for telemetry in ("traces", "metrics"):
        assert registry[telemetry], telemetry
        assert not registry[telemetry].startswith("not set"), registry[telemetry]


@pytest.mark.parametrize("service", SERVICES)
def test_every_service_is_routed_with_its_openapi_document(gateway, service):
    response = gateway.get(f"/api/{service}/swagger.json")

    assert response.status_code == 200
    assert response.json()["basePath"] == f"/api/{service}"
    # Where a client of the document sends its requests: the gateway, on the port it listens.
    assert response.json()["host"] == gateway.base_url.netloc.decode()


def test_the_root_is_the_shop_or_leads_to_the_docs(gateway):
    response = gateway.get("/")

    if HAS_FRONTEND:
        assert response.status_code == 200
        assert '<div id="root">' in response.text
    else:
        assert response.status_code == 302
        assert response.headers["location"].endswith("/docs/")


def test_one_docs_page_lists_every_service(gateway):
    page = gateway.get("/docs/")
    services = gateway.get("/docs/services.js")

    assert page.status_code == 200
    assert "text/html" in page.headers["content-type"]
    for service in SERVICES:
        assert f'url: "/api/{service}/swagger.json"' in services.text
    assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert len(assets) == 4  # Swagger UI's stylesheet and two scripts, and the list of services
    for path in assets:
        assert gateway.get(path).status_code == 200, path


def test_a_request_id_is_passed_to_the_service_and_returned(gateway):
    request_id = uuid4().hex

    response = gateway.get(
        f"/api/{SERVICES[0]}/no-such-resource/", headers={"X-Request-ID": request_id}
    )

    assert response.headers["x-request-id"] == request_id
    assert assert_problem(response, 404)["request_id"] == request_id


def test_a_request_id_is_made_when_the_client_sends_none(gateway):
    assert len(gateway.get("/health").headers["x-request-id"]) == 32


# Without a frontend, the gateway answers every other path too.
@pytest.mark.parametrize(
    "path",
    ["/api/no-such-service/", "/docs/nothing-here", *([] if HAS_FRONTEND else ["/nothing-here"])],
)
def test_unknown_paths_are_404_problems(gateway, path):
    assert_problem(gateway.get(path), 404, "not_found")


def test_unsupported_methods_are_405_problems(gateway):
    assert_problem(gateway.put(f"/api/{SERVICES[0]}/swagger.json"), 405, "method_not_allowed")


def test_a_body_over_the_limit_is_a_413_problem(gateway):
    response = gateway.post(f"/api/{SERVICES[0]}/swagger.json", content=b"x" * (1024 * 1024 + 1))

    assert_problem(response, 413, "request_too_large")


def test_every_response_carries_the_security_headers(gateway):
    headers = gateway.get(f"/api/{SERVICES[0]}/swagger.json").headers

    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "no-referrer"
    assert "default-src 'none'" in headers["content-security-policy"]
    assert headers["server"] == "nginx"  # no version


def test_too_many_requests_from_one_client_are_429_problems(gateway):
    def hit(_):
        return gateway.get(f"/api/{SERVICES[0]}/rate-limit-probe/")

    with ThreadPoolExecutor(max_workers=16) as pool:
        responses = list(pool.map(hit, range(400)))
    # Let the limiter refill before other tests run.
    time.sleep(3)

    limited = [response for response in responses if response.status_code == 429]
    assert limited, "no request was limited"
    assert_problem(limited[0], 429, "rate_limited")
