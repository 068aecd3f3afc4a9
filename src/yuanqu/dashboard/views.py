"""The home page and the leaders' cockpit (驾驶舱): the page and its big screen (数据大屏)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseNotFound
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yuanqu.core.cockpit import Period, Scope
from yuanqu.core.params import MAX_YEAR, MIN_YEAR, to_id, to_int
from yuanqu.dashboard import selectors
from yuanqu.dashboard.cockpit import default_period, has_zones, rendered_sections, scope_for
from yuanqu.dashboard.display import SectionFragment, served
from yuanqu.dashboard.drawing import PAGES, query_of, screen_slices, table_drawer, ways

YEARS_BACK = 5  # the years the selector offers before the current one


@login_required
def home(request):
    context = {
        "board": selectors.overview(user=request.user),
        "page_panels": selectors.cards(request),
        "cockpit": has_zones(request.user),
    }
    return render(request, "dashboard/home.html", context)


@dataclass
class Cockpit:
    """What both cockpit pages show: the period, the scope, the way back up and down, the sections."""

    period: Period
    scope: Scope
    query: str  # year, month and zone of this view, for links to the other view and the report
    crumbs: list[tuple[str, str]]  # (label, url) from the whole city down to the zone shown
    drill: list[tuple[str, str]]  # (zone name, url): the zones one level down
    sections: list[SectionFragment] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    reports: list[tuple[str, str]] = field(default_factory=list)  # (format, url) of the monthly report
    sub_parks: bool = False  # ``drill`` lists the sub-parks of the zone in view (else the zones side by side)


def _period(request) -> Period:
    """The year and month asked for; a value that is none of them gives the current month's (never an error:
    a leader's bookmark with a stale or mistyped period still opens)."""
    today = timezone.localdate()
    default = default_period(today)
    year = to_int(request.GET.get("year"), low=MIN_YEAR, high=MAX_YEAR) or default.year
    month = to_int(request.GET.get("month"), low=1, high=12) or default.month
    return Period(year, month, today)


def _report_links(query: str) -> list[tuple[str, str]]:
    """The monthly report for this period and zone, in both formats, once the report's page exists."""
    try:
        url = reverse("dashboard:monthly-report")
    except NoReverseMatch:
        return []
    return [(kind, f"{url}?{query}&format={kind}") for kind in ("docx", "xlsx")]


def _cockpit(request, url_name: str) -> Cockpit:
    period = _period(request)
    scope = scope_for(request.user, zone_id=to_id(request.GET.get("zone")))
    found = ways(request.user, scope, period, url_name)
    query = query_of(scope, period)
    # Each section's part of the page as drawn when its figures were built (per scope, period, language and page):
    # a warm page joins them without unpickling the sections or drawing them again.
    made = rendered_sections(scope, period, variant=url_name, render=PAGES[url_name](found, query))
    sections = [served(fragment, stale) for fragment, stale in made]
    this_year = timezone.localdate().year
    years = sorted({*range(this_year - YEARS_BACK, this_year + 1), period.year}, reverse=True)
    return Cockpit(
        period,
        scope,
        query,
        found.crumbs,
        found.drill,
        sections,
        years,
        _report_links(query),
        found.shown is not None,
    )


@login_required
def cockpit(request):
    board = _cockpit(request, "dashboard:cockpit")
    return render(request, "dashboard/cockpit.html", {"board": board, "months": range(1, 13)})


@login_required
def cockpit_screen(request):
    board = _cockpit(request, "dashboard:cockpit-screen")
    count = len(board.sections)
    # Panels in a grid that fills 1920×1080: two rows once there are more than two sections.
    columns = 1 if count <= 1 else 2 if count <= 4 else 3 if count <= 6 else 4
    dense = columns >= 3  # smaller panels: fewer figures and charts each (the page shows them all)
    context = {
        "board": board,
        "columns": columns,
        "dense": dense,
        **screen_slices(dense),
        "now": timezone.localtime(),
    }
    return render(request, "dashboard/screen.html", context)


TABLE_KEY = re.compile(r"[\w-]{1,64}")


@login_required
def cockpit_table(request):
    """One table of a cockpit section in full (the page shows its first rows): for the same zones, period and
    language as the page, so for the user's own zones only (a zone not the user's is ignored, as on the page)."""
    section_key, table_key = request.GET.get("section", ""), request.GET.get("table", "")
    if not TABLE_KEY.fullmatch(section_key) or not TABLE_KEY.fullmatch(table_key):
        return HttpResponseBadRequest(_("缺少或无效的参数：section、table"))
    period = _period(request)
    scope = scope_for(request.user, zone_id=to_id(request.GET.get("zone")))
    found = ways(request.user, scope, period, "dashboard:cockpit")
    made = rendered_sections(
        scope, period, variant=f"table:{table_key}", render=table_drawer(found, table_key), keys=[section_key]
    )
    html = made[0][0] if made else ""
    if not html:
        return HttpResponseNotFound(_("驾驶舱中没有这张表"))
    if request.headers.get("HX-Request"):
        return HttpResponse(html)
    return render(request, "dashboard/cockpit/table.html", {"table": html, "query": query_of(scope, period)})
