"""What every service's views share: they parse a request, run one use case, render its result."""

from __future__ import annotations

from typing import Any

from rest_framework.serializers import Serializer


def valid(serializer: Serializer) -> dict[str, Any]:
    """The serializer's validated data; a 400 problem naming each field at fault if invalid."""
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data
