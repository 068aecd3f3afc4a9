"""Read-side queries of the evaluation pages: results by filter, distributions, an enterprise's history; and the
enterprises' latest grades, which the map shows."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, QuerySet, Sum
from django.utils.translation import gettext as _

from yuanqu.core.queries import chunks
from yuanqu.core.registry import NO_VALUE_COLOUR
from yuanqu.enterprises.models import EnterpriseYear
from yuanqu.evaluation.models import GRADES, EvaluationResult, EvaluationRun


def _visible(model, user):
    """The model's rows the user may see; every row for None (a command run without --user)."""
    return model.objects.restrict(user) if user is not None else model.objects.all()


def run_results(*, run: EvaluationRun, user):
    """The run's results the user may see (to filter and sort with ``EvaluationResultFilterSet``)."""
    return EvaluationResult.objects.restrict(user).filter(run=run).select_related("enterprise", "zone")


def run_zones(*, run: EvaluationRun, user):
    """The zones with results in the run the user may see, by name."""
    from yuanqu.zones.models import Zone

    ids = EvaluationResult.objects.restrict(user).filter(run=run).values_list("zone_id", flat=True).distinct()
    return list(Zone.objects.filter(pk__in=ids).order_by("name"))


def run_groups(*, run: EvaluationRun, user) -> list[tuple[str, str]]:
    rows = EvaluationResult.objects.restrict(user).filter(run=run).values_list("group", "group_label").distinct()
    return sorted({(g, label or g) for g, label in rows if g})


def first_graded_group(*, run: EvaluationRun, user, groups: list[tuple[str, str]]) -> str:
    """The first of ``groups`` (as ``run_groups`` orders them) whose results carry grades; "" when none does."""
    graded = set(
        EvaluationResult.objects.restrict(user).filter(run=run).exclude(grade="").values_list("group", flat=True)
    )
    return next((group for group, _label in groups if group in graded), "")


