"""What every service's views share: they parse a request, run one use case, render its result."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rest_framework import parsers, serializers
from rest_framework.exceptions import ErrorDetail, ParseError
from rest_framework.serializers import Serializer

# Deeper than any request of a real API nests; a body nested further is refused before any
# serializer (or the error report of one) walks it.
MAX_JSON_DEPTH = 32


def valid(serializer: Serializer) -> dict[str, Any]:
    """The serializer's validated data; a 400 problem naming each field at fault if invalid."""
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


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
