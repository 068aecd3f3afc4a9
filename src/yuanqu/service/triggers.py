"""Visits the data call for: a fall in an enterprise's tax or output beyond a threshold, a worse per-mu grade, a
promise of its project's agreement at risk, or a request long overdue each open a suggested visit for the enterprise's linked official, with the reason.

Thresholds come from ``YUANQU_SERVICE_TRIGGERS`` (defaults in ``DEFAULT_THRESHOLDS``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from yuanqu.core.changelog import record_many
from yuanqu.enterprises.models import Enterprise, EnterpriseYear
from yuanqu.evaluation.models import EvaluationResult, EvaluationRun
from yuanqu.projects.compliance import assess, facts_of
from yuanqu.projects.models import Project, Stage
from yuanqu.service import deadlines
from yuanqu.service.models import EnterpriseOfficial, ServiceRequest, Visit

DEFAULT_THRESHOLDS = {"tax_fall": 0.2, "output_fall": 0.2, "overdue_workdays": 10}
GRADE_ORDER = {"A": 1, "B": 2, "C": 3, "D": 4}


@dataclass(frozen=True)
class Trigger:
    """Why the data call for a visit to one enterprise."""

    enterprise_id: int
    kind: str  # tax_fall, output_fall, grade_drop, promise_at_risk, overdue_request
    reason: str


def thresholds() -> dict:
    return {**DEFAULT_THRESHOLDS, **getattr(settings, "YUANQU_SERVICE_TRIGGERS", {})}


def _falls(limit: float) -> list[Trigger]:
    """Falls of tax and output between each enterprise's two latest years, beyond the threshold."""
    found = []
    latest: dict[int, list[EnterpriseYear]] = {}
    for row in EnterpriseYear.objects.order_by("enterprise_id", "-year").only(
        "enterprise_id", "year", "tax", "industrial_output"
    ):
        years = latest.setdefault(row.enterprise_id, [])
        if len(years) < 2:
            years.append(row)
    limits = thresholds()
    for enterprise_id, years in latest.items():
        if len(years) < 2 or years[0].year != years[1].year + 1:
            continue
        now, before = years
        for kind, field, label in (("tax_fall", "tax", "实缴税收"), ("output_fall", "industrial_output", "工业总产值")):
            a, b = getattr(before, field), getattr(now, field)
            if a is None or b is None or a <= 0:
                continue
            fall = (a - b) / a
            if fall > Decimal(str(limits[kind])):
                found.append(
                    Trigger(
                        enterprise_id,
                        kind,
                        f"{label} {now.year} 年比 {before.year} 年下降 {fall * 100:.1f}%"
                        f"（{b:.2f} / {a:.2f} 万元） / {field} fell {fall * 100:.1f}% in {now.year}",
                    )
                )
    return found


def _grade_drops() -> list[Trigger]:
    """Enterprises whose grade in the latest published run is worse than in the one before."""
    results = (
        EvaluationResult.objects.filter(run__status=EvaluationRun.Status.PUBLISHED)
        .order_by("enterprise_id", "-run__year", "-run_id")
        .values_list("enterprise_id", "grade", "run__year")
    )
    seen: dict[int, list[tuple[str, int]]] = {}
    for enterprise_id, grade, year in results:
        grades = seen.setdefault(enterprise_id, [])
        if len(grades) < 2 and (not grades or grades[-1][1] != year):
            grades.append((grade, year))
    found = []
    for enterprise_id, grades in seen.items():
        if len(grades) == 2 and grades[0][0] in GRADE_ORDER and grades[1][0] in GRADE_ORDER:
            (now, year), (before, before_year) = grades
            if GRADE_ORDER[now] > GRADE_ORDER[before]:
                found.append(
                    Trigger(
                        enterprise_id,
                        "grade_drop",
                        f"亩均评价由 {before_year} 年 {before} 类降为 {year} 年 {now} 类 / "
                        f"per-mu grade fell from {before} to {now}",
                    )
                )
    return found


