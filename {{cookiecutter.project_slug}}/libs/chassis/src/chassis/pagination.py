"""Page-number pagination with a bounded page size, one query a page.

A client asking for more than ``max_page_size`` items gets a 400 naming
``page_size``, not a silently smaller page it may mistake for the last one; a
page that is not a number from 1 to ``max_page`` a 400 naming ``page``.
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
    # Far past any list a client pages through, and within what the database's OFFSET takes.
    max_page = 2**31 - 1
    # Only numbers: a page is named one way, as the API documents it.
    last_page_strings = ()

    def get_page_size(self, request: Request) -> int:
        return self._number(request, self.page_size_query_param, self.page_size, self.max_page_size)

    def get_page_number(self, request: Request, paginator: Paginator) -> int:
        # A page that is not a number is a 400 naming `page`; one past the end, a 404.
        return self._number(request, self.page_query_param, 1, self.max_page)

    @staticmethod
    def _number(request: Request, name: str, default: int, maximum: int) -> int:
        requested = request.query_params.getlist(name)
        if not requested:
            return default
        if len(requested) > 1:
            raise serializers.ValidationError({name: ["Send this parameter once."]})
        field = serializers.IntegerField(min_value=1, max_value=maximum)
        try:
            return field.run_validation(requested[0])
        except serializers.ValidationError as error:
            raise serializers.ValidationError({name: error.detail}) from error
