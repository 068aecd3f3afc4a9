"""The routes of the URL map, for the isolation matrices' guards: each fails on an address it does not name."""

from __future__ import annotations

from collections.abc import Iterator


def url_routes() -> Iterator[tuple[str, object]]:
    """Every route of the URL map as Django writes it ("/zones/<int:pk>/", a router's regex anchors removed), with
    its view."""
    from django.urls import URLPattern, URLResolver, get_resolver

    def walk(patterns, prefix: str) -> Iterator[tuple[str, object]]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield "/" + (prefix + str(pattern.pattern)).replace("^", "").replace("$", ""), pattern.callback

    yield from walk(get_resolver().url_patterns, "")
