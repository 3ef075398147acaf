"""One error shape for every failure: problem details (RFC 9457, formerly RFC 7807).

Every 4xx and 5xx a service returns is an ``application/problem+json`` body,
whether it comes from a DRF view, from Django itself (an unknown URL, an
oversized body) or from an exception nobody expected::

    {"type": "about:blank", "title": "Bad Request", "status": 400,
     "detail": "Invalid input: price.", "code": "invalid",
     "instance": "/api/catalog/products/", "request_id": "5b0c...",
     "errors": [{"field": "price", "message": "This field is required.", "code": "required"}]}

``errors`` names each field at fault, nested fields with dots and list items
with brackets (``lines[0].quantity``). A 500 never carries a traceback or an
exception message: those go to the log, under the same ``request_id``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from http import HTTPStatus
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, JsonResponse
from django_guid import get_guid
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from chassis import domain

CONTENT_TYPE = "application/problem+json"

logger = logging.getLogger(__name__)


class ConflictError(exceptions.APIException):
    status_code = HTTPStatus.CONFLICT
    default_detail = "The request conflicts with the current state of the resource."
    default_code = "conflict"


def problem(
    status: int,
    *,
    detail: str,
    code: str,
    instance: str | None = None,
    errors: list[dict[str, str]] | None = None,
) -> dict[str, Any]:
    """Return a problem details body."""
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "code": code,
    }
    if instance:
        body["instance"] = instance
    if request_id := get_guid():
        body["request_id"] = request_id
    if errors:
        body["errors"] = errors
    return body


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    """DRF's ``EXCEPTION_HANDLER``: every exception a view raises becomes a problem."""
    request = context.get("request")
    instance = request.path if request is not None else None
    api_exception = _as_api_exception(exc)
    if api_exception is None:
        logger.error("Unhandled %s in %s", type(exc).__name__, instance, exc_info=exc)
        set_rollback()
        body = problem(
            HTTPStatus.INTERNAL_SERVER_ERROR,
            detail="The server could not complete the request.",
            code="server_error",
            instance=instance,
        )
        return Response(body, status=HTTPStatus.INTERNAL_SERVER_ERROR, content_type=CONTENT_TYPE)

    # DRF's own handler adds the WWW-Authenticate and Retry-After headers and
    # rolls the transaction back; only the body is reshaped here.
    response = drf_exception_handler(api_exception, context)
    if isinstance(api_exception, exceptions.ValidationError):
        errors = list(_field_errors(api_exception.detail))
        fields = sorted({error["field"] for error in errors if "field" in error})
        detail = f"Invalid input: {', '.join(fields)}." if fields else str(errors[0]["message"])
        response.data = problem(
            response.status_code, detail=detail, code="invalid", instance=instance, errors=errors
        )
    else:
        detail = api_exception.detail
        response.data = problem(
            response.status_code,
            detail=str(detail),
            code=getattr(detail, "code", None) or api_exception.default_code,
            instance=instance,
        )
    if response.status_code == HTTPStatus.UNAUTHORIZED and "WWW-Authenticate" not in response:
        # A 401 says how to authenticate (RFC 9110); DRF only adds it for its own authentication.
        response["WWW-Authenticate"] = 'Bearer realm="api"'
    response.content_type = CONTENT_TYPE
    return response


def _as_api_exception(exc: Exception) -> exceptions.APIException | None:
    match exc:
        case exceptions.APIException():
            return exc
        case Http404():
            return exceptions.NotFound()
        case DjangoPermissionDenied():
            return exceptions.PermissionDenied()
        case domain.NotFound():
            return exceptions.NotFound(exc.message, code=exc.code)
        case domain.Conflict():
            return ConflictError(exc.message, code=exc.code)
        case domain.Unauthorized():
            return exceptions.AuthenticationFailed(exc.message, code=exc.code)
        case domain.RuleViolation(field=str() as field):
            return exceptions.ValidationError({field: [exc.message]}, code=exc.code)
        case domain.DomainError():
            return exceptions.ValidationError([exc.message], code=exc.code)
    return None


def _field_errors(detail: Any, path: str = "") -> Iterator[dict[str, str]]:
    if isinstance(detail, dict):
        for key, value in detail.items():
            if key == api_settings.NON_FIELD_ERRORS_KEY:
                child = path
            elif isinstance(key, int):
                child = f"{path}[{key}]"
            else:
                child = f"{path}.{key}" if path else str(key)
            yield from _field_errors(value, child)
    elif isinstance(detail, list):
        for index, item in enumerate(detail):
            if isinstance(item, dict | list):
                yield from _field_errors(item, f"{path}[{index}]")
            else:
                yield from _field_errors(item, path)
    else:
        error = {"message": str(detail), "code": getattr(detail, "code", "invalid")}
        yield {"field": path, **error} if path else error


# Django's own error views (``handler400`` ... ``handler500`` in a URLconf),
# for requests that never reach a DRF view.


def bad_request(request: HttpRequest, exception: Exception) -> JsonResponse:
    if isinstance(exception, RequestDataTooBig):
        return _django_problem(
            request, HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "The request body is too large."
        )
    return _django_problem(request, HTTPStatus.BAD_REQUEST, "The request could not be understood.")


def permission_denied(request: HttpRequest, exception: Exception) -> JsonResponse:
    return _django_problem(
        request, HTTPStatus.FORBIDDEN, "You do not have permission to perform this action."
    )


def page_not_found(request: HttpRequest, exception: Exception) -> JsonResponse:
    return _django_problem(request, HTTPStatus.NOT_FOUND, "No resource at this URL.")


def server_error(request: HttpRequest) -> JsonResponse:
    return _django_problem(
        request, HTTPStatus.INTERNAL_SERVER_ERROR, "The server could not complete the request."
    )


_DJANGO_CODES = {
    HTTPStatus.BAD_REQUEST: "bad_request",
    HTTPStatus.FORBIDDEN: "permission_denied",
    HTTPStatus.NOT_FOUND: "not_found",
    HTTPStatus.REQUEST_ENTITY_TOO_LARGE: "request_too_large",
    HTTPStatus.INTERNAL_SERVER_ERROR: "server_error",
}


def _django_problem(request: HttpRequest, status: HTTPStatus, detail: str) -> JsonResponse:
    body = problem(status, detail=detail, code=_DJANGO_CODES[status], instance=request.path)
    return JsonResponse(body, status=status, content_type=CONTENT_TYPE)
