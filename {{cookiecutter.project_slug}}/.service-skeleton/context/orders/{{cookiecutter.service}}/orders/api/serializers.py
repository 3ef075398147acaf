"""The shapes orders take on the wire. Money is a decimal string, never a float."""

from rest_framework import serializers

from chassis.api import QuerySerializer

from orders.domain.orders import MAX_LINES, MAX_QUANTITY, OrderStatus

MONEY = {"max_digits": 14, "decimal_places": 2}


class OrderLineSerializer(serializers.Serializer):
    product_id = serializers.UUIDField()
    sku = serializers.CharField()
    name = serializers.CharField()
    unit_price = serializers.DecimalField(source="unit_price.amount", **MONEY)
    quantity = serializers.IntegerField()
    total = serializers.DecimalField(source="total.amount", **MONEY)


class OrderSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    status = serializers.ChoiceField(choices=[status.value for status in OrderStatus])
    reason = serializers.CharField(help_text="Why the order was rejected or expired.")
    lines = OrderLineSerializer(many=True)
    total = serializers.DecimalField(source="total.amount", **MONEY)
    currency = serializers.CharField(source="total.currency")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class RequestedLineSerializer(serializers.Serializer):
    product_id = serializers.UUIDField()
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY)


class PlaceOrderSerializer(serializers.Serializer):
    lines = RequestedLineSerializer(many=True, max_length=MAX_LINES)


class FindOrdersSerializer(QuerySerializer):
    status = serializers.ChoiceField(
        choices=[status.value for status in OrderStatus],
        required=False,
        allow_null=True,
        default=None,
    )
