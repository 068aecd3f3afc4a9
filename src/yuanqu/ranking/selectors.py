"""Reads of the reported figures: a zone's years and months, like-for-like comparisons, and the platform's own
counts of the same figures beside them (from the measures the other apps register)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q

from yuanqu.analytics.zone_figures import BY_KEY, FIGURES, ZoneFigure, unit_en
from yuanqu.analytics.zoneranking import GROUP_LABELS, load_method
from yuanqu.analytics.zoneranking.engine import issue_texts
from yuanqu.core.access import sees_all_zones, visible_zone_ids
from yuanqu.core.registry import measures
from yuanqu.ranking.models import ZoneEvaluationResult, ZoneMonth, ZoneYear

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
                "unit_en": unit_en(figure.unit),
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


def reported_months(key: str, *, user, zone, year: int, as_of: dt.date) -> int | None:
    """How many months of the year the reported value at the date covers: 12 once the year's figure is reported,
    else the latest month up to the date whose January-to-date figure was reported; None when nothing is."""
    if as_of.year < year:
        return None
    months = ZoneMonth.objects.filter(zone=zone, year=year, month__lte=as_of.month if as_of.year == year else 12)
    years = ZoneYear.objects.filter(zone=zone, year=year)
    if user is not None:
        months, years = months.restrict(user), years.restrict(user)
    if as_of >= dt.date(year, 12, 31) and years.filter(**{f"{key}__isnull": False}).exists():
        return 12
    return months.filter(**{f"{key}__isnull": False}).order_by("-month").values_list("month", flat=True).first()


def figure_label(key: str) -> str:
    return BY_KEY[key].zh


# --- zone evaluation --------------------------------------------------------------------------------------------

GROUP_ORDER = {key: index for index, key in enumerate(GROUP_LABELS)}
"""Groups in the order the published lists give them: national, provincial, other (or all)."""


def run_method(run):
    """The method exactly as the run used it (its stored text)."""
    return load_method(run.method_text, name=run.method_name)


def sees_others(*, run, user) -> bool:
    """Whether the user sees the other zones' names, totals and ranks in this run."""
    return user is None or sees_all_zones(user) or run.others_visible


def visible_results(*, user):
    """The results a user may see, in any run: every result for city users; a zone user's own zones' results, and
    the other ranked zones' (and peers') results of the runs whose ranks the city opened to the zones."""
    results = ZoneEvaluationResult.objects.select_related("run", "zone", "peer")
    if user is None or sees_all_zones(user):
        return results
    own = visible_zone_ids(user) or frozenset()
    return results.filter(Q(zone_id__in=own) | Q(run__others_visible=True, status="ranked"))


def sees_details(*, result, user) -> bool:
    """Whether the user sees everything of a result (scores, reasons, band, change) or only its name, total and
    rank: everything of every zone for city users, of their own zones for zone users."""
    if user is None or sees_all_zones(user):
        return True
    return result.zone_id is not None and result.zone_id in (visible_zone_ids(user) or frozenset())


@dataclass
class RankRow:
    """A result as a user sees it: everything for the user's own zones (and for city users), only the name, total
    and rank of the others when the city lets zone users see them."""

    result: object
    detailed: bool
    scores: list = field(default_factory=list)  # the category scores in the method's order (detailed rows)

    @property
    def categories(self) -> dict:
        return self.result.details.get("categories", {}) if self.detailed else {}


@dataclass
class RankGroup:
    """One group's list: its key (national, provincial, other or all) and its rows, ranked first."""

    key: str
    rows: list[RankRow] = field(default_factory=list)

    @property
    def zh(self) -> str:
        return GROUP_LABELS.get(self.key, (self.key or "—", self.key or "—"))[0]

    @property
    def en(self) -> str:
        return GROUP_LABELS.get(self.key, (self.key or "—", self.key or "—"))[1]


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
    """The run's results the user may see, by group (national, provincial, other) and rank, unranked last: every
    result for city users; a zone user's own zones in full and, when the city lets zone users see the others,
    the other ranked zones and peers with their name, total and rank only."""
    results = visible_results(user=user).filter(run=run)
    if group:
        results = results.filter(group=group)
    return [RankRow(result, sees_details(result=result, user=user)) for result in _ordered(results)]


def _ordered(results) -> list:
    return sorted(
        results,
        key=lambda r: (GROUP_ORDER.get(r.group, len(GROUP_ORDER)), r.group, r.rank is None, r.rank or 0, r.name),
    )


def run_groups(*, run) -> list[str]:
    """The groups of a run, in the published order."""
    found = set(ZoneEvaluationResult.objects.filter(run=run).values_list("group", flat=True).distinct())
    return sorted(found, key=lambda g: (GROUP_ORDER.get(g, len(GROUP_ORDER)), g))


def ranking_groups(*, run, user, method, group: str = "") -> list[RankGroup]:
    """The ranking page's tables: one per group, each row with its category scores in the method's order."""
    groups: list[RankGroup] = []
    for row in ranking_results(run=run, user=user, group=group):
        if not groups or groups[-1].key != row.result.group:
            groups.append(RankGroup(row.result.group))
        categories = row.categories
        row.scores = [categories.get(c.key) for c in method.categories] if row.detailed else []
        groups[-1].rows.append(row)
    return groups


def zone_history(*, zone, user) -> list:
    """The zone's result in every run, newest year first (the latest run of each year)."""
    found = {}
    rows = ZoneEvaluationResult.objects.restrict(user).filter(zone=zone).select_related("run")
    for result in rows.order_by("-run__year", "-run__created_at", "-run_id"):
        found.setdefault(result.run.year, result)
    return list(found.values())


