"""The URL layout every service shares.

Health lives at the root (``/health/live``, ``/health/ready``, answered by
:class:`chassis.health.HealthCheckMiddleware`). Everything else lives under
``/api/<name>/``: the service's own API, its OpenAPI docs and its admin. The
gateway routes ``/api/<name>/`` to the service without rewriting paths, so
links a service builds are right both directly and through the gateway.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from chassis.openapi import schema_urlpatterns


def service_urlpatterns(
    *, api: str | Sequence[URLPattern | URLResolver] | None = None
) -> list[URLPattern | URLResolver]:
    """URL patterns of a service whose API is `api`: a URLconf module's name, or its patterns;
    the service's own ``<name>.api.urls`` unless said."""
    api = api or f"{settings.SERVICE_INFO.name}.api.urls"
    return [
        path(
            f"api/{settings.SERVICE_INFO.name}/",
            include(
                [
                    path("", include(api)),
                    *schema_urlpatterns(),
                    path("admin/", admin.site.urls),
                ]
            ),
        ),
    ]
