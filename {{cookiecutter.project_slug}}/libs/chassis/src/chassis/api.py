"""What every service's views share: they parse a request, run one use case, render its result."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.serializers import Serializer

# Deeper than any request of a real API nests; a body nested further is refused before any
# serializer (or the error report of one) walks it.
MAX_JSON_DEPTH = 32


def valid(serializer: Serializer) -> dict[str, Any]:
    """The serializer's validated data; a 400 problem naming each field at fault if invalid."""
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


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
