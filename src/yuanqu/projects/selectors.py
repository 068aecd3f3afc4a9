"""Read-side queries of the projects app: lists by stage, the pipeline board, and each project's deadlines."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from yuanqu.analytics.workdays import WorkdayCalendar, unpublished_note_en, unpublished_note_zh
from yuanqu.enterprises.models import EnterpriseYear
from yuanqu.projects.compliance import assess, facts_of
from yuanqu.projects.models import STAGE_ORDER, Agreement, Project, Stage, StageDeadline, StageEvent, stage_rank
from yuanqu.workdays.selectors import calendar


def project_list(*, user, stage: str = "", q: str = ""):
    """The user's projects, optionally of one stage and matching a search in name or investor."""
    projects = Project.objects.restrict(user).select_related("zone")
    if stage:
        projects = projects.filter(stage=stage)
    if q:
        projects = projects.filter(Q(name__icontains=q) | Q(investor__icontains=q))
    return projects


def pipeline(*, user) -> list[dict]:
    """One column per stage (dropped last), each with the user's projects at that stage, their count and
    total investment in 亿元 (projects without a figure add nothing)."""
    columns = {stage: [] for stage in [*STAGE_ORDER, Stage.DROPPED]}
    for project in Project.objects.restrict(user).select_related("zone").order_by("name"):
        columns[project.stage].append(project)
    return [
        {
            "stage": stage,
            "label": Stage(stage).label,
            "projects": items,
            "count": len(items),
            "total_investment_yi": sum((p.total_investment for p in items if p.total_investment is not None), 0)
            / 10000,
        }
        for stage, items in columns.items()
    ]


@dataclass(frozen=True)
class DeadlineStatus:
    """One deadline rule applied to one project."""

    rule: StageDeadline
    started_on: dt.date  # when the project reached the rule's starting stage
    due: dt.date
    met_on: dt.date | None  # when it reached the target stage (or a later one), if it has
    days_left: int | None  # open deadlines: days until due (negative: overdue), in the rule's unit
    unpublished_years: tuple[int, ...]

    @property
    def open(self) -> bool:
        return self.met_on is None

    @property
    def overdue(self) -> bool:
        return self.open and self.days_left is not None and self.days_left < 0

    @property
    def days_overdue(self) -> int:
        return -self.days_left if self.overdue else 0

    @property
    def late(self) -> bool:
        """Met, but after the due date."""
        return self.met_on is not None and self.met_on > self.due

    @property
    def counts_workdays(self) -> bool:
        return self.rule.unit == StageDeadline.Unit.WORKDAYS

    @property
    def note_zh(self) -> str:
        return unpublished_note_zh(self.unpublished_years) if self.unpublished_years else ""

    @property
    def note_en(self) -> str:
        return unpublished_note_en(self.unpublished_years) if self.unpublished_years else ""


def deadline_status(
    *, rule: StageDeadline, events: list[StageEvent], workdays: WorkdayCalendar, today: dt.date
) -> DeadlineStatus | None:
    """The rule's state for a project with these events (in date order); None if it does not apply yet."""
    entries = [i for i, e in enumerate(events) if e.to_stage == rule.from_stage]
    if not entries:
        return None
    # The latest entry into the starting stage counts: after a step back the clock starts again.
    start = events[entries[-1]]
    target_rank = stage_rank(rule.to_stage)
    met_on = None
    for event in events[entries[-1] + 1 :]:
        rank = stage_rank(event.to_stage)
        if rank is not None and rank >= target_rank:
            met_on = event.on
            break
    if met_on is None and events[-1].to_stage == Stage.DROPPED:
        return None  # a dropped project has no deadline left to keep
    if rule.unit == StageDeadline.Unit.WORKDAYS:
        result = workdays.add_workdays(start.on, rule.days)
        due, unpublished = result.date, result.unpublished_years
    else:
        due, unpublished = start.on + dt.timedelta(days=rule.days), ()
    days_left = None
    if met_on is None:
        if rule.unit == StageDeadline.Unit.WORKDAYS:
            count = workdays.workdays_between(today, due)
            days_left = count.days
            unpublished = tuple(sorted(set(unpublished) | set(count.unpublished_years)))
        else:
            days_left = (due - today).days
    return DeadlineStatus(rule, start.on, due, met_on, days_left, unpublished)


def project_deadlines(project: Project, *, today: dt.date | None = None) -> list[DeadlineStatus]:
    """Each active deadline rule that applies to the project, with its due date and days left or overdue."""
    events = list(project.events.order_by("on", "recorded_at", "pk"))
    rules = list(StageDeadline.objects.filter(active=True))
    return _statuses(events, rules, calendar(), today or timezone.localdate())


def _statuses(events, rules, workdays: WorkdayCalendar, today: dt.date) -> list[DeadlineStatus]:
    if not events:
        return []
    statuses = []
    for rule in rules:
        status = deadline_status(rule=rule, events=events, workdays=workdays, today=today)
        if status is not None:
            statuses.append(status)
    return statuses


@dataclass(frozen=True)
class DeadlineAlert:
    """An overdue deadline of a project, with whom to ask: its leader and agent."""

    project: Project
    status: DeadlineStatus


def overdue_deadlines(*, user, today: dt.date | None = None) -> list[DeadlineAlert]:
    """The open deadlines past due of the user's projects, the longest overdue (earliest due date) first."""
    today = today or timezone.localdate()
    rules = list(StageDeadline.objects.filter(active=True))
    if not rules:
        return []
    workdays = calendar()
    starting = {rule.from_stage for rule in rules}
    projects = (
        Project.objects.restrict(user)
        .exclude(stage=Stage.DROPPED)
        .filter(events__to_stage__in=starting)
        .distinct()
        .select_related("zone")
        .prefetch_related("events")
    )
    alerts = []
    for project in projects:
        events = sorted(project.events.all(), key=lambda e: (e.on, e.recorded_at, e.pk))
        for status in _statuses(events, rules, workdays, today):
            if status.overdue:
                alerts.append(DeadlineAlert(project, status))
    # Working and calendar days mixed: order by the due date, the oldest first.
    return sorted(alerts, key=lambda a: (a.status.due, a.project.name))


def timeline(project: Project) -> list[StageEvent]:
    """The project's stage events, oldest first, with who recorded them."""
    return list(project.events.select_related("recorded_by").order_by("on", "recorded_at", "pk"))


def project_compliance(project: Project, *, today: dt.date | None = None):
    """The verdict on the project's agreement (None without an agreement or once dropped)."""
    agreement = Agreement.objects.filter(project=project).first()
    if agreement is None:
        return None
    latest = None
    if project.enterprise_id:
        latest = (
            EnterpriseYear.objects.filter(enterprise_id=project.enterprise_id, land_mu__gt=0).order_by("-year").first()
        )
    facts = facts_of(project, events=project.events.all(), latest_year=latest)
    return assess(agreement, facts, today=today or timezone.localdate())
