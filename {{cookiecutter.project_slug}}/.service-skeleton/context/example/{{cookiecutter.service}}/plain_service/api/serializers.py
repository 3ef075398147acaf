"""The shapes items take on the wire."""

from rest_framework import serializers

from chassis.api import QuerySerializer

from plain_service.domain.items import DESCRIPTION_MAX_LENGTH, NAME_MAX_LENGTH


class ItemSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    name = serializers.CharField(max_length=NAME_MAX_LENGTH)
    description = serializers.CharField(
        max_length=DESCRIPTION_MAX_LENGTH, allow_blank=True, default=""
    )
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)


class FindItemsSerializer(QuerySerializer):
    search = serializers.CharField(
        required=False, default="", allow_blank=True, max_length=NAME_MAX_LENGTH
    )
