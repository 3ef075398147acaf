"""Page-number pagination with a bounded page size.

A client asking for more than ``max_page_size`` items gets a 400 naming
``page_size``, not a silently smaller page it may mistake for the last one.
"""

from __future__ import annotations

from rest_framework import pagination, serializers
from rest_framework.request import Request


class PageNumberPagination(pagination.PageNumberPagination):
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
