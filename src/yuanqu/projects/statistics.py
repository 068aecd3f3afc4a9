"""Monthly project statistics of a zone, and the indicators of the projects that yearly targets are set on.

A project counts as newly signed, started or completed in the month it first reached that stage (or a
later one, when stages were skipped). A zone's figures include its sub-parks. The indicators are registered
as measures (``registrations.py``); the targets app shows each target's progress against them.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Min, Q

from yuanqu.core.access import zone_descendants
from yuanqu.core.readings import read_once
from yuanqu.projects.compliance import reached_dates
from yuanqu.projects.indicators import (
    FOREIGN_INVESTMENT,
    ONE_YI,
    size_classes,
)
from yuanqu.projects.models import STAGE_ORDER, Project, Stage, StageEvent, stage_rank
from yuanqu.targets.selectors import month_end, target_progress


@dataclass
class ProjectFacts:
    project: Project | ProjectFigures
    reached: dict


class ProjectFigures(NamedTuple):
    """What the figures read of a project (``scope_facts`` reads no more than this)."""

    pk: int
    zone_id: int
    total_investment: Decimal | None
    foreign_investment: Decimal | None


def _facts(*, user, zone, year: int) -> list[ProjectFacts]:
    zones = zone_descendants([zone.pk])
    projects = (
        _scoped(Project, user).filter(zone_id__in=zones, events__on__year=year).distinct().prefetch_related("events")
    )
    return [ProjectFacts(p, reached_dates(p.events.all())) for p in projects]


def _scoped(model, user):
    """The model's rows the user may see; ``user`` None is the system (the command line), which sees all."""
    return model.objects.all() if user is None else model.objects.restrict(user)


def _in(d: dt.date | None, year: int, first_month: int, last_month: int) -> bool:
    return d is not None and d.year == year and first_month <= d.month <= last_month


def _sum(values) -> Decimal:
    return sum((v for v in values if v is not None), Decimal(0))


def monthly_table(*, user, zone, year: int, month: int) -> list[dict]:
    """The standard monthly table: per stage and size class, new this month and cumulative this year."""
    return monthly_rows(_facts(user=user, zone=zone, year=year), year=year, month=month)


def monthly_rows(facts: list[ProjectFacts], *, year: int, month: int) -> list[dict]:
    """The standard monthly table of these projects (``monthly_table`` for a zone, ``scope_facts`` for several)."""
    classes = [(Decimal(0), None), *size_classes()]
    rows = []
    for stage in COUNTED_STAGES:
        for threshold, label in classes:
            chosen = [f for f in facts if (f.project.total_investment or Decimal(0)) >= threshold or label is None]
            month_projects = [f.project for f in chosen if _in(f.reached.get(stage), year, month, month)]
            year_projects = [f.project for f in chosen if _in(f.reached.get(stage), year, 1, month)]
            rows.append(
                {
                    "stage": stage,
                    "stage_label": Stage(stage).label,
                    "size_class": label,
                    "month_count": len(month_projects),
                    "month_investment": _sum(p.total_investment for p in month_projects),
                    "year_count": len(year_projects),
                    "year_investment": _sum(p.total_investment for p in year_projects),
                }
            )
            rows[-1].update(
                month_investment_yi=rows[-1]["month_investment"] / ONE_YI,
                year_investment_yi=rows[-1]["year_investment"] / ONE_YI,
            )
    return rows


def scope_facts(*, user, zone_ids, years) -> list[ProjectFacts]:
    """The projects of the zones (ids, sub-parks listed) that the user sees (None: all) that reached a counted stage
    (``COUNTED_STAGES``) in any of ``years``, each with the date it first reached each counted stage: one query,
    from which every figure of those years is computed (``Reached``, ``monthly_rows``) for many zones and dates.

    The first date at or beyond a stage is the earliest event into it or a later stage (``reached_dates``), so the
    database works it out; the other stages are not in ``reached``."""
    first, last = dt.date(min(years), 1, 1), dt.date(max(years), 12, 31)
    dates = {
        stage: Min("events__on", filter=Q(events__to_stage__in=STAGE_ORDER[stage_rank(stage) :]))
        for stage in COUNTED_STAGES
    }
    in_years = Q()
    for stage in COUNTED_STAGES:
        in_years |= Q(**{f"reached_{stage}__range": (first, last)})
    rows = (
        _scoped(Project, user)
        .filter(zone_id__in=zone_ids)
        .order_by()
        .annotate(**{f"reached_{stage}": date for stage, date in dates.items()})
        .filter(in_years)
        .values_list("pk", "zone_id", "total_investment", "foreign_investment", *(f"reached_{s}" for s in dates))
    )
    facts = []
    for row in rows:
        reached = {stage: on for stage, on in zip(COUNTED_STAGES, row[4:], strict=True) if on is not None}
        facts.append(ProjectFacts(ProjectFigures(*row[:4]), reached))
    return facts


COUNTED_STAGES = (Stage.SIGNED, Stage.STARTED, Stage.COMPLETED)

STAGE_KEYS = {"signed": Stage.SIGNED, "started": Stage.STARTED, "completed": Stage.COMPLETED}


def _indicator_parts(indicator: str) -> tuple[Stage, str, Decimal]:
    """The stage, what is summed ("count", "investment", "foreign") and the size threshold of an indicator key."""
    if indicator == FOREIGN_INVESTMENT:
        return Stage.SIGNED, "foreign", Decimal(0)
    stage, _sep, rest = indicator.partition("_")
    kind, _sep, threshold = rest.partition("_")
    return STAGE_KEYS.get(stage, Stage.SIGNED), kind, Decimal(threshold) if threshold else ONE_YI


