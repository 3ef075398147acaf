"""OpenAPI documentation of a service, served by drf-yasg.

Each service serves ``/api/<name>/swagger/`` (Swagger UI), ``/api/<name>/redoc/``
and ``/api/<name>/swagger.json``; the gateway's ``/docs/`` lists every
service's ``swagger.json`` on one page.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.urls import URLPattern, path, re_path
from drf_yasg import openapi
from drf_yasg.generators import OpenAPISchemaGenerator
from drf_yasg.inspectors import SwaggerAutoSchema
from drf_yasg.views import get_schema_view
from rest_framework import permissions, serializers
from rest_framework.request import Request

from chassis.auth import Principal


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


PROBLEM_JSON = "application/problem+json"

# What validates a value sent, which a value answered need not meet (an order's reason may be "").
INPUT_CONSTRAINTS = (
    "minLength",
    "maxLength",
    "pattern",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minItems",
    "maxItems",
    "uniqueItems",
)


def problem_response(description: str) -> openapi.Response:
    """An error response for ``@swagger_auto_schema(responses=...)``."""
    return openapi.Response(description, ProblemSerializer)


class ProblemAwareAutoSchema(SwaggerAutoSchema):
    """Documents what an operation really answers, so that views need decorators only for what
    is their own: the errors it can give (from its parameters, body and permissions, the gateway's
    limits, a server's outage) and whether it needs a token.

    A view that reads no body says so (``request_body=no_body``): otherwise drf-yasg documents its
    ``serializer_class`` as the body, which DRF's create and update views do read."""

    def get_security(self) -> list[dict[str, list[str]]] | None:
        if (security := super().get_security()) is not None:
            return security
        return [] if self._permitted(AnonymousUser()) else None

    def get_pagination_parameters(self) -> list[openapi.Parameter]:
        parameters = super().get_pagination_parameters()
        paginator = getattr(self.view, "paginator", None)
        for parameter in parameters:
            parameter.minimum = 1
            if parameter.name == getattr(paginator, "page_query_param", None):
                parameter.maximum = getattr(paginator, "max_page", None)
            elif parameter.name == getattr(paginator, "page_size_query_param", None):
                parameter.maximum = getattr(paginator, "max_page_size", None)
        return parameters

    def get_request_body_schema(self, serializer: Any) -> openapi.Schema:
        schema = super().get_request_body_schema(serializer)
        if self.method != "PATCH" or not any(f.required for f in serializer.fields.values()):
            return schema
        # A PATCH sends only what it changes (the view validates it as partial): the fields
        # of the serializer, none of them required, in a schema of its own.
        schema = self.probe_inspectors(
            self.field_inspectors,
            "field_to_swagger_object",
            serializer,
            {"field_inspectors": self.field_inspectors},
            swagger_object_type=openapi.Schema,
            use_references=False,
        )
        schema.pop("required", None)
        return schema

    def get_response_serializers(self) -> dict[str, Any]:
        responses = super().get_response_serializers()
        has_body = self.get_request_serializer() is not None
        for status, description in self._problems(has_body=has_body):
            responses.setdefault(status, problem_response(description))
        return responses

    def _problems(self, *, has_body: bool) -> list[tuple[str, str]]:
        problems = []
        if has_body or self.get_query_parameters() or self.should_page():
            problems.append(("400", "The input is invalid; `errors` names each field."))
        if self.get_security() != []:
            problems.append(("401", "No valid access token was sent."))
            if not self._permitted(_CUSTOMER):
                problems.append(("403", "The caller may not do this."))
        if "{" in self.path:
            problems.append(("404", "No such resource."))
        elif self.should_page():
            problems.append(("404", "No such page: past the last one."))
        if has_body:
            problems.append(("413", "The body is larger than the gateway takes (1 MiB)."))
        if self.get_query_parameters():
            problems.append(("414", "The URL is longer than the gateway takes (8 KiB)."))
        problems.append(("429", "Too many requests from this client: retry after Retry-After."))
        problems.append(("503", "A server the service needs is away: retry after Retry-After."))
        return problems

    def _permitted(self, user: Any) -> bool:
        """Whether the view's permissions let `user` make this operation's request."""
        http_request = HttpRequest()
        http_request.method = self.method.upper()
        request = Request(http_request)
        request.user = user
        return all(
            permission.has_permission(request, self.view)
            for permission in self.view.get_permissions()
        )


# Signed in, without a role: whether an operation may answer 403 is whether it would refuse them.
_CUSTOMER = Principal(id=UUID(int=0), email="", roles=frozenset())


class TruthfulSchemaGenerator(OpenAPISchemaGenerator):
    """The document as the service answers: every error in problem+json, and what only
    validates input kept out of the schemas of what is only answered."""

    def get_schema(self, request: Any = None, public: bool = False) -> openapi.Swagger:
        schema = super().get_schema(request, public)
        schema["produces"] = [*schema.get("produces", []), PROBLEM_JSON]
        definitions = schema.get("definitions", {})
        sent, answered = set(), set()
        for operations in schema["paths"].values():
            for operation in operations.values():
                if not isinstance(operation, dict):
                    continue
                for parameter in operation.get("parameters", ()):
                    if parameter.get("in") == "body":
                        _collect_references(parameter["schema"], definitions, sent)
                for response in operation.get("responses", {}).values():
                    if "schema" in response:
                        _collect_references(response["schema"], definitions, answered)
        for name, definition in definitions.items():
            _drop_input_constraints(definition, everywhere=name not in sent)
        return schema


def _collect_references(schema: Any, definitions: dict, found: set[str]) -> None:
    """Add the name of every definition `schema` refers to, directly or not, to `found`."""
    if isinstance(schema, dict):
        if (reference := schema.get("$ref", "")).startswith("#/definitions/"):
            name = reference.removeprefix("#/definitions/")
            if name not in found:
                found.add(name)
                _collect_references(definitions.get(name), definitions, found)
        for value in schema.values():
            _collect_references(value, definitions, found)
    elif isinstance(schema, list):
        for value in schema:
            _collect_references(value, definitions, found)


def _drop_input_constraints(schema: Any, *, everywhere: bool) -> None:
    """Drop input constraints from the properties of `schema` that are only ever answered: all
    of them (`everywhere`: a schema no request sends) or the read-only ones."""
    if not isinstance(schema, dict):
        return
    for value in schema.get("properties", {}).values():
        if everywhere or value.get("readOnly"):
            for keyword in INPUT_CONSTRAINTS:
                value.pop(keyword, None)
        _drop_input_constraints(value, everywhere=everywhere)
        _drop_input_constraints(value.get("items"), everywhere=everywhere)


def schema_urlpatterns() -> list[URLPattern]:
    info = settings.SERVICE_INFO
    schema_view = get_schema_view(
        openapi.Info(
            title=f"{info.name} API", default_version=info.version, description=info.description
        ),
        public=True,
        generator_class=TruthfulSchemaGenerator,
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
