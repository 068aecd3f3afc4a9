"""Read-side queries of the projects app: lists by stage, the pipeline board, each project's deadlines, and the
projects on the map."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yuanqu.analytics.workdays import WorkdayCalendar, unpublished_note_en, unpublished_note_zh
from yuanqu.core.queries import chunks
from yuanqu.core.registry import NO_VALUE_COLOUR
from yuanqu.enterprises.models import EnterpriseYear
from yuanqu.land.models import Parcel
from yuanqu.land.selectors import parcel_shapes, point_feature, zone_filter
from yuanqu.projects.compliance import assess, facts_of
from yuanqu.projects.indicators import size_classes
from yuanqu.projects.models import STAGE_ORDER, Agreement, Project, Stage, StageDeadline, StageEvent, stage_rank
from yuanqu.workdays.selectors import calendar


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


def size_bands() -> list[tuple[Decimal | None, Decimal | None]]:
    """The size classes (``indicators.size_classes``) as disjoint bands of total investment in 万元, (low, high) with
    low included and high not: below the lowest class (a project without a figure too), between each class and
    the next, and the highest class and above (high None)."""
    thresholds = [threshold for threshold, _label in size_classes()]
    return list(zip([None, *thresholds], [*thresholds, None], strict=True))


def stage_size_counts(*, user, zone_ids=None) -> dict[str, list[int]]:
    """Stage → how many of the user's projects (of the zones ``zone_ids`` when given) are at that stage today, per
    size band (``size_bands``, in order): the pipeline board's counts, split by size."""
    bands = size_bands()
    counts = {}
    for i, (low, high) in enumerate(bands):
        if low is None:  # there is always a class, so the lowest band has a top
            band = Q(total_investment__isnull=True) | Q(total_investment__lt=high)
        elif high is None:
            band = Q(total_investment__gte=low)
        else:
            band = Q(total_investment__gte=low, total_investment__lt=high)
        counts[f"band{i}"] = Count("pk", filter=band)
    projects = Project.objects.restrict(user) if user is not None else Project.objects.all()
    if zone_ids is not None:
        projects = projects.filter(zone_id__in=zone_ids)
    found = {stage: [0] * len(bands) for stage in Stage.values}
    for row in projects.order_by().values("stage").annotate(**counts):
        found[row["stage"]] = [row[f"band{i}"] for i in range(len(bands))]
    return found


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
    *, rule: StageDeadline, events: list[StageEvent], workdays: WorkdayCalendar, today: dt.date, open_only: bool = False
) -> DeadlineStatus | None:
    """The rule's state for a project with these events (in date order); None if it does not apply yet, or, with
    ``open_only``, once it is met (then no due date is worked out)."""
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
    if met_on is not None and open_only:
        return None
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


def _statuses(events, rules, workdays: WorkdayCalendar, today: dt.date, *, open_only=False) -> list[DeadlineStatus]:
    if not events:
        return []
    statuses = []
    for rule in rules:
        status = deadline_status(rule=rule, events=events, workdays=workdays, today=today, open_only=open_only)
        if status is not None:
            statuses.append(status)
    return statuses


class _Remembered:
    """The working-day calendar's answers remembered for one listing: many deadlines share a start and a due date."""

    def __init__(self, workdays: WorkdayCalendar):
        self.workdays = workdays
        self.added: dict = {}
        self.between: dict = {}

    def add_workdays(self, start: dt.date, n: int):
        if (start, n) not in self.added:
            self.added[(start, n)] = self.workdays.add_workdays(start, n)
        return self.added[(start, n)]

    def workdays_between(self, a: dt.date, b: dt.date):
        if (a, b) not in self.between:
            self.between[(a, b)] = self.workdays.workdays_between(a, b)
        return self.between[(a, b)]


class Step(NamedTuple):
    """A stage event as a deadline reads it."""

    to_stage: str
    on: dt.date


@dataclass(frozen=True)
class DeadlineAlert:
    """An overdue deadline of a project, with whom to ask: its leader and agent."""

    project: Project
    status: DeadlineStatus


