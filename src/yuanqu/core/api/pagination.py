"""Page-number pagination with `count` and `results`."""

from rest_framework import pagination


class Pagination(pagination.PageNumberPagination):
    """Pages of `count` and `results`; `page_size` may be asked for, up to 500."""

    page_size_query_param = "page_size"
    max_page_size = 500
