"""The React frontend: checked, unit-tested and built with its own tools, its typed client
in step with the services' OpenAPI documents, served by the gateway, and driven in
headless Chromium through the gateway of a natively booted system."""

from __future__ import annotations

import gzip
import json
import re
import shutil
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import TEMPLATE_DIR, bake, project_libraries, run, unique_name
from tests.native import NativeRun, assign_free_ports, leftovers, without_the_samples_contracts
from tests.variants import VARIANTS, Variant

ARTEFACTS = TEMPLATE_DIR / "build" / "artefacts" / "frontend"
# The pages the end-to-end tests visit, each saved as <name>.png.
PAGES = ("sign-up", "log-in", "products", "product", "cart", "orders", "notifications", "staff-product-edit")


def variant_named(variant_id: str) -> Variant:
    return next(variant for variant in VARIANTS if variant.id == variant_id)


def test_without_the_frontend_nothing_of_it_is_left(bakery):
    project = bakery.project(variant_named("default"))

    assert not (project / "frontend").exists()
    assert not (project / "scripts/api_client.py").exists()
    assert not (project / "tests/system/test_frontend.py").exists()
    assert "playwright" not in (project / "requirements-dev.txt").read_text()
    assert "frontend" not in (project / "Makefile").read_text()
    assert "frontend" not in (project / "gateway/Dockerfile").read_text()
    assert "return 302 /docs/;" in (project / "gateway/templates/default.conf.template").read_text()


@pytest.mark.parametrize("variant_id", ["react", "react-keycloak", "react-gitlab-without-kubernetes"])
def test_the_frontend_is_built_into_the_gateway_image_and_into_each_pipeline(bakery, variant_id):
    answers = variant_named(variant_id).answers
    project = bakery.project(variant_named(variant_id))
    dockerfile = (project / "gateway/Dockerfile").read_text()

    assert (project / "frontend/package-lock.json").exists()
    assert "COPY --from=frontend-build /frontend/dist/ /usr/share/nginx/frontend/" in dockerfile
    compose = (project / "docker-compose.yml").read_text()
    assert "additional_contexts:\n        frontend: frontend" in compose
    pipeline = next(
        path for path in (project / ".github/workflows/ci.yml", project / ".gitlab-ci.yml") if path.exists()
    )
    # The pipeline calls make targets; what they run, make -n shows without running it.
    commands = re.findall(r"^ *(?:- )?(?:run: )?make ([\w -]+)$", pipeline.read_text(), re.MULTILINE)
    targets = " ".join(commands).split()
    assert "system-test-container" in targets
    steps = run(["make", "--dry-run", "--always-make", *targets], cwd=project).stdout
    for step in ("npm ci", "npm run lint", "npm test", "npm run build"):
        assert step in steps, step
    kubernetes = project / "deploy/k8s/base/kustomization.yaml"
    if kubernetes.exists():
        signs_in_with_keycloak = "GATEWAY_OIDC_AUTHORITY=https://auth." in kubernetes.read_text()
        assert signs_in_with_keycloak == (answers.get("auth_provider") == "keycloak")


def test_the_gateway_tells_a_keycloak_frontend_where_to_sign_in(bakery):
    """Through a real nginx: the runtime configuration, and a page policy that lets the app reach Keycloak."""
    project = bakery.project(variant_named("react-keycloak"))
    gateway = assign_free_ports(project)
    slug = project.name

    with NativeRun(["honcho", "run", "python", "-m", "scripts.gateway"], project, gateway):
        config, headers = fetch_json(f"{gateway}/config.json")

    assert config == {
        "authProvider": "keycloak",
        "oidcAuthority": f"http://localhost:8081/realms/{slug}",
        "oidcClientId": f"{slug}-frontend",
    }
    assert headers["Cache-Control"] == "no-cache"
    # The policy of the app's own pages, which this path shares.
    assert "connect-src 'self' http://localhost:8081;" in headers["Content-Security-Policy"]


def fetch_json(url: str, timeout: float = 20) -> tuple[dict, dict]:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=3) as response:
                return json.load(response), dict(response.headers)
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@pytest.mark.slow(seconds=120)
@pytest.mark.xdist_group("frontend")
def test_react_bake_passes_its_checks_and_works_in_a_browser(tmp_path, cookiecutter_config):
    slug = unique_name()
    project = bake(tmp_path, cookiecutter_config, project_slug=slug, frontend="react")
    frontend = project / "frontend"
    gateway = assign_free_ports(project)
    env = project_libraries(project)
    screenshots = ARTEFACTS / "screenshots"
    shutil.rmtree(screenshots, ignore_errors=True)

    run(["npm", "ci", "--no-audit", "--no-fund"], cwd=frontend)
    run(["npm", "run", "lint"], cwd=frontend)
    unit_tests = run(["npm", "test"], cwd=frontend)
    run(["npm", "run", "build"], cwd=frontend)
    report_bundle_size(frontend)
    try:
        run(["python", "-m", "scripts.provision"], cwd=project, env=env)
        # The committed client is what the services' OpenAPI documents give today.
        run(["python", "-m", "scripts.api_client", "--check"], cwd=project, env=env)
        # Seeded as make demo seeds it: the frontend's tests browse the seeded shop too.
        with NativeRun(
            ["python", "-m", "scripts.native", "--start"], project, gateway, {**env, "SEED": "always"}
        ) as system:
            system.wait_until_ready(announced=True)
            result = run(
                ["python", "-m", "pytest", "-v", "tests/system", *without_the_samples_contracts(project)],
                cwd=project,
                env={"GATEWAY_URL": gateway, "SCREENSHOT_DIR": str(screenshots)},
            )
    finally:
        run(["python", "-m", "scripts.provision", "--teardown"], cwd=project, env=env)

    assert " failed" not in unit_tests.stdout
    assert "test_frontend.py::" in result.stdout
    assert " FAILED" not in result.stdout
    assert " SKIPPED" not in result.stdout
    assert set(PAGES) <= {path.stem for path in screenshots.glob("*.png")}
    assert leftovers(slug) == []


def report_bundle_size(frontend: Path) -> None:
    """What a browser downloads: written beside the screenshots, for the record."""
    assets = sorted((frontend / "dist" / "assets").iterdir())
    lines = [
        f"{path.name}: {path.stat().st_size} bytes, {len(gzip.compress(path.read_bytes()))} gzipped" for path in assets
    ]
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    (ARTEFACTS / "bundle-size.txt").write_text("\n".join(lines) + "\n")
