"""A service's WSGI application with one endpoint more, for `make bench` alone:

    gunicorn --config python:chassis.gunicorn chassis.benchmark

``GET /bench/reference`` is the least a DRF endpoint can do (a constant, no
database, no cache), behind the same middleware, authentication and Gunicorn as
the service's own endpoints: what the bench measures those against. It is not
part of any service's API; only the bench serves it.
"""

from __future__ import annotations

import os
from importlib import import_module

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.urls import path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()

from rest_framework.permissions import AllowAny  # noqa: E402 - needs Django set up
from rest_framework.request import Request  # noqa: E402
from rest_framework.response import Response  # noqa: E402
from rest_framework.views import APIView  # noqa: E402


class Reference(APIView):
    permission_classes = (AllowAny,)

    def get(self, request: Request) -> Response:
        return Response({"status": "ok"})


# Before the service's own patterns, so that resolving it costs one comparison.
urlpatterns = [
    path("bench/reference", Reference.as_view()),
    *import_module(settings.ROOT_URLCONF).urlpatterns,
]
settings.ROOT_URLCONF = __name__
