"""Attribute the changes a request makes to its user and to the page or the API."""

from yuanqu.core.changelog import acting


class ChangeContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        source = "api" if request.path.startswith("/api/") else "page"
        with acting(source=source, request=request):
            return self.get_response(request)
