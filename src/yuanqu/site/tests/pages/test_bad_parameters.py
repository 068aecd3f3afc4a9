"""No bad parameter gives a 500: every page's and endpoint's query parameters, and every id in a path, fed hostile
values (letters, huge numbers, digits of other scripts, dates of year 1 and 99999, empty, very long, NUL bytes),
as a city administrator and as a zone user.

The pages are discovered, not listed: from the home page, the navigation and the admin index, every link of the site
is followed (one page per route of the URL map), and each page's parameters are the fields of its GET forms and the
keys of its links' query strings. The API's endpoints and their parameters come from its OpenAPI schema.
"""

from __future__ import annotations

import logging
import re
import time
from html import unescape
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from django.test import Client
from django.urls import Resolver404, resolve

from yuanqu.accounts.testing import make_user
from yuanqu.core.access import Role

BAD_VALUES = (
    "abc",
    "9" * 20,  # beyond 2**63, any database's integer
    "²",
    "١٢",  # Arabic-Indic digits: str.isdigit() says yes
    "0001-01-01",
    "99999-12-31",
    "",
    "x" * 2000 + "\x00",  # very long, with a NUL byte (PostgreSQL refuses NUL in text)
)
# Each parameter alone gets these (all of BAD_VALUES go to all of a page's parameters at once as well).
ALONE = ("9" * 20, "²", "0001-01-01", "x" * 2000 + "\x00")
# And these beside the good values the page's own links and forms give its other parameters (a date of year 1
# with a good year reached arithmetic that a bad year had stopped before).
BESIDE = ("9" * 20, "0001-01-01", "9999-12-31")
HUGE_IDS = (str(2**63), "9" * 20)
# Parameters every page of the site that takes parameters (not the admin) is tried with, named or not.
ALWAYS = ("zone", "page")
# Of the admin, the lists take parameters (filters, search, order); its forms and object pages only their ids.
ADMIN_FORM = re.compile(r"^admin/.*(<path:object_id>|/add/|password_change)")
# Never followed: they log out, switch the language or change something on GET.
SKIP = re.compile(r"^/(logout/|admin/logout/|i18n/|static/|media/|admin/r/|api/schema/|api/docs/)")
MAX_PAGES = 400

HREF = re.compile(r"""href=["']([^"'#]+)""")
FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S | re.I)
FIELD = re.compile(r"""<(?:input|select|textarea)\b[^>]*\bname=["']([^"']+)["']""", re.I)
INPUT = re.compile(r"<input\b([^>]*)>", re.I)
ATTRIBUTE = re.compile(r"""\b(name|value)=["']([^"']*)["']""", re.I)


