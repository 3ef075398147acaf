"""Query parameters are validated as the API documents them, not as an HTML form is read."""

import pytest
from django.http import QueryDict
from rest_framework import serializers

from chassis.api import QuerySerializer


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
