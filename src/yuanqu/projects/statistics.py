"""Monthly project statistics of a zone and progress against its yearly targets (目标责任与督办).

A project counts as newly signed, started or completed in the month it first reached that stage (or a
later one, when stages were skipped). A zone's figures include its sub-parks. Progress is shown red,
amber or green against the share of the year elapsed.
"""

from __future__ import annotations

import calendar as month_calendar
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from yuanqu.core.access import zone_descendants
from yuanqu.projects.compliance import reached_dates
from yuanqu.projects.models import Project, Stage, Target
from yuanqu.projects.services import size_classes

ONE_YI = Decimal("10000")  # 1 亿元 in 万元: the threshold the count indicators use
COUNTED_STAGES = (Stage.SIGNED, Stage.STARTED, Stage.COMPLETED)
GREEN, AMBER, RED = "green", "amber", "red"
AMBER_SHARE = Decimal("0.8")  # below the elapsed share but within 80 % of it


@dataclass
class ProjectFacts:
    project: Project
    reached: dict


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
    facts = _facts(user=user, zone=zone, year=year)
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


def _actual(indicator: str, facts: list[ProjectFacts], year: int, last_month: int) -> Decimal:
    stage = {
        Target.Indicator.SIGNED_COUNT: Stage.SIGNED,
        Target.Indicator.STARTED_COUNT: Stage.STARTED,
        Target.Indicator.COMPLETED_COUNT: Stage.COMPLETED,
    }.get(indicator, Stage.SIGNED)
    reached = [f.project for f in facts if _in(f.reached.get(stage), year, 1, last_month)]
    if indicator == Target.Indicator.SIGNED_INVESTMENT:
        return _sum(p.total_investment for p in reached)
    if indicator == Target.Indicator.FOREIGN_INVESTMENT:
        return _sum(p.foreign_investment for p in reached)
    return Decimal(sum(1 for p in reached if (p.total_investment or 0) >= ONE_YI))


def elapsed_share(year: int, today: dt.date) -> Decimal:
    """The share of the year elapsed by the end of ``today`` (0 before it starts, 1 after it ends)."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    if today < start:
        return Decimal(0)
    if today >= end:
        return Decimal(1)
    return Decimal((today - start).days + 1) / Decimal((end - start).days + 1)


def rag(share: Decimal | None, elapsed: Decimal) -> str:
    if share is None or share >= elapsed:
        return GREEN
    return AMBER if share >= elapsed * AMBER_SHARE else RED


def target_progress(*, user, zone, year: int, today: dt.date) -> list[dict]:
    """Each target of the zone for the year: actual so far, month by month, share done and its colour."""
    facts = _facts(user=user, zone=zone, year=year)
    last_month = 12 if today.year > year else (today.month if today.year == year else 0)
    elapsed = elapsed_share(year, today)
    rows = []
    for target in _scoped(Target, user).filter(zone=zone, year=year):
        actual = _actual(target.indicator, facts, year, last_month)
        share = actual / target.value if target.value else None
        rows.append(
            {
                "target": target,
                "actual": actual,
                "share": share,
                "elapsed": elapsed,
                "rag": rag(share, elapsed),
                "share_pct": None if share is None else share * 100,
                "elapsed_pct": elapsed * 100,
                "by_month": [_actual(target.indicator, facts, year, m) for m in range(1, last_month + 1)],
            }
        )
    return rows


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, month_calendar.monthrange(year, month)[1])


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