def _route(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.route


def discover(client: Client, starts: list[str]) -> dict[str, tuple[str, set[str], dict[str, str]]]:
    """Route → (one URL of it, the query parameter names seen for it, a good value seen for each), following the
    site's links."""
    pages: dict[str, tuple[str, set[str], dict[str, str]]] = {}
    queue = list(starts)
    seen: set[str] = set()
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        path = urlsplit(url).path
        route = _route(path)
        if route is None or SKIP.match(path):
            continue
        pairs = parse_qsl(urlsplit(url).query, keep_blank_values=True)
        names = {key for key, _value in pairs}
        good = {key: value for key, value in pairs if value}
        if route in pages:
            pages[route][1].update(names)
            pages[route][2].update({k: v for k, v in good.items() if k not in pages[route][2]})
            continue
        response = client.get(url)
        pages[route] = (path, names, good)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode(errors="replace")
        for attributes, body in FORM.findall(html):
            if "post" not in attributes.lower():
                pages[route][1].update(FIELD.findall(body))
                for tag in INPUT.findall(body):
                    found = {k.lower(): v for k, v in ATTRIBUTE.findall(tag)}
                    if found.get("name") and found.get("value"):
                        pages[route][2].setdefault(found["name"], unescape(found["value"]))
        for href in HREF.findall(html):
            href = unescape(href)
            if href.startswith("?"):
                href = path + href
            if href.startswith("/") and not href.startswith("//"):
                queue.append(href)
    return pages


def sweep(client: Client, pages: dict[str, tuple[str, set[str], dict[str, str]]]) -> list[str]:
    """Every page with its parameters bad (all at once, each alone, and each beside the others' good values) and
    every id of its path made huge: the requests answered with a 5xx."""
    failures = []

    def get(url: str) -> None:
        if client.get(url).status_code >= 500:
            failures.append(url[:120])

    for route, (path, names, good) in pages.items():
        tried = set() if ADMIN_FORM.match(route) else names - {"csrfmiddlewaretoken", "next"}
        if tried and not route.startswith(("admin/", "api:")):
            tried |= set(ALWAYS)
        if tried:
            for value in BAD_VALUES:
                get(f"{path}?{urlencode(dict.fromkeys(sorted(tried), value))}")
            if len(tried) > 1:
                for name in sorted(tried):
                    for value in ALONE:
                        get(f"{path}?{urlencode({name: value})}")
                    others = {key: value for key, value in good.items() if key in tried and key != name}
                    if others:
                        for value in BESIDE:
                            get(f"{path}?{urlencode(others | {name: value})}")
        for number in set(re.findall(r"/(\d+)(?=/|\.)", path)):
            for huge in HUGE_IDS:
                get(re.sub(rf"/{number}(?=/|\.)", f"/{huge}", path))
    return failures


@pytest.fixture(autouse=True)
def quiet_request_log():
    """Thousands of refused requests would each log a warning (with a traceback for a 400); the test counts them."""
    logging.disable(logging.WARNING)
    yield
    logging.disable(logging.NOTSET)


@pytest.fixture
def everything(db):
    """A small demo city, so every page of every app (land, enterprises, projects, evaluation, ranking, supervision,
    service, chains, the cockpit) has objects to link to; its first zone, which a zone user is given."""
    from yuanqu.demo.builder import build_demo_city
    from yuanqu.zones.models import Zone

    build_demo_city(seed=7, enterprises=60, parcels=80, years=2, log=False)
    return Zone.objects.filter(parent=None).order_by("pk").first()


STARTS = ["/", "/admin/", "/imports/", "/users/", "/ranking/peers/", "/map/basemaps/"]


@pytest.mark.parametrize("who", ["city_admin", "zone_user"])
def test_no_page_answers_500_to_a_bad_parameter(everything, city_admin, who):
    user = city_admin if who == "city_admin" else make_user("sweep_a", Role.ZONE_ADMIN, zones=[everything])
    client = Client(raise_request_exception=False)  # a 500 is counted, not raised
    client.force_login(user)
    started = time.perf_counter()
    pages = discover(client, STARTS)
    assert len(pages) >= (80 if who == "city_admin" else 40)  # the crawl reached the site, not just the home page
    assert sweep(client, pages) == []
    print(f"{who}: {len(pages)} routes in {time.perf_counter() - started:.0f} s")


def api_endpoints() -> dict[str, tuple[str, set[str]]]:
    """Every GET operation of the API's OpenAPI schema → (its path with each id made 1, its query parameters)."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    endpoints = {}
    for path, operations in schema["paths"].items():
        operation = operations.get("get")
        if operation is None:
            continue
        names = {p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"}
        endpoints[path] = (re.sub(r"\{[^}]+\}", "1", path), names)
    return endpoints


@pytest.mark.parametrize("who", ["city_admin", "zone_user"])
def test_no_api_endpoint_answers_500_to_a_bad_parameter(everything, city_admin, who):
    user = city_admin if who == "city_admin" else make_user("sweep_api_a", Role.ZONE_STAFF, zones=[everything])
    client = Client(raise_request_exception=False)
    client.force_login(user)
    endpoints = api_endpoints()
    assert len(endpoints) >= 30
    # Path ids: the sweep makes each one huge.
    swept = {f"api:{path}": (url, names - {"format"}, {}) for path, (url, names) in endpoints.items()}
    assert sweep(client, swept) == []
