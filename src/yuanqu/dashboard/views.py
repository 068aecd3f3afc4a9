"""The home page and the leaders' cockpit (驾驶舱): the page and its big screen (数据大屏)."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yuanqu.core.access import sees_all_zones
from yuanqu.core.cockpit import Period, Scope
from yuanqu.core.params import MAX_YEAR, MIN_YEAR, to_id, to_int
from yuanqu.dashboard import selectors
from yuanqu.dashboard.cockpit import build_sections, default_period, has_zones, scope_for
from yuanqu.dashboard.display import SectionView, section_view
from yuanqu.zones.models import Zone

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
    sections: list[SectionView] = field(default_factory=list)
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


def _link(name: str, **params) -> str:
    shown = {key: value for key, value in params.items() if value not in (None, "")}
    return f"{reverse(name)}?{urlencode(shown)}" if shown else reverse(name)


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
    # One query for the way up and down: the zones the user sees, with their parents.
    visible = {row["pk"]: row for row in Zone.objects.restrict(request.user).values("pk", "name", "parent_id")}
    here = {"year": period.year, "month": period.month}
    root = _("全市") if sees_all_zones(request.user) else _("全部园区")
    crumbs = [(root, _link(url_name, **here))]
    # The zone in view: the one drilled into, or a zone user's only zone.
    shown = scope.zone if scope.zone is not None else scope.zones[0] if len(scope.zones) == 1 else None
    if shown is not None:
        chain, node = [], visible.get(shown.pk)
        while node is not None and len(chain) < len(visible):
            chain.append(node)
            node = visible.get(node["parent_id"])
        crumbs += [(node["name"], _link(url_name, **here, zone=node["pk"])) for node in reversed(chain)]
        below = sorted((row for row in visible.values() if row["parent_id"] == shown.pk), key=lambda r: r["name"])
        drill = [(row["name"], _link(url_name, **here, zone=row["pk"])) for row in below]
    else:
        drill = (
            [(zone.name, _link(url_name, **here, zone=zone.pk)) for zone in scope.zones] if scope.side_by_side else []
        )
    by_name = dict(drill)
    by_name.update({zone.display_name: url for zone in scope.zones for name, url in drill if name == zone.name})
    sections = [section_view(section, by_name) for section in build_sections(scope, period)]
    query = urlencode({**here, **({"zone": scope.zone.pk} if scope.zone is not None else {})})
    this_year = timezone.localdate().year
    years = sorted({*range(this_year - YEARS_BACK, this_year + 1), period.year}, reverse=True)
    return Cockpit(period, scope, query, crumbs, drill, sections, years, _report_links(query), shown is not None)


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
        "figure_slice": ":4" if dense else ":6",
        "chart_slice": ":2" if dense else ":3",
        "now": timezone.localtime(),
    }
    return render(request, "dashboard/screen.html", context)
