"""The projects' section of the cockpit and the monthly report (``registry.cockpit_sections``): projects newly
signed, started and completed this month and from January to the month, and their investment, against the same
month and months of last year; the pipeline by stage and size; the standard monthly table; the cumulative months
against last year's; each zone side by side; and the deadlines overdue, by the leader linked to the project.

Every figure of the two years comes from one reading of the scope's projects and their stage events
(``statistics.scope_facts``), so the section costs the same for one zone or many.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from yuanqu.core import registry
from yuanqu.core.access import zone_descendants
from yuanqu.core.cockpit import Chart, Column, Figure, Period, Row, Scope, Section, Series, Table, month_end
from yuanqu.projects import indicators, statistics
from yuanqu.projects.models import STAGE_ORDER, Stage
from yuanqu.projects.selectors import overdue_deadlines, size_bands, stage_size_counts

HEADLINE = (
    indicators.SIGNED_COUNT,
    indicators.STARTED_COUNT,
    indicators.COMPLETED_COUNT,
    indicators.SIGNED_INVESTMENT,
    indicators.FOREIGN_INVESTMENT,
)

MONTH_HEADLINE = (
    (indicators.SIGNED_COUNT, _("本月新签约亿元以上项目数")),
    (indicators.STARTED_COUNT, _("本月新开工亿元以上项目数")),
    (indicators.COMPLETED_COUNT, _("本月新竣工亿元以上项目数")),
    (indicators.SIGNED_INVESTMENT, _("本月新签约项目总投资（万元）")),
)
"""The month's figures: keyed ``<indicator>_month``, against the same month of last year."""

FRESH = _("项目台账实时")


def _statistics_url(period: Period, zone=None) -> str:
    url = f"{reverse('projects:project-statistics')}?year={period.year}&month={period.month}"
    return f"{url}&zone={zone.pk}" if zone is not None else url


def _month_start(period: Period) -> dt.date:
    return dt.date(period.year, period.month, 1)


def _year_start(period: Period) -> dt.date:
    return dt.date(period.year, 1, 1)


def _plain(value) -> float | None:
    return None if value is None else float(value)


def build(*, scope: Scope, period: Period) -> Section | None:
    if not scope.zones:
        return None
    facts = statistics.scope_facts(user=scope.user, zone_ids=scope.zone_ids, years=(period.year - 1, period.year))
    reached = statistics.Reached(facts)
    before = period.previous
    url = _statistics_url(period, scope.zone)

    def year_to_date(indicator, chosen: statistics.Reached, when: Period):
        return chosen.between(indicator, start=_year_start(when), end=when.as_of)

    figures = []
    for key in HEADLINE:
        measure = registry.measures[key]
        figures.append(
            Figure(
                key,
                measure.label,
                year_to_date(key, reached, period),
                measure.unit,
                previous=year_to_date(key, reached, before),
                fresh=FRESH,
                url=url,
            )
        )
    for key, label in MONTH_HEADLINE:
        figures.append(
            Figure(
                f"{key}_month",
                label,
                reached.between(key, start=_month_start(period), end=period.as_of),
                registry.measures[key].unit,
                previous=reached.between(key, start=_month_start(before), end=before.as_of),
                fresh=FRESH,
                url=url,
            )
        )
    tables = [_monthly_table(facts, period)]
    if scope.side_by_side:
        tables.append(_zone_table(scope, period, facts, figures, year_to_date))
    charts = [*_pipeline_charts(scope), *_cumulative_charts(reached, period)]
    late = _late(scope, period)
    if late is not None:
        tables.append(late[0])
        charts.append(late[1])
    return Section(
        "projects",
        _("项目推进"),
        figures=figures,
        tables=tables,
        charts=charts,
        source=_("项目台账（阶段时间线）"),
        fresh=_("实时"),
        url=url,
    )


def _monthly_table(facts, period: Period) -> Table:
    """The standard monthly table of the scope's projects, as the monthly statistics page lays it out."""
    rows = []
    for line in statistics.monthly_rows(facts, year=period.year, month=period.month):
        rows.append(
            Row(
                [
                    line["stage_label"],
                    line["size_class"] or _("全部"),
                    line["month_count"],
                    line["month_investment_yi"],
                    line["year_count"],
                    line["year_investment_yi"],
                ]
            )
        )
    columns = [
        Column(_("阶段"), numeric=False),
        Column(_("规模"), numeric=False),
        Column(_("本月个数"), _("个")),
        Column(_("本月总投资"), _("亿元"), places=2),
        Column(_("本年累计个数"), _("个")),
        Column(_("本年累计总投资"), _("亿元"), places=2),
    ]
    return Table(
        "projects-monthly",
        _("项目推进月报表（新签约、新开工、新竣工）"),
        columns,
        rows,
        note=_("规模按项目总投资分档，各档含更高档；本月为%(month)s月，本年累计为1–%(month)s月")
        % {"month": period.month},
    )


def _zone_table(scope: Scope, period: Period, facts, figures, year_to_date) -> Table:
    """Each zone (with its sub-parks) side by side, January to the month, and their total."""
    columns = [Column(_("园区"), numeric=False), *(Column(f.label, f.unit) for f in figures[: len(HEADLINE)])]
    rows = []
    for zone in scope.zones:
        family = zone_descendants([zone.pk])
        chosen = statistics.Reached([f for f in facts if f.project.zone_id in family])
        rows.append(
            Row(
                [zone.name, *(year_to_date(key, chosen, period) for key in HEADLINE)],
                url=_statistics_url(period, zone),
            )
        )
    total = Row([_("合计"), *(figure.value for figure in figures[: len(HEADLINE)])])
    return Table("projects-by-zone", _("各园区项目推进（本年累计）"), columns, rows, total=total)


