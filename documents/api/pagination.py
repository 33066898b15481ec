from rest_framework.pagination import PageNumberPagination

from ..paging import COUNT_LIMIT, BoundedPaginator


class Pagination(PageNumberPagination):
    """``?page=`` and ``?page_size=`` (default 50, at most 500): the whole org chart fits on
    one page. ``count`` is exact up to COUNT_LIMIT rows and that number beyond (documents.paging):
    a list's cost must not grow with everything its caller can see; ``next`` goes on to the
    last row."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    django_paginator_class = BoundedPaginator

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["properties"]["count"]["description"] = (
            f"How many rows the list has, counted up to {COUNT_LIMIT:,}: at {COUNT_LIMIT:,} "
            "there may be more. Follow `next` until it is null to read every row."
        )
        return response
