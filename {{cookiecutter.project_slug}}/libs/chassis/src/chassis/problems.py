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

A server the service depends on being away (the database, Redis, the broker of
its task queue) is a passing state of the system, not a fault of the request or
of the code: the answer is a 503 ``unavailable`` with ``Retry-After``, and the
log says which server, as a warning.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from http import HTTPStatus
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, JsonResponse
from django_guid import get_guid
from kombu.exceptions import OperationalError as BrokerUnavailable
from redis import ConnectionError as RedisConnectionError
from redis import TimeoutError as RedisTimeoutError
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from chassis import domain

CONTENT_TYPE = "application/problem+json"

logger = logging.getLogger(__name__)

# What a server being away raises: the database (connecting, or the connection lost midway;
# a deadlock or a statement cut short by its timeout too, which a retry may get past), Redis
# and the task queue's broker.
SERVER_AWAY = (
    OperationalError,
    InterfaceError,
    RedisConnectionError,
    RedisTimeoutError,
    BrokerUnavailable,
)
# How soon a client may try again: a server that comes back is used at the next request.
RETRY_AFTER_SECONDS = 5


class ConflictError(exceptions.APIException):
    status_code = HTTPStatus.CONFLICT
    default_detail = "The request conflicts with the current state of the resource."
    default_code = "conflict"


class Unavailable(exceptions.APIException):
    status_code = HTTPStatus.SERVICE_UNAVAILABLE
    default_detail = "The service cannot answer right now: try again shortly."
    default_code = "unavailable"
    # DRF's handler turns it into Retry-After, as for a throttled request.
    wait = RETRY_AFTER_SECONDS


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
        case _ if isinstance(exc, SERVER_AWAY):
            _log_server_away(exc)
            return Unavailable()
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
        case domain.TooManyAttempts():
            return exceptions.Throttled(exc.retry_after, detail=exc.message, code=exc.code)
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
    # Django calls it while handling the exception, which is still at hand.
    if isinstance(error := sys.exc_info()[1], SERVER_AWAY):
        _log_server_away(error)
        response = _django_problem(
            request, HTTPStatus.SERVICE_UNAVAILABLE, Unavailable.default_detail
        )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return _django_problem(
        request, HTTPStatus.INTERNAL_SERVER_ERROR, "The server could not complete the request."
    )


def _log_server_away(error: BaseException) -> None:
    logger.warning("A server is away (%s: %s): answering 503", type(error).__name__, error)


_DJANGO_CODES = {
    HTTPStatus.BAD_REQUEST: "bad_request",
    HTTPStatus.FORBIDDEN: "permission_denied",
    HTTPStatus.NOT_FOUND: "not_found",
    HTTPStatus.REQUEST_ENTITY_TOO_LARGE: "request_too_large",
    HTTPStatus.INTERNAL_SERVER_ERROR: "server_error",
    HTTPStatus.SERVICE_UNAVAILABLE: Unavailable.default_code,
}


def _django_problem(request: HttpRequest, status: HTTPStatus, detail: str) -> JsonResponse:
    body = problem(status, detail=detail, code=_DJANGO_CODES[status], instance=request.path)
    return JsonResponse(body, status=status, content_type=CONTENT_TYPE)