def _band_labels() -> list[str]:
    labels = []
    for low, high in size_bands():
        if low is None:
            labels.append(gettext("%(high)s亿元以下") % {"high": _yi(high)})
        elif high is None:
            labels.append(gettext("%(low)s亿元以上") % {"low": _yi(low)})
        else:
            labels.append(gettext("%(low)s–%(high)s亿元") % {"low": _yi(low), "high": _yi(high)})
    return labels


def _yi(value: Decimal) -> str:
    return f"{(value / indicators.ONE_YI).normalize():f}"


def _pipeline_charts(scope: Scope) -> list[Chart]:
    """The projects at each stage today (the pipeline board's counts): a funnel, and a bar per stage stacked by size."""
    counts = stage_size_counts(user=scope.user, zone_ids=scope.zone_ids)
    stages = [Stage(stage).label for stage in STAGE_ORDER]
    funnel = Chart(
        "projects-funnel",
        _("项目漏斗（各阶段在库项目数）"),
        "funnel",
        stages,
        [Series(_("项目数"), [sum(counts[stage]) for stage in STAGE_ORDER])],
        unit=_("个"),
    )
    by_size = Chart(
        "projects-stage-size",
        _("各阶段项目数（按投资规模）"),
        "bar",
        stages,
        [
            Series(label, [counts[stage][i] for stage in STAGE_ORDER], stack="size")
            for i, label in enumerate(_band_labels())
        ],
        unit=_("个"),
    )
    return [funnel, by_size]


def _cumulative_charts(reached: statistics.Reached, period: Period) -> list[Chart]:
    """Signed projects (≥ 1 亿元) and signed investment January to each month, this year (to the month) against
    last year (the whole year; its month N taken at the same point as this year's, as the headline figures)."""
    before = period.previous
    months = [gettext("%(month)s月") % {"month": m} for m in range(1, 13)]

    def series(indicator, scale) -> list[Series]:
        def upto(when: Period, m: int):
            end = when.as_of if m == period.month else month_end(when.year, m)
            value = reached.between(indicator, start=_year_start(when), end=end)
            return _plain(value / scale)

        now = [upto(period, m) for m in range(1, period.month + 1)]
        last = [upto(before, m) for m in range(1, 13)]
        return [Series(str(period.year), now + [None] * (12 - period.month)), Series(str(before.year), last)]

    return [
        Chart(
            "projects-signed-cumulative",
            _("新签约亿元以上项目数（1月至各月累计）"),
            "line",
            months,
            series(indicators.SIGNED_COUNT, 1),
            unit=_("个"),
        ),
        Chart(
            "projects-investment-cumulative",
            _("新签约项目总投资（1月至各月累计）"),
            "line",
            months,
            series(indicators.SIGNED_INVESTMENT, indicators.ONE_YI),
            unit=_("亿元"),
        ),
    ]


def _late(scope: Scope, period: Period) -> tuple[Table, Chart] | None:
    """The deadlines past due at the period's date, by the leader linked to each project (挂钩领导): how many each
    has (a bar each, the most first), and every one of them with its project, due date and how late; None when
    none is."""
    alerts = overdue_deadlines(user=scope.user, today=period.as_of, zone_ids=scope.zone_ids)
    if not alerts:
        return None
    nobody = gettext("未指定挂钩领导")
    owners = Counter(alert.project.leader or nobody for alert in alerts)
    order = {owner: i for i, (owner, _n) in enumerate(sorted(owners.items(), key=lambda item: (-item[1], item[0])))}
    alerts = sorted(alerts, key=lambda a: (order[a.project.leader or nobody], a.status.due, a.project.name))
    rows = []
    for alert in alerts:
        status = alert.status
        late = (gettext("%(n)s个工作日") if status.counts_workdays else gettext("%(n)s天")) % {"n": status.days_overdue}
        rows.append(
            Row(
                [
                    alert.project.leader or nobody,
                    alert.project.name,
                    alert.project.zone.name,
                    str(status.rule),
                    status.due,
                    late,
                    alert.project.agent,
                ],
                url=reverse("projects:project-detail", args=[alert.project.pk]),
            )
        )
    columns = [
        Column(_("挂钩领导"), numeric=False),
        Column(_("项目"), numeric=False),
        Column(_("所属园区"), numeric=False),
        Column(_("期限"), numeric=False),
        Column(_("到期日"), numeric=False),
        Column(_("逾期"), numeric=False),
        Column(_("代办员"), numeric=False),
    ]
    table = Table(
        "projects-late",
        _("逾期未办结的阶段期限（按挂钩领导）"),
        columns,
        rows,
        note=_("截至%(date)s") % {"date": period.as_of.isoformat()},
    )
    ranked = sorted(owners.items(), key=lambda item: (-item[1], item[0]))
    chart = Chart(
        "projects-late",
        _("逾期事项（按挂钩领导）"),
        "hbar",
        [owner for owner, _n in ranked],
        [Series(_("逾期事项"), [n for _owner, n in ranked])],
        unit=_("项"),
    )
    return table, chart
