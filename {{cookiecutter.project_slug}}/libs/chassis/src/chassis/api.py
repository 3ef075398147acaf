"""What every service's views share: they parse a request, run one use case, render its result."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rest_framework import parsers, serializers
from rest_framework.exceptions import ErrorDetail, ParseError
from rest_framework.fields import Field
from rest_framework.metadata import SimpleMetadata
from rest_framework.serializers import Serializer
from rest_framework.settings import api_settings

# Deeper than any request of a real API nests; a body nested further is refused before any
# serializer (or the error report of one) walks it.
MAX_JSON_DEPTH = 32


def valid(serializer: Serializer) -> dict[str, Any]:
    """The serializer's validated data; a 400 problem naming each field at fault if invalid.

    A string must be sent as one: DRF's CharField would take the number ``0`` for ``"0"``,
    though the document says a string, and a client sending a number has made a mistake. A
    partial change (a PATCH) must name something to change: one that names nothing is a
    client's mistake too (an empty or a lost body), not a change that succeeded.
    """
    if wrong := _strings_sent_as_other_values(serializer.fields, serializer.initial_data):
        raise serializers.ValidationError(wrong)
    serializer.is_valid(raise_exception=True)
    if serializer.partial and not serializer.validated_data:
        raise serializers.ValidationError(
            {
                api_settings.NON_FIELD_ERRORS_KEY: [
                    ErrorDetail("Name at least one field to change.", code="empty")
                ]
            }
        )
    return serializer.validated_data


def _strings_sent_as_other_values(fields: Mapping[str, Field], data: Any) -> dict[str, Any]:
    """The errors of each string field of `fields` that `data` sends another JSON value for,
    nested serializers and lists included (the shape of DRF's own errors)."""
    if not isinstance(data, Mapping):
        return {}
    wrong: dict[str, Any] = {}
    for name, field in fields.items():
        value = data.get(name)
        if value is None or field.read_only:
            continue  # absent, or null: the field's own rules decide
        if isinstance(field, serializers.CharField) and not isinstance(value, str):
            wrong[name] = [ErrorDetail(field.error_messages["invalid"], code="invalid")]
        elif isinstance(field, serializers.Serializer):
            if nested := _strings_sent_as_other_values(field.fields, value):
                wrong[name] = nested
        elif isinstance(field, serializers.ListSerializer | serializers.ListField):
            in_items = {}
            for index, item in enumerate(value if isinstance(value, list) else ()):
                if found := _strings_sent_as_other_values({name: field.child}, {name: item}):
                    in_items[index] = found[name]
            if in_items:
                wrong[name] = in_items
    return wrong


class OptionsMetadata(SimpleMetadata):
    """What OPTIONS answers: the view's name and the media types it takes and gives.

    The bodies each method takes are the OpenAPI document's to describe. DRF's own metadata
    would describe them too (read-only fields as if a client could send them), and to do so
    for PUT it fetches the object with ``get_object()``, which a view that reads through its
    use cases, without a queryset, does not have: every OPTIONS of such a view was a 500.
    """

    def determine_actions(self, request: Any, view: Any) -> dict[str, Any]:
        return {}


class QuerySerializer(serializers.Serializer):
    """The query parameters of a view, validated as the API documents them.

    DRF reads a query string as it reads an HTML form, where a field sent empty is one left
    out (``?active=`` would list every product, though an empty string is not the boolean the
    document promises) and a field sent twice is the last of them. Here a parameter sent empty
    is refused, unless its field allows blanks, and one sent twice unless it is a list.
    """

    def to_internal_value(self, data: Any) -> Any:
        refused = {}
        for name, field in self.fields.items():
            values = data.getlist(name) if hasattr(data, "getlist") else [data.get(name)]
            if len(values) > 1 and not isinstance(field, serializers.ListField):
                refused[name] = [ErrorDetail("Send this parameter once.", code="repeated")]
            elif values == [""] and not getattr(field, "allow_blank", False):
                refused[name] = [
                    ErrorDetail("Send a value, or leave the parameter out.", code="blank")
                ]
        if refused:
            raise serializers.ValidationError(refused)
        return super().to_internal_value(data)


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, refusing a body nested deeper than :data:`MAX_JSON_DEPTH`.

    Python's decoder recurses once per level: a body of ``[[[[...`` a megabyte long
    would exhaust the interpreter's stack, which is not a fault of the server.
    """

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        too_deep = ParseError(f"JSON parse error - nested deeper than {MAX_JSON_DEPTH} levels.")
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise too_deep from None
        if _depth(data) > MAX_JSON_DEPTH:
            raise too_deep
        return data


def _depth(data: Any) -> int:
    deepest, pending = 0, [(data, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, Mapping | list):
            deepest = max(deepest, depth)
            children = value.values() if isinstance(value, Mapping) else value
            pending.extend((child, depth + 1) for child in children)
    return deepest