def distribution(*, run: EvaluationRun, user) -> list[dict]:
    """Per zone the number of enterprises of each grade (ungraded under "")."""
    counts: dict[tuple[int, str], dict[str, int]] = defaultdict(dict)
    rows = (
        _visible(EvaluationResult, user)
        .filter(run=run)
        .values("zone_id", "zone__name", "grade")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        counts[(row["zone_id"], row["zone__name"])][row["grade"]] = row["n"]
    table = []
    for (zone_id, name), by_grade in sorted(counts.items(), key=lambda item: item[0][1]):
        cells = [by_grade.get(g, 0) for g in [*GRADES, ""]]
        table.append({"zone_id": zone_id, "zone": name, "counts": cells, "total": sum(cells)})
    return table


def enterprise_history(*, enterprise, user) -> list[EvaluationResult]:
    """All runs' results of one enterprise the user may see: published runs first, then by year, newest first."""
    results = (
        _visible(EvaluationResult, user)
        .filter(enterprise=enterprise, run__in=EvaluationRun.objects.restrict(user))
        .select_related("run")
    )
    return sorted(results, key=lambda r: (not r.run.is_published, -r.run.year, -r.run.pk))


def migration_matrix(*, earlier: EvaluationRun, later: EvaluationRun, user) -> dict:
    """How the enterprises in both runs moved between grades: rows the earlier grade, columns the later one."""
    labels = [*GRADES, ""]
    before = dict(_visible(EvaluationResult, user).filter(run=earlier).values_list("enterprise_id", "grade"))
    after = dict(_visible(EvaluationResult, user).filter(run=later).values_list("enterprise_id", "grade"))
    cells = {(g, h): 0 for g in labels for h in labels}
    for enterprise_id, grade in before.items():
        if enterprise_id in after:
            cells[
                (grade if grade in GRADES else "", after[enterprise_id] if after[enterprise_id] in GRADES else "")
            ] += 1
    rows = [
        {"grade": g, "counts": [cells[(g, h)] for h in labels], "total": sum(cells[(g, h)] for h in labels)}
        for g in labels
    ]
    return {"labels": labels, "rows": rows, "both": sum(row["total"] for row in rows)}


def zone_comparison(*, run: EvaluationRun, user) -> list[dict]:
    """Per zone: enterprises evaluated, tax per mu (their tax over their land in the run's year), share of A and D."""
    table = distribution(run=run, user=user)
    ids = _visible(EvaluationResult, user).filter(run=run).values("enterprise_id")
    sums = {
        row["enterprise__zone_id"]: row
        for row in _visible(EnterpriseYear, user)
        .filter(year=run.year, enterprise_id__in=ids, land_mu__gt=0, tax__isnull=False)
        .values("enterprise__zone_id")
        .annotate(tax=Sum("tax"), land=Sum("land_mu"))
    }
    found = []
    for row in table:
        graded = sum(row["counts"][:4])  # A–D: the not graded and unevaluated do not count in the shares
        money = sums.get(row["zone_id"])
        found.append(
            {
                **row,
                "graded": graded,
                "share_a": row["counts"][0] / graded if graded else None,
                "share_d": row["counts"][3] / graded if graded else None,
                "tax_per_mu": money["tax"] / money["land"] if money and money["land"] else None,
            }
        )
    return found


# --- the map (yuanqu.core.registry.map_layers) ----------------------------------------------------------------

GRADE_COLOURS = {"A": "#2e7d32", "B": "#4285f4", "C": "#fbc02d", "D": "#d32f2f", "T": "#909090"}
"""Fill colour of each evaluation grade on the map (those of the evaluation bulletin's charts)."""


def latest_grades(*, user, enterprise_ids) -> dict[int, str]:
    """Enterprise id → its grade in the latest published run (highest year, then newest run) with a result for
    it ("" when that result has no grade, e.g. not evaluated). ``enterprise_ids``: a list, or a queryset of the
    enterprises' ids (read in one query however many: a city's firms)."""
    if not isinstance(enterprise_ids, QuerySet) and not enterprise_ids:
        return {}
    published = (
        EvaluationResult.objects.restrict(user)
        .filter(run__status=EvaluationRun.Status.PUBLISHED, run__in=EvaluationRun.objects.restrict(user))
        .order_by("enterprise_id", "-run__year", "-run_id")
    )
    grades: dict[int, str] = {}
    # A dense tile's list must not hit the parameter limit; a queryset is a subquery.
    parts = [enterprise_ids] if isinstance(enterprise_ids, QuerySet) else chunks(enterprise_ids)
    for chunk in parts:
        for enterprise_id, grade in published.filter(enterprise_id__in=chunk).values_list("enterprise_id", "grade"):
            grades.setdefault(enterprise_id, grade)
    return grades


def grade_legend() -> list[dict]:
    """The legend of the parcels coloured by the grade of the enterprise on them; "" (not evaluated) last."""
    return [
        *({"value": g, "label": g, "colour": GRADE_COLOURS[g]} for g in GRADES),
        {"value": "", "label": _("未评价"), "colour": NO_VALUE_COLOUR},
    ]


# --- measures: what targets can be set on (yuanqu.core.registry.measures) ---------------------------------------


def _published_results(*, user, zone, year: int, as_of):
    """The graded results in the zone (with its sub-parks) of the latest run published in the year by the date:
    the evaluation the zone's letter for that year is judged on. None when no run was published by then."""
    import datetime as dt

    from yuanqu.core.access import zone_descendants

    day = min(as_of, dt.date(year, 12, 31))
    runs = _visible(EvaluationRun, user).filter(
        status=EvaluationRun.Status.PUBLISHED, published_at__year=year, published_at__date__lte=day
    )
    run = runs.order_by("-published_at", "-pk").first()
    if run is None:
        return None
    zones = zone_descendants([zone.pk])
    return _visible(EvaluationResult, user).filter(run=run, zone_id__in=zones).exclude(grade="")


def share_a_b(*, user, zone, year: int, as_of):
    """Per cent of the zone's graded enterprises graded A or B in the latest evaluation published in the year."""
    results = _published_results(user=user, zone=zone, year=year, as_of=as_of)
    if results is None:
        return None
    total = results.count()
    if not total:
        return None
    return round(100 * results.filter(grade__in=("A", "B")).count() / total, 2)


def count_d(*, user, zone, year: int, as_of):
    """The zone's enterprises graded D in the latest evaluation published in the year."""
    results = _published_results(user=user, zone=zone, year=year, as_of=as_of)
    return None if results is None else results.filter(grade="D").count()
