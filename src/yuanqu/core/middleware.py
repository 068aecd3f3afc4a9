"""Attribute the changes a request makes to its user and to the page or the API."""

from yuanqu.core.changelog import acting


class ChangeContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        source = "api" if request.path.startswith("/api/") else "page"
        with acting(source=source, request=request):
            return self.get_response(request)


class ChineseUnlessChosenMiddleware:
    """Pages are in Chinese unless the user picked another language in the menu (kept in a cookie).

    A browser's own language preference is ignored: officials share machines set up in any locale,
    and the platform's language of record is Chinese.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
