"""How the cockpit's pages draw the sections (``yuanqu.core.cockpit.Section``) into the parts they join: the page
with its long tables cut to their first rows, the big screen's panels, a table in full. The parts are drawn once
per data version and kept (``dashboard.cockpit.rendered_sections``), by a request or by the warm-up."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from yuanqu.core.access import sees_all_zones
from yuanqu.core.cockpit import Period, Scope, Section
from yuanqu.dashboard.display import SHOWN_ROWS, SectionFragment, fragment, section_view, table_html, table_view
from yuanqu.zones.models import Zone


def link(name: str, **params) -> str:
    shown = {key: value for key, value in params.items() if value not in (None, "")}
    return f"{reverse(name)}?{urlencode(shown)}" if shown else reverse(name)


@dataclass
class Ways:
    """The way up from the zone in view (crumbs), the way down (drill), and the cockpit of each zone a table row
    may name (by its name)."""

    crumbs: list[tuple[str, str]]
    drill: list[tuple[str, str]]
    by_name: dict[str, str]
    shown: Zone | None


def ways(user, scope: Scope, period: Period, url_name: str) -> Ways:
    """The ways up and down from the scope for ``user`` on the page ``url_name``, for the period."""
    # One query for the way up and down: the zones the user sees, with their parents.
    visible = {row["pk"]: row for row in Zone.objects.restrict(user).values("pk", "name", "parent_id")}
    here = {"year": period.year, "month": period.month}
    root = _("全市") if sees_all_zones(user) else _("全部园区")
    crumbs = [(root, link(url_name, **here))]
    # The zone in view: the one drilled into, or a zone user's only zone.
    shown = scope.zone if scope.zone is not None else scope.zones[0] if len(scope.zones) == 1 else None
    if shown is not None:
        chain, node = [], visible.get(shown.pk)
        while node is not None and len(chain) < len(visible):
            chain.append(node)
            node = visible.get(node["parent_id"])
        crumbs += [(node["name"], link(url_name, **here, zone=node["pk"])) for node in reversed(chain)]
        below = sorted((row for row in visible.values() if row["parent_id"] == shown.pk), key=lambda r: r["name"])
        drill = [(row["name"], link(url_name, **here, zone=row["pk"])) for row in below]
    else:
        drill = (
            [(zone.name, link(url_name, **here, zone=zone.pk)) for zone in scope.zones] if scope.side_by_side else []
        )
    by_name = dict(drill)
    by_name.update({zone.display_name: url for zone in scope.zones for name, url in drill if name == zone.name})
    return Ways(crumbs, drill, by_name, shown)


def query_of(scope: Scope, period: Period) -> str:
    zone = {"zone": scope.zone.pk} if scope.zone is not None else {}
    return urlencode({"year": period.year, "month": period.month, **zone})


def page_drawer(ways: Ways, query: str):
    """How the cockpit page draws a section: long tables cut to their first rows, the rest on demand."""
    table_url = reverse("dashboard:cockpit-table")

    def render(section) -> SectionFragment:
        def more(table_key: str) -> str:
            return f"{table_url}?{query}&{urlencode({'section': section.key, 'table': table_key})}"

        view = section_view(section, ways.by_name, limit=SHOWN_ROWS, more=more)
        return fragment(view, render_to_string("dashboard/cockpit/section.html", {"section": view}))

    return render


def screen_drawer(ways: Ways, query: str):
    """How the big screen draws a section: roomy, and dense for a screen of many sections (``cockpit_screen``)."""

    def render(section) -> SectionFragment:
        view = section_view(section, ways.by_name, tables=False)
        roomy, dense = (
            render_to_string("dashboard/cockpit/panel.html", {"section": view, **screen_slices(dense)})
            for dense in (False, True)
        )
        return fragment(view, roomy, dense)

    return render


def screen_slices(dense: bool) -> dict:
    return {"figure_slice": ":4" if dense else ":6", "chart_slice": ":2" if dense else ":3"}


def table_drawer(ways: Ways, table_key: str):
    """How the table ``table_key`` of a section is drawn in full ("" for a section without it)."""

    def render(section: Section) -> str:
        for table in section.tables:
            if table.key == table_key:
                return table_html(table_view(table, ways.by_name), section.key)
        return ""

    return render


# The pages the warm-up draws ahead of a look (by URL name): how each draws a section.
PAGES = {"dashboard:cockpit": page_drawer, "dashboard:cockpit-screen": screen_drawer}
