"""The ranking app's sections of the cockpit and the monthly report (``registry.cockpit_sections``): the figures the
zones report, January to the month against the same months of last year, and the zones' latest ranking.

Like for like (zones.md, "Reported figures"): a zone's figure for January to month N is its report of month N,
compared with its report of month N last year. A zone that has not reported month N shows "未报送", never a zero
or another month's figure, and a total over the zones is shown only when every zone reported.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from yuanqu.analytics.zone_figures import BY_KEY, unit_en
from yuanqu.core.cockpit import (
    GREEN,
    NOT_REPORTED,
    RED,
    Chart,
    Column,
    Figure,
    Period,
    Row,
    Scope,
    Section,
    Series,
    Table,
    change_percent,
)
from yuanqu.ranking import selectors
from yuanqu.ranking.models import ZoneEvaluationRun, ZoneMonth, ZoneYear

KEY_FIGURES = (
    "gdp",
    "budget_revenue",
    "tax_revenue",
    "industrial_output",
    "fixed_asset_investment",
    "trade",
    "foreign_investment",
)
"""The figures the cockpit leads with (zones.md: what zones report monthly and leaders ask of first)."""


def _english() -> bool:
    return (get_language() or "").startswith("en")


def figure_name(key: str) -> str:
    figure = BY_KEY[key]
    return figure.en if _english() else figure.zh


def figure_unit(key: str) -> str:
    unit = BY_KEY[key].unit
    return unit_en(unit) if _english() else unit


# --- reported figures ---------------------------------------------------------------------------------------------


def _reports(scope: Scope, period: Period) -> dict[tuple[int, int, int], ZoneMonth]:
    """(zone id, year, month) → the zone's January-to-month report, of every month of this year and last year, read
    at once for the zones shown (a zone's report covers its sub-parks: they are not added); December's is the
    year's figures when the zone reported those and no December."""
    rows = ZoneMonth.objects.filter(zone__in=[zone.pk for zone in scope.zones], year__in=(period.year - 1, period.year))
    if scope.user is not None:
        rows = rows.restrict(scope.user)
    found = {(row.zone_id, row.year, row.month): row for row in rows}
    # A year's figures are January to December: they stand for a December report a zone did not send monthly.
    years = ZoneYear.objects.filter(zone__in=[zone.pk for zone in scope.zones], year__in=(period.year - 1, period.year))
    wanted = {(zone.pk, year) for zone in scope.zones for year in (period.year - 1, period.year)}
    wanted = {(zone_id, year) for zone_id, year in wanted if (zone_id, year, 12) not in found}
    if wanted:
        if scope.user is not None:
            years = years.restrict(scope.user)
        for row in years:
            if (row.zone_id, row.year) in wanted:
                found[(row.zone_id, row.year, 12)] = row
    return found


def _value(reports, zone, year: int, month: int, key: str):
    row = reports.get((zone.pk, year, month))
    return None if row is None else getattr(row, key)


def _sum_all(values):
    """The sum when every value is there, else None (a total of some zones is no total)."""
    if not values or any(value is None for value in values):
        return None
    return sum(values[1:], start=values[0])


def _zone_figures_url(zone, year: int, reports) -> str:
    """The zone's figures page, at the year when the zone reported months of it (the page knows no other)."""
    url = reverse("ranking:zone-figures", args=[zone.pk])
    return f"{url}?year={year}" if any(z == zone.pk and y == year for (z, y, _m) in reports) else url


def build_reported(*, scope: Scope, period: Period) -> Section | None:
    if not scope.zones:
        return None
    reports = _reports(scope, period)
    if not reports:
        return None  # nothing reported this year or last: the city does not collect the figures
    year, month = period.year, period.month
    latest = max((m for (_z, y, m) in reports if y == year and m <= month), default=None)
    fresh = gettext("数据截至%(month)s月") % {"month": latest} if latest else gettext("本年尚无上报数据")
    zones = scope.zones
    url = _zone_figures_url(zones[0], year, reports) if len(zones) == 1 else reverse("ranking:figures")
    figures, charts = [], []
    for key in KEY_FIGURES:
        now = [_value(reports, zone, year, month, key) for zone in zones]
        before = [_value(reports, zone, year - 1, month, key) for zone in zones]
        reported = sum(1 for value in now if value is not None)
        value = _sum_all(now)
        figure = Figure(
            f"reported_{key}",
            figure_name(key),
            value,
            figure_unit(key),
            places=0 if BY_KEY[key].count else 2,
            previous=_sum_all(before),
            fresh=fresh,
            url=url,
        )
        if value is None:
            figure.missing = NOT_REPORTED
            if len(zones) > 1:
                figure.note = gettext("%(total)s个园区中%(reported)s个已报送%(month)s月数据") % {
                    "total": len(zones),
                    "reported": reported,
                    "month": month,
                }
        figures.append(figure)
        charts.append(_cumulative_chart(key, scope, period, reports))
    return Section(
        "reported-figures",
        _("园区上报数据"),
        figures=figures,
        tables=[_reported_table(scope, period, reports)],
        charts=charts,
        source=_("各园区月度上报数据（1–N月累计）"),
        fresh=fresh,
        url=url,
    )


def _reported_table(scope: Scope, period: Period, reports) -> Table:
    """One row per zone: 园区代码, 园区名称, then per figure 本年累计, 上年同期, 同比(%) (the monthly report's sheet)."""
    year, month = period.year, period.month
    columns = [Column(_("园区代码"), numeric=False), Column(_("园区名称"), numeric=False)]
    for key in KEY_FIGURES:
        name, unit, places = figure_name(key), figure_unit(key), 0 if BY_KEY[key].count else 2
        columns += [
            Column(f"{name} {gettext('本年累计')}", unit, places),
            Column(f"{name} {gettext('上年同期')}", unit, places),
            Column(f"{name} {gettext('同比(%)')}", "%", 1),
        ]
    rows, every = [], {key: ([], []) for key in KEY_FIGURES}
    for zone in scope.zones:
        cells = [zone.code, zone.name]
        for key in KEY_FIGURES:
            now = _value(reports, zone, year, month, key)
            before = _value(reports, zone, year - 1, month, key)
            every[key][0].append(now)
            every[key][1].append(before)
            cells += [
                NOT_REPORTED if now is None else now,
                NOT_REPORTED if before is None else before,
                change_percent(now, before),
            ]
        rows.append(Row(cells, url=_zone_figures_url(zone, year, reports)))
    total_cells = ["", gettext("合计")]
    for key in KEY_FIGURES:
        now, before = _sum_all(every[key][0]), _sum_all(every[key][1])
        total_cells += [
            NOT_REPORTED if now is None else now,
            NOT_REPORTED if before is None else before,
            change_percent(now, before),
        ]
    reported = sum(1 for zone in scope.zones if (zone.pk, year, month) in reports)
    note = gettext("同比为与上年1–%(month)s月相比。") % {"month": month}
    if reported < len(scope.zones):
        note += gettext("%(total)s个园区中%(reported)s个已报送%(month)s月数据，合计待全部报送后显示") % {
            "total": len(scope.zones),
            "reported": reported,
            "month": month,
        }
    return Table(
        "reported-figures",
        gettext("园区上报数据（%(year)s年1–%(month)s月累计）") % {"year": year, "month": month},
        columns,
        rows,
        note=note,
        total=Row(total_cells) if len(scope.zones) > 1 else None,
    )


def _cumulative_chart(key: str, scope: Scope, period: Period, found) -> Chart:
    """January to each month this year (to month N) against last year (all twelve months): the zones' reports
    added up, a gap where a zone has not reported the month."""

    def line(year: int, last_month: int) -> list:
        values = []
        for m in range(1, 13):
            if m > last_month:
                values.append(None)
                continue
            total = _sum_all([_value(found, zone, year, m, key) for zone in scope.zones])
            values.append(None if total is None else float(total))
        return values

    return Chart(
        f"reported-{key.replace('_', '-')}",
        gettext("%(figure)s（1月至各月累计）") % {"figure": figure_name(key)},
        "line",
        [gettext("%(month)s月") % {"month": m} for m in range(1, 13)],
        [
            Series(str(period.year), line(period.year, period.month)),
            Series(str(period.year - 1), line(period.year - 1, 12)),
        ],
        unit=figure_unit(key),
    )


# --- the zones' ranking -----------------------------------------------------------------------------------------


def latest_run(*, user, year: int) -> ZoneEvaluationRun | None:
    """The newest run of the figures of ``year`` or before (the highest year, then the latest made) with a result the
    user may see."""
    visible = selectors.visible_results(user=user).values("run_id")
    runs = ZoneEvaluationRun.objects.filter(pk__in=visible, year__lte=year)
    return runs.order_by("-year", "-created_at", "-pk").first()


def _direction(change: int | None) -> str:
    """The change cell's mark: green up, red down (the cell already says ▲2 / ▼1)."""
    if not change:
        return ""
    return GREEN if change > 0 else RED


def build_ranking(*, scope: Scope, period: Period) -> Section | None:
    if not scope.zones:
        return None
    run = latest_run(user=scope.user, year=period.year)
    if run is None:
        return None
    rows = selectors.ranking_results(run=run, user=scope.user)
    if scope.zone is not None:
        rows = [row for row in rows if row.result.zone_id in scope.zone_ids]
    if not rows:
        return None
    url = reverse("ranking:run-detail", args=[run.pk])
    table_rows = []
    for row in rows:
        result = row.result
        change = result.rank_change if row.detailed else None
        link = ""
        if row.detailed and result.zone_id is not None:
            link = reverse("ranking:zone-profile", args=[run.pk, result.zone_id])
        cells = [
            selectors.RankGroup(result.group).en if _english() else selectors.RankGroup(result.group).zh,
            result.rank,
            result.name,
            None if result.total is None else round(result.total, 2),
            selectors.change_mark(change) if result.rank is not None else gettext("未排名"),
        ]
        table_rows.append(Row(cells, url=link, marks=["", "", "", "", _direction(change)]))
    columns = [
        Column(_("排名组"), numeric=False),
        Column(_("排名"), _("名")),
        Column(_("园区"), numeric=False),
        Column(_("总分"), places=2),
        Column(_("位次变化"), numeric=False),
    ]
    fresh = gettext("评价运行于 %(date)s") % {"date": timezone.localdate(run.created_at).isoformat()}
    table = Table(
        "ranking",
        gettext("%(year)s年度园区综合评价排名") % {"year": run.year},
        columns,
        table_rows,
        note=_("位次变化为上年名次减本年名次：▲上升，▼下降"),
    )
    ranked = [row for row in rows if row.result.rank is not None]
    chart = Chart(
        "ranking",
        gettext("%(year)s年度园区综合评价总分") % {"year": run.year},
        "hbar",
        [row.result.name for row in ranked],
        [Series(_("总分"), [round(row.result.total, 2) if row.result.total is not None else None for row in ranked])],
        unit=_("分"),
        extra={
            "arrows": [selectors.change_mark(row.result.rank_change if row.detailed else None) for row in ranked],
            "ranks": [row.result.rank for row in ranked],
            "groups": [row.result.group for row in ranked],
        },
    )
    figures = []
    own = [row for row in rows if row.detailed and row.result.zone_id in {zone.pk for zone in scope.zones}]
    if len(scope.zones) == 1 and len(own) == 1:
        result = own[0].result
        size = gettext("组内%(n)s个") % {"n": result.group_size} if result.group_size else ""
        mark = selectors.change_mark(result.rank_change)
        figures.append(
            Figure(
                "zone_rank",
                _("综合评价排名"),
                result.rank,
                _("名"),
                fresh=fresh,
                url=reverse("ranking:zone-profile", args=[run.pk, result.zone_id]),
                missing="" if result.rank is not None else gettext("未排名"),
                note=" ".join(part for part in (size, mark) if part),
            )
        )
    return Section(
        "ranking",
        _("园区综合评价排名"),
        figures=figures,
        tables=[table],
        charts=[chart],
        source=gettext("园区综合评价：%(method)s") % {"method": run.method_name},
        fresh=fresh,
        url=url,
    )
