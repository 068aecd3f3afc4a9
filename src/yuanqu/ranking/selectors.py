"""Reads of the reported figures: a zone's years and months, like-for-like comparisons, and the platform's own
counts of the same figures beside them (from the measures the other apps register)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from yuanqu.analytics.zone_figures import BY_KEY, FIGURES, ZoneFigure
from yuanqu.core.registry import measures
from yuanqu.ranking.models import ZoneMonth, ZoneYear

DIFFERENCE_FLAG = Decimal("0.2")
"""A zone's report and the platform's own count differing by more than this share are flagged."""


def _ratio(new, old) -> Decimal | None:
    if new is None or old in (None, 0):
        return None
    return (Decimal(new) - Decimal(old)) / abs(Decimal(old))


@dataclass
class Comparison:
    """The platform's own count of a reported figure for one period, and how far the report is from it."""

    measure_label: str
    value: object
    difference: Decimal | None  # (reported − own) ÷ own

    @property
    def flagged(self) -> bool:
        return self.difference is not None and abs(self.difference) > DIFFERENCE_FLAG


@dataclass
class Cell:
    """One figure of one period: the value reported, its change on the period before (year on year, or
    January–N on January–N of the year before), and the platform's own count when there is one."""

    value: object
    change: Decimal | None
    own: Comparison | None = None


@dataclass
class FigureRow:
    """One reported figure across the periods shown."""

    figure: ZoneFigure
    cells: list[Cell] = field(default_factory=list)

    @property
    def own_label(self) -> str:
        """What the platform's own count is ("" when it has none for any period)."""
        return next((cell.own.measure_label for cell in self.cells if cell.own is not None), "")


def zone_years(*, user, zone) -> list[ZoneYear]:
    """The years a zone reported, oldest first."""
    return list(ZoneYear.objects.restrict(user).filter(zone=zone).order_by("year"))


def zone_months(*, user, zone, year: int) -> list[ZoneMonth]:
    """A zone's monthly figures of one year (January to date), by month."""
    return list(ZoneMonth.objects.restrict(user).filter(zone=zone, year=year).order_by("month"))


def month_years(*, user, zone) -> list[int]:
    """The years with monthly figures of the zone, newest first."""
    rows = ZoneMonth.objects.restrict(user).filter(zone=zone).values_list("year", flat=True).distinct()
    return sorted(set(rows), reverse=True)


def counterparts() -> dict[str, list]:
    """Reported figure key → the measures that count the same figure from the platform's own records."""
    found: dict[str, list] = {}
    for measure in measures:
        if measure.reported_figure:
            found.setdefault(measure.reported_figure, []).append(measure)
    return found


def year_table(*, user, zone, rows: list[ZoneYear]) -> list[FigureRow]:
    """Every figure over the zone's reported years: value, change on the year before, the platform's own count."""
    by_year = {row.year: row for row in rows}
    own = counterparts()
    table = []
    for figure in FIGURES:
        line = FigureRow(figure=figure)
        for row in rows:
            value = getattr(row, figure.key)
            previous = by_year.get(row.year - 1)
            change = _ratio(value, getattr(previous, figure.key) if previous else None)
            found = _own(own.get(figure.key), user=user, zone=zone, year=row.year, reported=value)
            line.cells.append(Cell(value, change, found))
        table.append(line)
    return table


def _own(found, *, user, zone, year: int, reported) -> Comparison | None:
    if not found:
        return None
    measure = found[0]
    value = measure.measure(user=user, zone=zone, year=year, as_of=dt.date(year, 12, 31))
    if value is None:
        return None
    return Comparison(measure_label=str(measure.label), value=value, difference=_ratio(reported, value))


def month_table(*, user, zone, year: int) -> tuple[list[int], list[FigureRow]]:
    """The months of the year the zone reported and every figure January to date, each against the same months
    of the year before (like for like: January–June against January–June, never a part year against a whole)."""
    this_year = {row.month: row for row in zone_months(user=user, zone=zone, year=year)}
    last_year = {row.month: row for row in zone_months(user=user, zone=zone, year=year - 1)}
    months = sorted(this_year)
    table = []
    for figure in FIGURES:
        line = FigureRow(figure=figure)
        for month in months:
            value = getattr(this_year[month], figure.key)
            before = last_year.get(month)
            line.cells.append(Cell(value, _ratio(value, getattr(before, figure.key) if before else None)))
        table.append(line)
    return months, table