def group_profile(*, run, result) -> dict:
    """The result's category scores against its group's average and best (the zone profile's radar chart)."""
    method = run_method(run)
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


@dataclass
class IndicatorLine:
    """One indicator of a zone's result: its value in its unit, score (0–100), points (its part of the total) out
    of the most it can give, and why it scored nothing, in both languages."""

    category: object
    indicator: object
    value: float | None
    score: float | None
    points: float | None
    most: float
    issue_zh: str = ""
    issue_en: str = ""


def indicator_lines(*, method, result) -> list[IndicatorLine]:
    """The result's indicators in the method's order."""
    stored = result.details.get("indicators", {})
    lines = []
    for category in method.categories:
        for indicator in category.indicators:
            found = stored.get(indicator.key) or {}
            code = found.get("issue")
            lines.append(
                IndicatorLine(
                    category=category,
                    indicator=indicator,
                    value=found.get("value"),
                    score=found.get("score"),
                    points=found.get("points"),
                    most=float(category.weight) * float(indicator.share),
                    issue_zh=issue_texts(indicator, "zh").get(code, "") if code else "",
                    issue_en=issue_texts(indicator, "en").get(code, "") if code else "",
                )
            )
    return lines


def overtake(*, run, result, user) -> dict | None:
    """What would lift the zone past the zone just above (the stored ``details["move"]``): the reachable options,
    smallest change first, and who is above, named only for a user who may see the other zones."""
    move = result.details.get("move")
    if not move:
        return None
    options = [option for option in move.get("options", []) if option.get("reachable")]
    above = []
    if move.get("above_rank") is not None and sees_others(run=run, user=user):
        above = list(
            ZoneEvaluationResult.objects.filter(
                run=run, group=result.group, status="ranked", rank=move["above_rank"]
            ).values_list("name", flat=True)
        )
    return {
        "first": move.get("above_rank") is None,
        "above_rank": move.get("above_rank"),
        "above_total": move.get("above_total") if above else None,
        "above_names": above,
        "options": options,
        "unreachable": [option for option in move.get("options", []) if not option.get("reachable")],
        "summary_zh": move.get("summary_zh", ""),
        "summary_en": move.get("summary_en", ""),
    }


def latest_result(*, zone, user):
    """The zone's place in the newest run of the newest year it was ranked in, or None."""
    history = zone_history(zone=zone, user=user)
    return history[0] if history else None


def figure_years() -> list[int]:
    """The years with reported figures (of any zone or peer), newest first: the years a run can rank."""
    return sorted(set(ZoneYear.objects.values_list("year", flat=True).distinct()), reverse=True)


PEER_SETS = ("group", "platform", "external")
"""Whom a zone is compared with: its group (the same level, peers included), the city's zones of its level,
or the zones outside the platform of its level; besides these, ``city:<name>``: one other city's zones of its
level among the peers ("苏州市同级开发区")."""
CITY_PREFIX = "city:"


def peer_cities(*, run, level: str) -> list[str]:
    """The cities of the run's external peers of this level, for a comparison with one city's zones."""
    from yuanqu.ranking.models import ZoneEvaluationResult

    found = (
        ZoneEvaluationResult.objects.filter(run=run, level=level, peer__isnull=False)
        .exclude(peer__city="")
        .values_list("peer__city", flat=True)
        .distinct()
    )
    return sorted(found)


def peer_set_valid(peers: str, *, run, level: str) -> bool:
    """Whether ``peers`` names a set this zone can be compared with."""
    if peers in PEER_SETS:
        return True
    return peers.startswith(CITY_PREFIX) and peers[len(CITY_PREFIX) :] in peer_cities(run=run, level=level)


@dataclass
class PeerLine:
    """One indicator of a zone against the average of a set of zones: above or below, and better or worse (lower
    is better for some)."""

    indicator: object
    value: float | None
    average: float | None
    count: int

    @property
    def better(self) -> bool | None:
        if self.value is None or self.average is None:
            return None
        if self.value == self.average:
            return None
        higher = self.value > self.average
        return higher if self.indicator.direction == "higher" else not higher

    @property
    def difference(self) -> float | None:
        if self.value is None or not self.average:
            return None
        return (self.value - self.average) / abs(self.average)


def peer_comparison(*, run, method, result, peers: str = "group") -> list[PeerLine]:
    """Each indicator of the zone against the average value of a set of zones of its level in the run (the
    stored values, vetoed zones left out): "高于苏州市同级开发区平均水平" as a table."""
    from yuanqu.ranking.models import ZoneEvaluationResult

    others = ZoneEvaluationResult.objects.filter(run=run, level=result.level, status="ranked").exclude(pk=result.pk)
    if peers == "platform":
        others = others.filter(zone__isnull=False)
    elif peers == "external":
        others = others.filter(peer__isnull=False)
    elif peers.startswith(CITY_PREFIX):
        others = others.filter(peer__city=peers[len(CITY_PREFIX) :])
    else:
        others = others.filter(group=result.group)
    values = [other.details.get("indicators", {}) for other in others]
    own = result.details.get("indicators", {})
    lines = []
    for category in method.categories:
        for indicator in category.indicators:
            found = [v[indicator.key]["value"] for v in values if (v.get(indicator.key) or {}).get("value") is not None]
            lines.append(
                PeerLine(
                    indicator=indicator,
                    value=(own.get(indicator.key) or {}).get("value"),
                    average=sum(found) / len(found) if found else None,
                    count=len(found),
                )
            )
    return lines