def overdue_deadlines(*, user, today: dt.date | None = None, zone_ids=None) -> list[DeadlineAlert]:
    """The open deadlines past due of the user's projects (None: all; of the zones ``zone_ids``, sub-parks listed,
    when given), the longest overdue (earliest due date) first."""
    today = today or timezone.localdate()
    rules = list(StageDeadline.objects.filter(active=True))
    if not rules:
        return []
    starting = {rule.from_stage for rule in rules}
    # A project at or beyond every rule's target stage has met each rule since it last entered the rule's start.
    last_target = max(stage_rank(rule.to_stage) for rule in rules)
    behind = [stage for stage in STAGE_ORDER if stage_rank(stage) < last_target]
    candidates = (
        (Project.objects.all() if user is None else Project.objects.restrict(user))
        .filter(stage__in=behind, events__to_stage__in=starting)
        .distinct()
    )
    if zone_ids is not None:
        candidates = candidates.filter(zone_id__in=zone_ids)
    # The timelines as plain (to_stage, on) rows, read at once: all a deadline needs of an event.
    timelines: dict[int, list[Step]] = defaultdict(list)
    rows = StageEvent.objects.filter(project_id__in=candidates.values("pk")).order_by(
        "project_id", "on", "recorded_at", "pk"
    )
    for project_id, to_stage, on in rows.values_list("project_id", "to_stage", "on"):
        timelines[project_id].append(Step(to_stage, on))
    workdays = _Remembered(calendar())
    overdue = {}
    for project_id, steps in timelines.items():
        found = [status for status in _statuses(steps, rules, workdays, today, open_only=True) if status.overdue]
        if found:
            overdue[project_id] = found
    # Only the projects with a deadline past due are read whole.
    alerts = []
    for chunk in chunks(overdue):
        for project in Project.objects.filter(pk__in=chunk).select_related("zone"):
            alerts.extend(DeadlineAlert(project, status) for status in overdue[project.pk])
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


# --- the map (yuanqu.core.registry.map_layers) ----------------------------------------------------------------

STAGE_COLOURS = {
    "lead": "#c6dbef",
    "negotiating": "#9ecae1",
    "signed": "#6baed6",
    "registered": "#4292c6",
    "land_supplied": "#fdae6b",
    "started": "#f16913",
    "completed": "#a1d99b",
    "in_production": "#41ab5d",
    "at_capacity": "#006d2c",
    "dropped": "#636363",
}
"""Fill colour of each project stage: blues before land, oranges while building, greens once producing."""


def current_projects(*, user, parcels) -> dict[int, tuple[int, str, str]]:
    """Parcel id → (id, name, stage) of the project on it: the most recently updated one not dropped."""
    projects = (
        Project.objects.restrict(user)
        .filter(parcel_id__in=parcels.values("pk"))
        .exclude(stage=Stage.DROPPED)
        .order_by("parcel_id", "-updated", "-id")
        .values_list("parcel_id", "id", "name", "stage")
    )
    result: dict[int, tuple[int, str, str]] = {}
    for parcel_id, pk, name, stage in projects:
        result.setdefault(parcel_id, (pk, name, stage))
    return result


def stage_legend() -> list[dict]:
    """The legend of the parcels (and project points) coloured by project stage; "" (no project) last."""
    return [
        *({"value": s, "label": str(label), "colour": STAGE_COLOURS[s]} for s, label in Stage.choices),
        {"value": "", "label": _("无"), "colour": NO_VALUE_COLOUR},
    ]


def project_geojson(*, user, zone_ids=None, as_of: dt.date | None = None) -> dict:
    """The projects the user may see as lon/lat points at the centroid of their parcel, with name, stage, zone
    and page; ``unmapped`` counts the projects without a parcel (or whose parcel has no polygon). The date is
    not used: a project is drawn at its stage of today."""
    projects = zone_filter(Project.objects.restrict(user), zone_ids)
    rows = list(projects.values_list("pk", "name", "stage", "parcel_id", "zone__name", "zone__short_name"))
    visible_parcels = Parcel.objects.restrict(user).filter(pk__in={r[3] for r in rows if r[3]})
    shapes = parcel_shapes(visible_parcels.values("pk"))
    labels = dict(Stage.choices)
    detail = reverse("projects:project-detail", args=[0]).replace("/0/", "/{}/")
    features = []
    for pk, name, stage, parcel_id, zone_name, short_name in rows:
        shape = shapes.get(parcel_id)
        if shape is None or shape.is_empty:
            continue
        centre = shape.centroid
        properties = {
            "id": pk,
            "name": name,
            "stage": stage,
            "stage_label": str(labels.get(stage, stage)),
            "zone": short_name or zone_name,
            "parcel_id": parcel_id,
            "url": detail.format(pk),
        }
        features.append(point_feature(pk, properties, centre.x, centre.y))
    return {"type": "FeatureCollection", "features": features, "unmapped": len(rows) - len(features)}