def chart_series(*, rows: list[ZoneYear], months_now: list[ZoneMonth], months_before: list[ZoneMonth]) -> dict:
    """What the charts of a zone's figures draw: each figure over the years, and January-to-date this year against
    last year, as plain numbers (None where not reported)."""

    def plain(value):
        return None if value is None else float(value)

    def by_month(items):
        found = {item.month: item for item in items}
        return [found.get(month) for month in range(1, 13)]

    now, before = by_month(months_now), by_month(months_before)
    return {
        "years": [str(row.year) for row in rows],
        "figures": [
            {
                "key": figure.key,
                "label": figure.zh,
                "label_en": figure.en,
                "unit": figure.unit,
                "years": [plain(getattr(row, figure.key)) for row in rows],
                "months_now": [plain(getattr(item, figure.key)) if item else None for item in now],
                "months_before": [plain(getattr(item, figure.key)) if item else None for item in before],
            }
            for figure in FIGURES
            if not figure.incident
        ],
    }


def reported_value(key: str, *, user, zone, year: int, as_of: dt.date):
    """What the zone reported of a figure for the year up to the date: the year's figure once the year is over and
    reported, else January to the latest month reported up to the date; None when nothing is reported."""
    months = ZoneMonth.objects.filter(zone=zone, year=year, month__lte=as_of.month if as_of.year == year else 12)
    years = ZoneYear.objects.filter(zone=zone, year=year)
    if user is not None:
        months, years = months.restrict(user), years.restrict(user)
    if as_of >= dt.date(year, 12, 31):
        value = years.values_list(key, flat=True).first()
        if value is not None:
            return value
    if as_of.year < year:
        return None
    return months.order_by("-month").values_list(key, flat=True).first()


def figure_label(key: str) -> str:
    return BY_KEY[key].zh


# --- zone evaluation --------------------------------------------------------------------------------------------


@dataclass
class RankRow:
    """A result as a user sees it: everything for the user's own zones (and for city users), only the name, total
    and rank of the others when the city lets zone users see them."""

    result: object
    detailed: bool

    @property
    def categories(self) -> dict:
        return self.result.details.get("categories", {}) if self.detailed else {}


def change_mark(change: int | None) -> str:
    """+2 → "▲2", −1 → "▼1", 0 → "—", unknown → ""."""
    if change is None:
        return ""
    if change > 0:
        return f"▲{change}"
    if change < 0:
        return f"▼{-change}"
    return "—"


def ranking_results(*, run, user, group: str = "") -> list[RankRow]:
    """The run's results the user may see, by group and rank (unranked last), peers included for those who see
    every zone, or for everyone when the city lets zone users see the others."""
    from yuanqu.core.access import sees_all_zones, visible_zone_ids
    from yuanqu.ranking.models import ZoneEvaluationResult

    results = ZoneEvaluationResult.objects.filter(run=run).select_related("zone", "peer")
    if group:
        results = results.filter(group=group)
    if user is None or sees_all_zones(user):
        return [RankRow(result, True) for result in _ordered(results)]
    own = visible_zone_ids(user) or frozenset()
    rows = []
    for result in _ordered(results):
        mine = result.zone_id is not None and result.zone_id in own
        if mine or run.others_visible:
            rows.append(RankRow(result, mine))
    return rows


def _ordered(results) -> list:
    return sorted(results, key=lambda r: (r.group, r.rank is None, r.rank or 0, r.name))


def zone_history(*, zone, user) -> list:
    """The zone's result in every run, newest year first (the latest run of each year)."""
    from yuanqu.ranking.models import ZoneEvaluationResult

    found = {}
    rows = ZoneEvaluationResult.objects.restrict(user).filter(zone=zone).select_related("run")
    for result in rows.order_by("-run__year", "-run__created_at", "-run_id"):
        found.setdefault(result.run.year, result)
    return list(found.values())


def group_profile(*, run, result) -> dict:
    """The result's category scores against its group's average and best (the zone profile's radar chart)."""
    from yuanqu.analytics.zoneranking import load_method
    from yuanqu.ranking.models import ZoneEvaluationResult

    method = load_method(run.method_text, name=run.method_name)
    peers = ZoneEvaluationResult.objects.filter(run=run, group=result.group, status="ranked")
    scores: dict[str, list[float]] = {c.key: [] for c in method.categories}
    for other in peers:
        for key, value in other.details.get("categories", {}).items():
            if value is not None and key in scores:
                scores[key].append(value)
    own = result.details.get("categories", {})
    return {
        "categories": [{"key": c.key, "zh": c.zh, "en": c.en, "max": 100} for c in method.categories],
        "zone": [own.get(c.key) for c in method.categories],
        "average": [sum(scores[c.key]) / len(scores[c.key]) if scores[c.key] else None for c in method.categories],
        "best": [max(scores[c.key]) if scores[c.key] else None for c in method.categories],
    }
