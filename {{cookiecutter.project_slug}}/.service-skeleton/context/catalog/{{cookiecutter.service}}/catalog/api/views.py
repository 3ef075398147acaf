"""Product and stock endpoints. Each view parses the request, runs one use case and renders its result.

Anyone may browse the catalog; changing it takes a token with the staff role.
"""

from uuid import UUID

from django.http import HttpResponse
from drf_yasg.utils import no_body, swagger_auto_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response

from chassis.api import valid
from chassis.auth import ReadOnlyOrStaff
from chassis.caching import cached_json
from chassis.openapi import problem_response

from catalog.api import serializers
from catalog.application import products, stock
from catalog.domain.products import ListingOrder, ListingSearch
from catalog.infrastructure.cache import read_cache_for
from catalog.infrastructure.repositories import DjangoListingReader
from catalog.infrastructure.unit_of_work import DjangoCatalogUnitOfWork

SKU_TAKEN = problem_response("Another product has this SKU.")


class ProductListView(generics.GenericAPIView):
    serializer_class = serializers.ListingSerializer
    permission_classes = (ReadOnlyOrStaff,)

    @swagger_auto_schema(
        query_serializer=serializers.ListingSearchSerializer, operation_summary="List products"
    )
    def get(self, request: Request) -> HttpResponse:
        cache = read_cache_for(set(request.query_params))
        return cached_json(cache, request, lambda: self._page(request))

    def _page(self, request: Request) -> dict:
        query = valid(serializers.ListingSearchSerializer(data=request.query_params))
        search = ListingSearch(
            active=query["active"],
            min_price=query["min_price"],
            max_price=query["max_price"],
            text=query["search"],
            order=ListingOrder(query["ordering"]),
        )
        listings = products.handle_find_listings(search, DjangoListingReader())
        page = self.paginate_queryset(listings)
        return self.paginator.get_paginated_response(
            serializers.ListingSerializer(page, many=True).data
        ).data

    @swagger_auto_schema(
        operation_summary="Create a product (staff)",
        request_body=serializers.CreateProductSerializer,
        responses={
            status.HTTP_201_CREATED: serializers.ListingSerializer,
            status.HTTP_409_CONFLICT: SKU_TAKEN,
        },
    )
    def post(self, request: Request) -> Response:
        data = valid(serializers.CreateProductSerializer(data=request.data))
        product = products.handle_create_product(
            products.CreateProduct(**data), DjangoCatalogUnitOfWork()
        )
        return _listing_response(product.id, status.HTTP_201_CREATED)


class ProductDetailView(generics.GenericAPIView):
    serializer_class = serializers.ListingSerializer
    permission_classes = (ReadOnlyOrStaff,)

    @swagger_auto_schema(operation_summary="Get a product")
    def get(self, request: Request, product_id: UUID) -> HttpResponse:
        def listing() -> dict:
            found = products.handle_get_listing(
                products.GetListing(product_id), DjangoListingReader()
            )
            return serializers.ListingSerializer(found).data

        return cached_json(read_cache_for(set(request.query_params)), request, listing)

    @swagger_auto_schema(
        operation_summary="Change some fields of a product (staff)",
        request_body=serializers.ReviseProductSerializer,
        responses={200: serializers.ListingSerializer},
    )
    def patch(self, request: Request, product_id: UUID) -> Response:
        data = valid(serializers.ReviseProductSerializer(data=request.data, partial=True))
        products.handle_revise_product(
            products.ReviseProduct(product_id, **data), DjangoCatalogUnitOfWork()
        )
        return _listing_response(product_id)


class DeactivateProductView(generics.GenericAPIView):
    serializer_class = serializers.ListingSerializer
    permission_classes = (ReadOnlyOrStaff,)

    @swagger_auto_schema(
        operation_summary="Take a product off sale (staff)",
        request_body=no_body,
        responses={status.HTTP_200_OK: serializers.ListingSerializer},
    )
    def post(self, request: Request, product_id: UUID) -> Response:
        products.handle_deactivate_product(
            products.DeactivateProduct(product_id), DjangoCatalogUnitOfWork()
        )
        return _listing_response(product_id)


class ActivateProductView(generics.GenericAPIView):
    serializer_class = serializers.ListingSerializer
    permission_classes = (ReadOnlyOrStaff,)

    @swagger_auto_schema(
        operation_summary="Put a product back on sale (staff)",
        request_body=no_body,
        responses={status.HTTP_200_OK: serializers.ListingSerializer},
    )
    def post(self, request: Request, product_id: UUID) -> Response:
        products.handle_activate_product(
            products.ActivateProduct(product_id), DjangoCatalogUnitOfWork()
        )
        return _listing_response(product_id)


class StockAdjustmentView(generics.GenericAPIView):
    serializer_class = serializers.StockLevelSerializer
    permission_classes = (ReadOnlyOrStaff,)

    @swagger_auto_schema(
        operation_summary="Count stock in or out (staff)",
        request_body=serializers.StockAdjustmentSerializer,
        responses={status.HTTP_200_OK: serializers.StockLevelSerializer},
    )
    def post(self, request: Request, product_id: UUID) -> Response:
        data = valid(serializers.StockAdjustmentSerializer(data=request.data))
        level = stock.handle_adjust_stock(
            stock.AdjustStock(product_id, data["change"]), DjangoCatalogUnitOfWork()
        )
        return Response(serializers.StockLevelSerializer(level).data)


def _listing_response(product_id: UUID, status_code: int = status.HTTP_200_OK) -> Response:
    # Read back through the database, not the cache: the write has only just committed.
    listing = products.handle_get_listing(products.GetListing(product_id), DjangoListingReader())
    return Response(serializers.ListingSerializer(listing).data, status=status_code)
