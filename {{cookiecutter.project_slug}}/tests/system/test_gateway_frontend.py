"""The gateway serves the frontend: at every path the app routes, its assets cached for good,
and the environment it learns at start."""

import re

import pytest

from tests.system.conftest import SERVICES, setting


@pytest.mark.parametrize("path", ["/", "/products/any-page-the-app-routes"])
def test_the_frontend_is_served_at_every_path_it_routes(gateway, path):
    response = gateway.get(path)

    assert response.status_code == 200
    assert "text/html" in response.headers["content-type"]
    assert '<div id="root">' in response.text
    assert response.headers["cache-control"] == "no-cache"
    policy = response.headers["content-security-policy"]
    assert "default-src 'self'" in policy
    assert "unsafe-inline" not in policy


def test_the_frontends_assets_are_cached_for_good(gateway):
    page = gateway.get("/").text
    scripts = re.findall(r'<script[^>]+src="(/assets/[^"]+)"', page)

    assert scripts
    response = gateway.get(scripts[0])
    assert response.status_code == 200
    assert "javascript" in response.headers["content-type"]
    assert response.headers["cache-control"] == "max-age=31536000"


def test_the_frontend_learns_its_environment_from_the_gateway(gateway):
    config = gateway.get("/config.json").json()

    if "identity" in SERVICES:
        assert config == {"authProvider": "identity"}
    else:
        project = setting("JWT_AUDIENCE")  # the project's name, which names its realm
        assert config["authProvider"] == "keycloak"
        assert config["oidcAuthority"].endswith(f"/realms/{project}")
        assert config["oidcClientId"] == f"{project}-frontend"
