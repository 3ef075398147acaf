"""Page-number pagination with a bounded page size, one query a page.

A client asking for more than ``max_page_size`` items gets a 400 naming
``page_size``, not a silently smaller page it may mistake for the last one.
Django's paginator counts the rows, then reads the page: two round trips to
the database for every list. A repository's :class:`~chassis.persistence.EntityPage`
is read and counted in one.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from rest_framework import pagination, serializers
from rest_framework.request import Request

from chassis.persistence import EntityPage


class OneQueryPaginator(Paginator):
    def page(self, number: Any) -> Page:
        try:
            wanted = int(number)
        except (TypeError, ValueError):
            wanted = 0
        if not isinstance(self.object_list, EntityPage) or wanted < 1 or self.orphans:
            return super().page(number)
        bottom = (wanted - 1) * self.per_page
        entities, count = self.object_list.slice_and_count(bottom, bottom + self.per_page)
        if count is None:  # past the end, or nothing at all: Django counts and says which
            return super().page(number)
        self.__dict__["count"] = count  # Paginator.count is a cached property
        return self._get_page(entities, wanted, self)


class PageNumberPagination(pagination.PageNumberPagination):
    django_paginator_class = OneQueryPaginator
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_size(self, request: Request) -> int:
        requested = request.query_params.get(self.page_size_query_param)
        if requested is None:
            return self.page_size
        field = serializers.IntegerField(min_value=1, max_value=self.max_page_size)
        try:
            return field.run_validation(requested)
        except serializers.ValidationError as error:
            raise serializers.ValidationError({self.page_size_query_param: error.detail}) from error
