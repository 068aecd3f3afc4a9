"""The per-mu section of the cockpit and the monthly report (``registry.cockpit_sections``): tax per mu of the
enterprises in the latest year with figures against the year before, and the grades of the latest published per-mu
evaluation the user sees (how many of each, the share graded A or B, how many D) against the evaluation before.

It lives in the evaluation app, which sits above the enterprises app and so may read both."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from yuanqu.core.access import zone_descendants
from yuanqu.core.cockpit import Chart, Column, Figure, Period, Row, Scope, Section, Series, Table, change_percent
from yuanqu.enterprises.selectors import family_tax_per_mu, latest_year, total_tax_per_mu
from yuanqu.evaluation.models import GRADES, EvaluationRun
from yuanqu.evaluation.selectors import GRADE_COLOURS, distribution

TAX_PER_MU_UNIT = _("万元/亩")


def latest_published_run(*, user, zone_ids, year: int, before: EvaluationRun | None = None) -> EvaluationRun | None:
    """The latest published run the user sees of the figures of ``year`` or before (the highest year, then the latest
    published), city-wide or of one of the zones; ``before``: the latest one of an earlier year than that run's."""
    runs = EvaluationRun.objects.all() if user is None else EvaluationRun.objects.restrict(user)
    runs = runs.filter(Q(zone__isnull=True) | Q(zone_id__in=zone_ids), status=EvaluationRun.Status.PUBLISHED)
    runs = runs.filter(year__lt=before.year) if before is not None else runs.filter(year__lte=year)
    return runs.order_by("-year", "-published_at", "-pk").first()


def grade_counts(*, run: EvaluationRun, user, families: dict) -> dict:
    """Key → the counts of each grade (``GRADES`` then "" for not graded) of the results the user sees in the run
    of each family of zones, from the run's distribution (``selectors.distribution``, the run's page)."""
    table = distribution(run=run, user=user)
    found = {}
    for key, zone_ids in families.items():
        counts = [0] * (len(GRADES) + 1)
        for row in table:
            if row["zone_id"] in zone_ids:
                counts = [a + b for a, b in zip(counts, row["counts"], strict=True)]
        found[key] = counts
    return found


def shares(counts: list[int]) -> tuple[float | None, int]:
    """(per cent of the graded enterprises graded A or B, to two places, as the ``grade_ab_share`` measure; the
    enterprises graded D)."""
    graded = sum(counts[: len(GRADES)])
    share = round(100 * (counts[0] + counts[1]) / graded, 2) if graded else None
    return share, counts[GRADES.index("D")]


def _run_date(run: EvaluationRun):
    return timezone.localdate(run.created_at).isoformat()


