"""The projects' section of the cockpit and the monthly report (``registry.cockpit_sections``): projects newly
signed, started and completed from January to the month, and their investment, against the same months of last
year, from the stage timeline (``statistics``)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yuanqu.core import registry
from yuanqu.core.cockpit import Column, Figure, Period, Row, Scope, Section, Table, measured
from yuanqu.projects import statistics

HEADLINE = (
    statistics.SIGNED_COUNT,
    statistics.STARTED_COUNT,
    statistics.COMPLETED_COUNT,
    statistics.SIGNED_INVESTMENT,
    statistics.FOREIGN_INVESTMENT,
)


def _url(scope: Scope, period: Period) -> str:
    url = f"{reverse('projects:project-statistics')}?year={period.year}&month={period.month}"
    return f"{url}&zone={scope.zone.pk}" if scope.zone is not None else url


def build(*, scope: Scope, period: Period) -> Section | None:
    if not scope.zones:
        return None
    figures, per_zone = [], []
    for key in HEADLINE:
        measure = registry.measures[key]
        value, each = measured(measure, scope=scope, period=period)
        previous, _before = measured(measure, scope=scope, period=period.previous)
        figures.append(
            Figure(
                key,
                measure.label,
                value,
                measure.unit,
                previous=previous,
                fresh=_("项目台账实时"),
                url=_url(scope, period),
            )
        )
        per_zone.append(each)
    tables = []
    if scope.side_by_side:
        columns = [Column(_("园区"), numeric=False), *(Column(f.label, f.unit) for f in figures)]
        rows = [
            Row(
                [zone.name, *(each[zone.pk] for each in per_zone)],
                url=f"{reverse('projects:project-statistics')}?zone={zone.pk}&year={period.year}&month={period.month}",
            )
            for zone in scope.zones
        ]
        total = Row([_("合计"), *(figure.value for figure in figures)])
        tables.append(Table("projects-by-zone", _("各园区项目推进（本年累计）"), columns, rows, total=total))
    return Section(
        "projects",
        _("项目推进"),
        figures=figures,
        tables=tables,
        source=_("项目台账（阶段时间线）"),
        fresh=_("实时"),
        url=_url(scope, period),
    )
