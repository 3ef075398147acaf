"""Item endpoints. Each view parses the request, runs one use case and renders its result.

Anyone may read items; changing them takes a token.
"""

from uuid import UUID

from drf_yasg.utils import swagger_auto_schema
from rest_framework import generics, permissions, status
from rest_framework.request import Request
from rest_framework.response import Response

from chassis.api import valid
from chassis.openapi import problem_response

from plain_service.api.serializers import FindItemsSerializer, ItemSerializer
from plain_service.application import items as use_cases
from plain_service.infrastructure.repositories import DjangoItemRepository
from plain_service.infrastructure.unit_of_work import DjangoItemsUnitOfWork

NAME_TAKEN = problem_response("Another item has this name.")


class ItemListView(generics.GenericAPIView):
    serializer_class = ItemSerializer
    permission_classes = (permissions.IsAuthenticatedOrReadOnly,)

    @swagger_auto_schema(query_serializer=FindItemsSerializer, operation_summary="List items")
    def get(self, request: Request) -> Response:
        query = valid(FindItemsSerializer(data=request.query_params))
        found = use_cases.handle_find_items(use_cases.FindItems(**query), DjangoItemRepository())
        page = self.paginate_queryset(found)
        return self.get_paginated_response(ItemSerializer(page, many=True).data)

    @swagger_auto_schema(
        operation_summary="Create an item",
        responses={status.HTTP_201_CREATED: ItemSerializer, status.HTTP_409_CONFLICT: NAME_TAKEN},
    )
    def post(self, request: Request) -> Response:
        data = valid(ItemSerializer(data=request.data))
        item = use_cases.handle_create_item(use_cases.CreateItem(**data), DjangoItemsUnitOfWork())
        return Response(ItemSerializer(item).data, status=status.HTTP_201_CREATED)


class ItemDetailView(generics.GenericAPIView):
    serializer_class = ItemSerializer
    permission_classes = (permissions.IsAuthenticatedOrReadOnly,)

    @swagger_auto_schema(operation_summary="Get an item")
    def get(self, request: Request, item_id: UUID) -> Response:
        item = use_cases.handle_get_item(use_cases.GetItem(item_id), DjangoItemRepository())
        return Response(ItemSerializer(item).data)

    @swagger_auto_schema(
        operation_summary="Replace an item", responses={status.HTTP_409_CONFLICT: NAME_TAKEN}
    )
    def put(self, request: Request, item_id: UUID) -> Response:
        return self._revise(request, item_id, partial=False)

    @swagger_auto_schema(
        operation_summary="Change some fields of an item",
        responses={status.HTTP_409_CONFLICT: NAME_TAKEN},
    )
    def patch(self, request: Request, item_id: UUID) -> Response:
        return self._revise(request, item_id, partial=True)

    @swagger_auto_schema(operation_summary="Delete an item")
    def delete(self, request: Request, item_id: UUID) -> Response:
        use_cases.handle_delete_item(use_cases.DeleteItem(item_id), DjangoItemsUnitOfWork())
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _revise(self, request: Request, item_id: UUID, *, partial: bool) -> Response:
        data = valid(ItemSerializer(data=request.data, partial=partial))
        item = use_cases.handle_revise_item(
            use_cases.ReviseItem(item_id, **data), DjangoItemsUnitOfWork()
        )
        return Response(ItemSerializer(item).data)
