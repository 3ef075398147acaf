"""The shapes products and stock take on the wire. Money is a decimal string, never a float."""

from rest_framework import serializers

from chassis.api import QuerySerializer

from catalog.domain.products import DESCRIPTION_MAX_LENGTH, NAME_MAX_LENGTH, ListingOrder

PRICE = {"max_digits": 12, "decimal_places": 2, "min_value": 0}


class ListingSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="product.id")
    sku = serializers.CharField(source="product.sku")
    name = serializers.CharField(source="product.name")
    description = serializers.CharField(source="product.description")
    price = serializers.DecimalField(source="product.price.amount", **PRICE)
    currency = serializers.CharField(source="product.price.currency")
    active = serializers.BooleanField(source="product.active")
    available = serializers.IntegerField(help_text="How many can be ordered now.")
    created_at = serializers.DateTimeField(source="product.created_at")
    updated_at = serializers.DateTimeField(source="product.updated_at")


class CreateProductSerializer(serializers.Serializer):
    sku = serializers.CharField(
        max_length=32, help_text="Letters, digits and dashes; stored in capitals."
    )
    name = serializers.CharField(max_length=NAME_MAX_LENGTH)
    description = serializers.CharField(
        max_length=DESCRIPTION_MAX_LENGTH, allow_blank=True, default=""
    )
    price = serializers.DecimalField(**PRICE)
    currency = serializers.CharField(min_length=3, max_length=3, help_text="ISO 4217, e.g. EUR.")


class ReviseProductSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=NAME_MAX_LENGTH, required=False)
    description = serializers.CharField(
        max_length=DESCRIPTION_MAX_LENGTH, allow_blank=True, required=False
    )
    price = serializers.DecimalField(required=False, **PRICE)
    currency = serializers.CharField(min_length=3, max_length=3, required=False)


class ListingSearchSerializer(QuerySerializer):
    active = serializers.BooleanField(required=False, allow_null=True, default=None)
    min_price = serializers.DecimalField(required=False, allow_null=True, default=None, **PRICE)
    max_price = serializers.DecimalField(required=False, allow_null=True, default=None, **PRICE)
    search = serializers.CharField(required=False, default="", allow_blank=True, max_length=100)
    ordering = serializers.ChoiceField(
        choices=[order.value for order in ListingOrder], default=ListingOrder.NAME.value
    )


class StockAdjustmentSerializer(serializers.Serializer):
    change = serializers.IntegerField(
        min_value=-1_000_000,
        max_value=1_000_000,
        help_text="Items counted in (positive) or out (negative).",
    )


class StockLevelSerializer(serializers.Serializer):
    product_id = serializers.UUIDField()
    on_hand = serializers.IntegerField()
    reserved = serializers.IntegerField()
    available = serializers.IntegerField()
