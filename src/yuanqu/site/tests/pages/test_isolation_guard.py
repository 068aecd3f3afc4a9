"""The guard of the page isolation matrix: every page route is checked there, or is exempt with its reason.

The page rows live in test_isolation.py and test_isolation_more.py; a route counts as checked when one of
those files names its address (a number or an f-string placeholder where the route takes a parameter).
The API has its own guard (tests/api/test_isolation.py), and the admin its own rows.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..routes import url_routes

MATRIX_FILES = ("test_isolation.py", "test_isolation_more.py")

# Routes outside the matrix, each with why it holds nothing of a zone.
EXEMPT = {
    "/favicon.ico": "a redirect to a static icon",
    "/login/": "the sign-in form, before any user or zone",
    "/logout/": "signs the user out; shows nothing",
    "/land/map/": "a permanent redirect to /map/ (in the matrix), query string kept",
    "/i18n/setlang/": "Django's language switch: sets a cookie and redirects",
    "/land/rules/": "the city's land-use code table and its rules, the same for every zone",
    "/imports/templates/<str:kind>.xlsx": "an empty import template: column headings and examples, no rows",
}

SKIPPED_PREFIXES = ("/api/", "/admin/", "/static/", "/media/")

PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
PLACEHOLDER = r"\{[^{}\n]*\}"


def page_routes() -> set[str]:
    """Every page route of the URL map, as Django writes it ("/zones/<int:pk>/")."""
    return {route for route, _view in url_routes() if not route.startswith(SKIPPED_PREFIXES)}


def route_regex(route: str) -> re.Pattern:
    """The route as it is written in a test: a quoted address, each parameter a value or a placeholder."""
    parts, at = [], 0
    for match in PARAMETER.finditer(route):
        parts.append(re.escape(route[at : match.start()]))
        value = r"\d+" if match["converter"] == "int" else r"[\w.-]+"
        parts.append(f"(?:{value}|{PLACEHOLDER})")
        at = match.end()
    parts.append(re.escape(route[at:]))
    return re.compile(r"""(?<=["'])""" + "".join(parts) + r"""(?=["'?])""")


def matrix_text() -> str:
    here = Path(__file__).parent
    return "\n".join((here / name).read_text(encoding="utf-8") for name in MATRIX_FILES)


def test_route_regex_takes_numbers_and_placeholders_and_nothing_longer():
    regex = route_regex("/chains/<int:pk>/links/<int:node_pk>/edit/")
    assert regex.search("""f"/chains/{c['b'].pk}/links/{c['node_b'].pk}/edit/\"""")
    assert regex.search("'/chains/3/links/41/edit/?next=/'")
    assert not regex.search('"/chains/x/links/41/edit/"')
    assert not regex.search('"/chains/3/links/41/edit/more/"')
    assert not route_regex("/").search('"/zones/"')
    assert route_regex("/imports/export/<str:kind>.<str:fmt>").search('f"/imports/export/{kind}.{fmt}"')


def test_every_page_route_is_in_the_isolation_matrix_or_exempt():
    # A new page needs its rows in test_isolation_more.py (or test_isolation.py), or an exemption with its reason.
    routes = page_routes()
    assert {"/", "/zones/<int:pk>/", "/service/plans/<int:pk>/edit/", "/jobs/<int:pk>/retry/"} <= routes  # control
    assert not any(route.startswith(SKIPPED_PREFIXES) for route in routes)
    text = matrix_text()
    missing = sorted(route for route in routes - set(EXEMPT) if not route_regex(route).search(text))
    assert missing == []
    assert sorted(set(EXEMPT) - routes) == []  # no stale exemption
    assert sorted(route for route in EXEMPT if route_regex(route).search(text)) == []  # exempt yet in the matrix
