"""OpenAPI documentation of a service, served by drf-yasg.

Each service serves ``/api/<name>/swagger/`` (Swagger UI), ``/api/<name>/redoc/``
and ``/api/<name>/swagger.json``; the gateway's ``/docs/`` lists every
service's ``swagger.json`` on one page.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import URLPattern, path, re_path
from drf_yasg import openapi
from drf_yasg.inspectors import SwaggerAutoSchema
from drf_yasg.views import get_schema_view
from rest_framework import permissions, serializers


class FieldErrorSerializer(serializers.Serializer):
    field = serializers.CharField(
        required=False, help_text="The input at fault, e.g. `lines[0].quantity`."
    )
    message = serializers.CharField()
    code = serializers.CharField()


class ProblemSerializer(serializers.Serializer):
    """Problem details (RFC 9457): the body of every error response."""

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    code = serializers.CharField(help_text="A stable, machine-readable error code.")
    instance = serializers.CharField(required=False)
    request_id = serializers.CharField(
        required=False, help_text="Find the matching log lines with it."
    )
    errors = FieldErrorSerializer(many=True, required=False)


def problem_response(description: str) -> openapi.Response:
    """An error response for ``@swagger_auto_schema(responses=...)``."""
    return openapi.Response(description, ProblemSerializer)


class ProblemAwareAutoSchema(SwaggerAutoSchema):
    """Lists the errors every operation can answer, so views need no decorator for them."""

    def get_response_serializers(self) -> dict[str, Any]:
        responses = super().get_response_serializers()
        method = self.method.lower()
        if method in ("post", "put", "patch") or self.should_page():
            responses.setdefault(
                "400", problem_response("The input is invalid; `errors` names each field.")
            )
        if "{" in self.path:
            responses.setdefault("404", problem_response("No such resource."))
        return responses


def schema_urlpatterns() -> list[URLPattern]:
    info = settings.SERVICE_INFO
    schema_view = get_schema_view(
        openapi.Info(
            title=f"{info.name} API", default_version=info.version, description=info.description
        ),
        public=True,
        permission_classes=[permissions.AllowAny],
    )
    return [
        re_path(
            r"^swagger\.(?P<format>json|yaml)$",
            schema_view.without_ui(cache_timeout=0),
            name="schema",
        ),
        path("swagger/", schema_view.with_ui("swagger", cache_timeout=0), name="swagger-ui"),
        path("redoc/", schema_view.with_ui("redoc", cache_timeout=0), name="redoc"),
    ]
