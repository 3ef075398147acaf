"""Requests are validated as the API documents them: query parameters not as an HTML form is
read, a change that names nothing refused, OPTIONS answered by every view."""

from uuid import uuid4

import pytest
from django.http import QueryDict
from rest_framework import generics, permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.test import APIRequestFactory, force_authenticate

from chassis.api import QuerySerializer, valid
from chassis.auth import Principal
from chassis.problems import exception_handler


class FindWidgets(QuerySerializer):
    active = serializers.BooleanField(required=False, allow_null=True, default=None)
    size = serializers.IntegerField(required=False, allow_null=True, default=None)
    search = serializers.CharField(required=False, allow_blank=True, default="")


def validated(query: str) -> dict:
    serializer = FindWidgets(data=QueryDict(query))
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def test_a_parameter_left_out_takes_its_default():
    assert validated("") == {"active": None, "size": None, "search": ""}
    assert validated("active=true&size=3&search=") == {"active": True, "size": 3, "search": ""}


@pytest.mark.parametrize("name", ["active", "size"])
def test_a_parameter_sent_empty_is_refused_naming_it(name):
    # DRF alone would read `?active=` as "left out" and filter nothing.
    with pytest.raises(serializers.ValidationError) as refused:
        validated(f"{name}=&search=lamp")

    assert set(refused.value.detail) == {name}
    assert refused.value.detail[name][0].code == "blank"


def test_a_parameter_sent_twice_is_refused_naming_it():
    with pytest.raises(serializers.ValidationError) as refused:
        validated("size=1&size=2")

    assert set(refused.value.detail) == {"size"}
    assert refused.value.detail["size"][0].code == "repeated"


class WidgetChange(serializers.Serializer):
    name = serializers.CharField(max_length=20)
    size = serializers.IntegerField()


@pytest.mark.parametrize("body", [{}, {"unknown": 1}])
def test_a_partial_change_that_names_nothing_to_change_is_refused(body):
    with pytest.raises(serializers.ValidationError) as refused:
        valid(WidgetChange(data=body, partial=True))

    (error,) = refused.value.detail[api_settings.NON_FIELD_ERRORS_KEY]
    assert error.code == "empty"
    assert valid(WidgetChange(data={"size": 3}, partial=True)) == {"size": 3}


class WidgetThroughUseCases(generics.GenericAPIView):
    """Reads and writes through use cases, as every service's views do: it has no queryset."""

    serializer_class = WidgetChange
    permission_classes = (permissions.IsAuthenticated,)

    def put(self, request: Request, number: int) -> Response:
        return Response(valid(WidgetChange(data=request.data)))


def test_options_of_a_view_without_a_queryset_names_its_methods_and_media_types():
    request = APIRequestFactory().options("/widgets/1/", {"name": "x"}, format="json")
    force_authenticate(request, user=Principal(uuid4(), "someone@example.com", frozenset()))

    answered = WidgetThroughUseCases.as_view()(request, number=1)

    assert answered.status_code == 200
    assert answered.data["parses"] == ["application/json"]
    assert "actions" not in answered.data  # the OpenAPI document describes the bodies


class Line(serializers.Serializer):
    sku = serializers.CharField()
    quantity = serializers.IntegerField()


class Order(serializers.Serializer):
    note = serializers.CharField(required=False, allow_null=True)
    email = serializers.EmailField(required=False)
    lines = Line(many=True, required=False)
    tags = serializers.ListField(child=serializers.CharField(), required=False)
    address = Line(required=False)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"note": 0}, "note"),
        ({"note": 1.5}, "note"),
        ({"note": True}, "note"),
        ({"note": ["x"]}, "note"),
        ({"email": 7}, "email"),
        ({"lines": [{"sku": "A", "quantity": 1}, {"sku": 2, "quantity": 1}]}, "lines[1].sku"),
        ({"tags": ["a", 3]}, "tags[1]"),
        ({"address": {"sku": {}, "quantity": 1}}, "address.sku"),
    ],
)
def test_a_string_sent_as_another_value_is_refused_naming_it(body, field):
    with pytest.raises(serializers.ValidationError) as refused:
        valid(Order(data=body))

    answered = exception_handler(refused.value, {"request": None, "view": None})
    assert [error["field"] for error in answered.data["errors"]] == [field]


def test_strings_null_or_left_out_are_for_the_fields_to_judge():
    assert valid(Order(data={"note": None, "lines": [{"sku": "A", "quantity": 2}]})) == {
        "note": None,
        "lines": [{"sku": "A", "quantity": 2}],
    }