def build(*, scope: Scope, period: Period) -> Section | None:
    if not scope.zones:
        return None
    families = {zone.pk: zone_descendants([zone.pk]) & scope.zone_ids for zone in scope.zones}
    figures, tables, charts = [], [], []
    latest = latest_year(user=scope.user)
    year = min(latest, period.year) if latest is not None else None
    tax_rows = None
    if year is not None:
        now = total_tax_per_mu(user=scope.user, zone_ids=scope.zone_ids, year=year)
        before = total_tax_per_mu(user=scope.user, zone_ids=scope.zone_ids, year=year - 1)
        figures.append(
            Figure(
                "tax_per_mu",
                gettext("%(year)s年亩均税收") % {"year": year},
                now,
                TAX_PER_MU_UNIT,
                places=2,
                previous=before,
                fresh=gettext("企业%(year)s年度数据") % {"year": year},
                url=f"{reverse('enterprises:enterprise-list')}?year={year}&sort=-tax_per_mu",
            )
        )
        if scope.side_by_side:
            tax_rows = (
                family_tax_per_mu(user=scope.user, families=families, year=year),
                family_tax_per_mu(user=scope.user, families=families, year=year - 1),
            )
            tables.append(_tax_table(scope, year, tax_rows, now, before))
    run = latest_published_run(user=scope.user, zone_ids=scope.zone_ids, year=period.year)
    fresh = ""
    url = reverse("evaluation:run-list")
    if run is not None:
        fresh = gettext("评价运行于 %(date)s") % {"date": _run_date(run)}
        url = reverse("evaluation:run-detail", args=[run.pk])
        counts = grade_counts(run=run, user=scope.user, families=families)
        every = [sum(column) for column in zip(*counts.values(), strict=True)]
        earlier = latest_published_run(user=scope.user, zone_ids=scope.zone_ids, year=period.year, before=run)
        previous = (None, None)
        if earlier is not None:
            earlier_counts = grade_counts(run=earlier, user=scope.user, families=families).values()
            previous = shares([sum(column) for column in zip(*earlier_counts, strict=True)])
        share, d_count = shares(every)
        figures.append(
            Figure(
                "grade_ab_share",
                _("亩均评价A、B类企业占比"),
                share,
                "%",
                places=2,
                previous=previous[0],
                fresh=fresh,
                url=url,
                note=gettext("%(year)s年度评价") % {"year": run.year},
            )
        )
        figures.append(
            Figure(
                "grade_d_count",
                _("亩均评价D类企业数"),
                d_count if sum(every[: len(GRADES)]) else None,
                _("家"),
                previous=previous[1],
                fresh=fresh,
                url=f"{url}?grade=D",
                note=gettext("%(year)s年度评价") % {"year": run.year},
            )
        )
        charts.append(
            Chart(
                "grade-distribution",
                gettext("%(year)s年度亩均评价等级分布") % {"year": run.year},
                "pie",
                list(GRADES),
                [Series(_("企业数"), every[: len(GRADES)])],
                unit=_("家"),
                extra={"colours": [GRADE_COLOURS[g] for g in GRADES]},  # the pages' grade colours
            )
        )
        if scope.side_by_side:
            names = [zone.name for zone in scope.zones]
            charts.append(
                Chart(
                    "grade-by-zone",
                    gettext("各园区亩均评价等级（%(year)s年度）") % {"year": run.year},
                    "bar",
                    names,
                    [
                        Series(g, [counts[zone.pk][i] for zone in scope.zones], stack="grade")
                        for i, g in enumerate(GRADES)
                    ],
                    unit=_("家"),
                    extra={"colours": [GRADE_COLOURS[g] for g in GRADES]},
                )
            )
            tables.append(_grade_table(scope, run, counts, every))
    if not figures:
        return None
    return Section(
        "per-mu",
        _("亩均效益"),
        figures=figures,
        tables=tables,
        charts=charts,
        source=_("企业年度数据；亩均效益评价"),
        fresh=fresh or (figures[0].fresh if figures else ""),
        url=url,
    )


def _tax_table(scope: Scope, year: int, tax_rows, now, before) -> Table:
    columns = [
        Column(_("园区"), numeric=False),
        Column(gettext("%(year)s年") % {"year": year}, TAX_PER_MU_UNIT, 2),
        Column(gettext("%(year)s年") % {"year": year - 1}, TAX_PER_MU_UNIT, 2),
        Column(_("增减(%)"), "%", 1),
    ]
    rows = []
    for zone in scope.zones:
        value, previous = tax_rows[0].get(zone.pk), tax_rows[1].get(zone.pk)
        rows.append(
            Row(
                [zone.name, value, previous, change_percent(value, previous)],
                url=f"{reverse('enterprises:enterprise-list')}?zone={zone.pk}&year={year}&sort=-tax_per_mu",
            )
        )
    return Table(
        "tax-per-mu",
        _("各园区亩均税收"),
        columns,
        rows,
        note=_("亩均税收为填报用地企业的实缴税收之和除以其用地面积之和"),
        total=Row([_("合计"), now, before, change_percent(now, before)]),
    )


def _grade_table(scope: Scope, run: EvaluationRun, counts: dict, every: list) -> Table:
    columns = [
        Column(_("园区"), numeric=False),
        *(Column(g, _("家")) for g in GRADES),
        Column(_("未评价"), _("家")),
        Column(_("A、B类占比"), "%", 1),
    ]
    rows = []
    for zone in scope.zones:
        found = counts[zone.pk]
        rows.append(Row([zone.name, *found, shares(found)[0]]))
    return Table(
        "grades-by-zone",
        gettext("各园区亩均评价等级（%(year)s年度）") % {"year": run.year},
        columns,
        rows,
        total=Row([_("合计"), *every, shares(every)[0]]),
    )