def _actual(indicator: str, facts: list[ProjectFacts], year: int, as_of: dt.date) -> Decimal:
    return indicator_between(indicator, facts, start=dt.date(year, 1, 1), end=min(as_of, dt.date(year, 12, 31)))


class Reached:
    """The projects of some facts in the order they reached each counted stage, for an indicator over many date
    ranges (``between``) without going through all the facts each time."""

    def __init__(self, facts: list[ProjectFacts]):
        self.dates: dict[str, list[dt.date]] = {}
        self.projects: dict[str, list] = {}
        for stage in COUNTED_STAGES:
            pairs = sorted(((f.reached[stage], f.project) for f in facts if stage in f.reached), key=lambda p: p[0])
            self.dates[stage] = [on for on, _project in pairs]
            self.projects[stage] = [project for _on, project in pairs]

    def between(self, indicator: str, *, start: dt.date, end: dt.date) -> Decimal:
        """As ``indicator_between`` of the facts."""
        stage, kind, threshold = _indicator_parts(indicator)
        dates = self.dates[stage]
        return _total(kind, threshold, self.projects[stage][bisect_left(dates, start) : bisect_right(dates, end)])


def _total(kind: str, threshold: Decimal, reached) -> Decimal:
    if kind == "investment":
        return _sum(p.total_investment for p in reached)
    if kind == "foreign":
        return _sum(p.foreign_investment for p in reached)
    return Decimal(sum(1 for p in reached if (p.total_investment or 0) >= threshold))


def indicator_between(indicator: str, facts: list[ProjectFacts], *, start: dt.date, end: dt.date) -> Decimal:
    """An indicator (``SIGNED_COUNT``, ``signed_count_200000``, ``FOREIGN_INVESTMENT`` …) over the projects that
    reached its stage from ``start`` to ``end`` (both included): a count, an investment or the foreign investment."""
    stage, kind, threshold = _indicator_parts(indicator)
    return _total(
        kind, threshold, [f.project for f in facts if (d := f.reached.get(stage)) is not None and start <= d <= end]
    )


def measure_series(indicator: str, *, user, zone, year: int, dates) -> list[Decimal]:
    """The indicator for the zone (with its sub-parks) over ``year`` up to each of ``dates``, from one reading of
    the projects the user may see (``user`` None: all): the dates each project first reached the counted stages,
    worked out by the database (``scope_facts``), as the cockpit's projects section reads them; read once per
    cockpit build (a zone's letter sets targets on several of these indicators)."""
    facts = read_once(
        ("projects.scope_facts", getattr(user, "pk", None), zone.pk, year),
        lambda: scope_facts(user=user, zone_ids=zone_descendants([zone.pk]), years=[year]),
    )
    return [_actual(indicator, facts, year, as_of) for as_of in dates]


def measure(indicator: str, *, user, zone, year: int, as_of: dt.date) -> Decimal:
    """The indicator for the zone (with its sub-parks) over ``year`` up to ``as_of``."""
    return measure_series(indicator, user=user, zone=zone, year=year, dates=[as_of])[0]


def monthly_statistics(*, user, zone, year: int, month: int, today: dt.date) -> dict:
    """Everything the monthly statistics page, its xlsx and the API show for one zone and month.

    Targets are measured as of the month's end, or ``today`` while the month is still running.
    """
    as_of = min(today, month_end(year, month))
    return {
        "zone": zone,
        "year": year,
        "month": month,
        "as_of": as_of,
        "rows": monthly_table(user=user, zone=zone, year=year, month=month),
        "targets": target_progress(user=user, zone=zone, year=year, today=as_of),
    }


def latest_month_with_data(*, user, today: dt.date) -> tuple[int, int] | None:
    """(year, month) of the latest stage change up to today among the projects the user sees; None when none."""
    events = StageEvent.objects.all() if user is None else StageEvent.objects.restrict(user)
    latest = events.filter(on__lte=today).order_by("-on").values_list("on", flat=True).first()
    return None if latest is None else (latest.year, latest.month)


def zone_comparison(*, user, zones, year: int, month: int) -> dict:
    """Each of ``zones`` (with its sub-parks) side by side with their total, for the month and the year so far:
    per counted stage (in `COUNTED_STAGES` order), new projects this month, this year, and this year's total
    investment in 亿元."""
    families = {zone.pk: zone_descendants([zone.pk]) for zone in zones}
    every = frozenset().union(*families.values()) if families else frozenset()
    projects = (
        _scoped(Project, user).filter(zone_id__in=every, events__on__year=year).distinct().prefetch_related("events")
    )
    facts = [ProjectFacts(p, reached_dates(p.events.all())) for p in projects]

    def figures(chosen) -> list[dict]:
        out = []
        for stage in COUNTED_STAGES:
            month_projects = [f.project for f in chosen if _in(f.reached.get(stage), year, month, month)]
            year_projects = [f.project for f in chosen if _in(f.reached.get(stage), year, 1, month)]
            out.append(
                {
                    "stage": stage,
                    "month_count": len(month_projects),
                    "year_count": len(year_projects),
                    "year_investment_yi": _sum(p.total_investment for p in year_projects) / ONE_YI,
                }
            )
        return out

    rows = [
        {"zone": zone, "figures": figures([f for f in facts if f.project.zone_id in families[zone.pk]])}
        for zone in zones
    ]
    # Zones chosen are disjoint families (top-level zones), so the total counts each project once.
    return {
        "stages": [{"stage": s, "label": Stage(s).label} for s in COUNTED_STAGES],
        "rows": rows,
        "total": figures([f for f in facts if f.project.zone_id in every]),
    }