def _overdue(today: dt.date, limit: int) -> list[Trigger]:
    found = []
    for request in ServiceRequest.objects.filter(state__in=ServiceRequest.OPEN_STATES, due_on__lt=today):
        days = deadlines.overdue_workdays(request.due_on, None, today)
        if days >= limit:
            found.append(
                Trigger(
                    request.enterprise_id,
                    "overdue_request",
                    f"诉求 {request.number} 已逾期 {days} 个工作日 / request {request.number} is {days} working days late",
                )
            )
    return found


def _promises(today: dt.date) -> list[Trigger]:
    """Enterprises whose project's agreement (履约) is at risk: a promised date passed or a promised figure
    missed, as the project ledger's compliance check finds it."""
    projects = list(
        Project.objects.exclude(stage=Stage.DROPPED)
        .filter(agreement__isnull=False, enterprise__isnull=False)
        .select_related("agreement")
        .prefetch_related("events")
    )
    latest: dict[int, EnterpriseYear] = {}
    for year in EnterpriseYear.objects.filter(
        enterprise_id__in={p.enterprise_id for p in projects}, land_mu__gt=0
    ).order_by("enterprise_id", "-year"):
        latest.setdefault(year.enterprise_id, year)
    found = []
    for project in projects:
        events = sorted(project.events.all(), key=lambda e: (e.on, e.recorded_at, e.pk))
        result = assess(
            project.agreement,
            facts_of(project, events=events, latest_year=latest.get(project.enterprise_id)),
            today=today,
        )
        if result is not None and result.findings:
            found.append(
                Trigger(
                    project.enterprise_id,
                    "promise_at_risk",
                    f"{project.name} 履约风险：{'；'.join(f.zh for f in result.findings)} / "
                    f"agreement at risk: {'; '.join(f.en for f in result.findings)}",
                )
            )
    return found


def visit_triggers(*, today: dt.date | None = None) -> list[Trigger]:
    """Every reason the data give today to visit an enterprise."""
    today = today or timezone.localdate()
    limits = thresholds()
    return [
        *_falls(limits["tax_fall"]),
        *_grade_drops(),
        *_promises(today),
        *_overdue(today, int(limits["overdue_workdays"])),
    ]


def open_suggested_visits(*, today: dt.date | None = None, zone_ids=None) -> list[Visit]:
    """Open a suggested visit per trigger for the enterprise's linked official (its zone contact when it has no
    linked official), unless one for the same reason is still open; returns those opened."""
    today = today or timezone.localdate()
    triggers = visit_triggers(today=today)
    ids = {t.enterprise_id for t in triggers}
    links: dict[int, EnterpriseOfficial] = {}
    for link in EnterpriseOfficial.objects.filter(enterprise_id__in=ids).order_by("-role"):
        # "zone_contact" sorts after "linked_official": read backwards, the linked official wins.
        links[link.enterprise_id] = link
    pending = set(
        Visit.objects.filter(
            enterprise_id__in=ids, state__in=(Visit.State.SUGGESTED, Visit.State.PLANNED), trigger__gt=""
        ).values_list("enterprise_id", "trigger")
    )
    zone_of = dict(Enterprise.objects.filter(pk__in=ids).values_list("pk", "zone_id")) if zone_ids is not None else {}
    opened = []
    for t in triggers:
        if (t.enterprise_id, t.kind) in pending:
            continue
        if zone_ids is not None and zone_of.get(t.enterprise_id) not in zone_ids:
            continue
        link = links.get(t.enterprise_id)
        opened.append(
            Visit(
                enterprise_id=t.enterprise_id,
                official=link.official if link else None,
                state=Visit.State.SUGGESTED,
                visited_on=today,
                reason=t.reason[:300],
                trigger=t.kind,
            )
        )
        pending.add((t.enterprise_id, t.kind))
    # A province opens thousands at once: one insert and one change-log write for all of them, not a save each.
    with transaction.atomic():
        Visit.objects.bulk_create(opened, batch_size=2000)
        record_many(("create", visit, None) for visit in opened)
    return opened
