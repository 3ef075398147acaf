"""Views that fail in every way a real service can, for the chassis's tests."""

from uuid import uuid4

from django.core.cache import cache
from django.http import Http404, HttpRequest, JsonResponse
from drf_yasg.utils import swagger_auto_schema
from rest_framework import generics, permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from chassis import domain
from chassis.api import valid
from chassis.auth import IsStaff

from tests.models import Effect

WIDGETS = [{"number": number} for number in range(1, 251)]


class LineSerializer(serializers.Serializer):
    quantity = serializers.IntegerField(min_value=1)


class WidgetSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=20)
    lines = LineSerializer(many=True)


class WidgetOutputSerializer(serializers.Serializer):
    number = serializers.IntegerField(min_value=1)
    label = serializers.CharField(max_length=20, required=False)


class WidgetList(generics.GenericAPIView):
    serializer_class = WidgetOutputSerializer
    permission_classes = (permissions.AllowAny,)

    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(WIDGETS)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @swagger_auto_schema(request_body=WidgetSerializer)
    def post(self, request: Request) -> Response:
        serializer = WidgetSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response(serializer.validated_data, status=201)


class WidgetDetail(generics.GenericAPIView):
    serializer_class = WidgetOutputSerializer
    permission_classes = (permissions.AllowAny,)

    def get(self, request: Request, number: int) -> Response:
        if not 1 <= number <= len(WIDGETS):
            raise Http404
        return Response(WIDGETS[number - 1])

    @swagger_auto_schema(request_body=WidgetSerializer)
    def patch(self, request: Request, number: int) -> Response:
        return Response(
            {"number": number, **valid(WidgetSerializer(data=request.data, partial=True))}
        )


class Failure(APIView):
    permission_classes = (permissions.AllowAny,)

    def get(self, request: Request, kind: str) -> Response:
        match kind:
            case "not-found":
                raise domain.NotFound("No widget 7.")
            case "conflict":
                raise domain.Conflict("The widget is already shipped.", code="already_shipped")
            case "rule":
                raise domain.RuleViolation("Too heavy.", field="weight", code="too_heavy")
            case "too-many-attempts":
                raise domain.TooManyAttempts("Wait a minute.", retry_after=60)
            case "crash":
                raise RuntimeError("secret internals")
        return Response({"kind": kind})


class Me(APIView):
    """Needs a token, as every view does unless it says otherwise."""

    def get(self, request: Request) -> Response:
        user = request.user
        return Response({"id": str(user.id), "email": user.email, "roles": sorted(user.roles)})


class StaffOnly(APIView):
    permission_classes = (IsStaff,)

    def post(self, request: Request) -> Response:
        return Response({"done": True})


class Effects(APIView):
    """Reads and writes the database, as most views do."""

    permission_classes = (permissions.AllowAny,)

    def get(self, request: Request) -> Response:
        return Response({"count": Effect.objects.count()})

    def post(self, request: Request) -> Response:
        effect = Effect.objects.create(event_id=uuid4(), number=0)
        return Response({"id": effect.pk}, status=201)


class CachedEffects(APIView):
    """Reads through Django's cache (Redis), as a view may."""

    permission_classes = (permissions.AllowAny,)

    def get(self, request: Request) -> Response:
        return Response({"count": cache.get_or_set("effects", Effect.objects.count, timeout=1)})


def effects_page(request: HttpRequest) -> JsonResponse:
    """Reads the database outside DRF, as Django's admin does."""
    return JsonResponse({"count": Effect.objects.count()})
