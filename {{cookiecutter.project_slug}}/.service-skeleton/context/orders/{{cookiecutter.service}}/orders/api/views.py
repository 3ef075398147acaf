"""Order endpoints. Each view parses the request, runs one use case and renders its result.

Every endpoint needs a token, and answers only about the caller's own orders:
someone else's order is a 404, as if it did not exist.
"""

from uuid import UUID

from drf_yasg.utils import no_body, swagger_auto_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response

from chassis.api import valid
from chassis.openapi import problem_response

from orders.api import serializers
from orders.application import orders
from orders.domain.orders import OrderStatus, RequestedLine
from orders.infrastructure.repositories import DjangoOrderReader
from orders.infrastructure.unit_of_work import DjangoOrdersUnitOfWork


class OrderListView(generics.GenericAPIView):
    serializer_class = serializers.OrderSerializer

    @swagger_auto_schema(
        query_serializer=serializers.FindOrdersSerializer, operation_summary="List my orders"
    )
    def get(self, request: Request) -> Response:
        query = valid(serializers.FindOrdersSerializer(data=request.query_params))
        status_filter = OrderStatus(query["status"]) if query["status"] else None
        found = orders.handle_find_orders(
            orders.FindOrders(request.user.id, status_filter), DjangoOrderReader()
        )
        page = self.paginate_queryset(found)
        return self.get_paginated_response(serializers.OrderSerializer(page, many=True).data)

    @swagger_auto_schema(
        operation_summary="Place an order",
        request_body=serializers.PlaceOrderSerializer,
        responses={status.HTTP_201_CREATED: serializers.OrderSerializer},
    )
    def post(self, request: Request) -> Response:
        data = valid(serializers.PlaceOrderSerializer(data=request.data))
        command = orders.PlaceOrder(
            customer_id=request.user.id,
            customer_email=request.user.email,
            lines=tuple(
                RequestedLine(line["product_id"], line["quantity"]) for line in data["lines"]
            ),
        )
        order = orders.handle_place_order(command, DjangoOrdersUnitOfWork())
        return Response(serializers.OrderSerializer(order).data, status=status.HTTP_201_CREATED)


class OrderDetailView(generics.GenericAPIView):
    serializer_class = serializers.OrderSerializer

    @swagger_auto_schema(operation_summary="Get one of my orders")
    def get(self, request: Request, order_id: UUID) -> Response:
        order = orders.handle_get_order(
            orders.GetOrder(request.user.id, order_id), DjangoOrderReader()
        )
        return Response(serializers.OrderSerializer(order).data)


class CancelOrderView(generics.GenericAPIView):
    serializer_class = serializers.OrderSerializer

    @swagger_auto_schema(
        operation_summary="Cancel one of my orders",
        request_body=no_body,
        responses={
            status.HTTP_200_OK: serializers.OrderSerializer,
            status.HTTP_409_CONFLICT: problem_response(
                "The order has ended and cannot be cancelled."
            ),
        },
    )
    def post(self, request: Request, order_id: UUID) -> Response:
        order = orders.handle_cancel_order(
            orders.CancelOrder(request.user.id, order_id), DjangoOrdersUnitOfWork()
        )
        return Response(serializers.OrderSerializer(order).data)
