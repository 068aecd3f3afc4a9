"""The home page's figures: per zone the user may see, every figure the installed apps give per zone
(yuanqu.core.registry.zone_columns), their totals as cards, and the cards apps add of their own."""

from __future__ import annotations

from dataclasses import dataclass, field

from yuanqu.core.registry import ZoneColumn, home_cards, zone_columns
from yuanqu.zones.models import Zone
from yuanqu.zones.selectors import ZoneRow, figure_rows, tree_order


@dataclass
class Overview:
    """What the home page shows: the year of the yearly figures, the totals (column, value, and the year of a
    yearly figure), one row per zone, the charts."""

    year: int | None
    zone_count: int  # top-level zones; their sub-parks are counted apart
    sub_park_count: int
    columns: list[ZoneColumn]
    totals: list[tuple[ZoneColumn, object, int | None]]
    rows: list[ZoneRow]
    charts: list[dict] = field(default_factory=list)


def overview(*, user) -> Overview:
    """Every zone the user may see (each with its own records, sub-parks on their own rows) and the totals."""
    ordered = tree_order(Zone.objects.restrict(user).order_by("code", "name"))
    ids = [zone.pk for zone, _depth in ordered]
    columns = list(zone_columns)
    rows = figure_rows(user=user, ordered=ordered, columns=columns)
    year = next((found for column in columns if column.year and (found := column.year(user=user))), None)
    totals = [
        (column, column.total(user=user, zone_ids=ids), year if column.year else None)
        for column in columns
        if column.card_id
    ]
    charts = []
    for at, column in enumerate(columns):
        if not column.chart:
            continue
        shown = [(row.zone.display_name, row.figures[at][1]) for row in rows if row.figures[at][1] is not None]
        charts.append(
            {
                "id": f"zone-chart-{column.key}",
                "label": str(column.label),
                "zones": [name for name, _value in shown],
                "values": [round(float(value), column.places) for _name, value in shown],
            }
        )
    sub_parks = sum(1 for zone, _depth in ordered if zone.parent_id is not None)
    return Overview(
        year=year,
        zone_count=len(rows) - sub_parks,
        sub_park_count=sub_parks,
        columns=columns,
        totals=totals,
        rows=rows,
        charts=charts,
    )


def cards(request) -> list[dict]:
    """The cards the installed apps add to the home page, each ``{"template", "context"}``."""
    shown = []
    for card in home_cards:
        context = card.context(request)
        if context is not None:
            shown.append({"key": card.key, "template": card.template, "context": context})
    return shown
