"""Reads of the service app: late requests and their overdue working days, an official's enterprises, what
others did at a firm before a visit, unwritten visits, statistics per category and unit, and the on-time measure."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, F, Max, Q
from django.utils import timezone

from yuanqu.core.access import visible_zone_ids, zone_descendants
from yuanqu.enterprises.models import Enterprise, EnterpriseYear
from yuanqu.evaluation.selectors import latest_grades
from yuanqu.service import deadlines
from yuanqu.service.models import EnterpriseOfficial, EnterprisePlan, ServiceRequest, Visit

OPEN = ServiceRequest.OPEN_STATES
LOOKBACK_DAYS = 90
"""Before a visit, the official sees the visits of the last 90 days."""
UNWRITTEN_AFTER_DAYS = 3
"""A visit paid and still without a write-up this many days later is flagged."""


def late_q(today: dt.date) -> Q:
    """Requests past their due date: open ones due before today, closed ones closed after it."""
    return Q(closed_on__isnull=True, due_on__lt=today) | Q(closed_on__isnull=False, closed_on__gt=F("due_on"))


def open_q() -> Q:
    return Q(state__in=OPEN)


@dataclass
class RequestRow:
    """A request as lists show it: late or not, and by how many working days."""

    request: ServiceRequest
    late: bool
    overdue_days: int


def request_rows(requests, *, today: dt.date | None = None) -> list[RequestRow]:
    today = today or timezone.localdate()
    rows = []
    for request in requests:
        overdue = deadlines.overdue_workdays(request.due_on, request.closed_on, today)
        rows.append(RequestRow(request, overdue > 0, overdue))
    return rows


@dataclass
class MyEnterprise:
    """An enterprise an official is linked to, with what they need before calling on it."""

    enterprise: Enterprise
    roles: list[str]
    year: int | None = None
    tax: object = None
    output: object = None
    tax_per_mu: object = None
    grade: str = ""
    open_requests: int = 0
    late_requests: int = 0
    last_visit: dt.date | None = None
    suggested: list[Visit] = field(default_factory=list)


def my_enterprises(*, user, official=None, today: dt.date | None = None) -> list[MyEnterprise]:
    """The enterprises ``official`` (default: the user) is linked to, among those the user may see: latest
    figures, per-mu grade, open and late requests, last visit paid, visits the data suggest."""
    today = today or timezone.localdate()
    official = official or user
    links = (
        EnterpriseOfficial.objects.restrict(user)
        .filter(official=official)
        .select_related("enterprise", "enterprise__zone")
        .order_by("enterprise__name")
    )
    found: dict[int, MyEnterprise] = {}
    for link in links:
        row = found.setdefault(link.enterprise_id, MyEnterprise(link.enterprise, []))
        row.roles.append(link.get_role_display())
    ids = list(found)
    if not ids:
        return []
    for year in EnterpriseYear.objects.filter(enterprise_id__in=ids).order_by("enterprise_id", "-year"):
        row = found[year.enterprise_id]
        if row.year is None:
            row.year, row.tax, row.output, row.tax_per_mu = year.year, year.tax, year.industrial_output, year.tax_per_mu
    for enterprise_id, grade in latest_grades(user=user, enterprise_ids=ids).items():
        found[enterprise_id].grade = grade
    counts = (
        ServiceRequest.objects.filter(enterprise_id__in=ids, state__in=OPEN)
        .values("enterprise_id")
        .annotate(n=Count("pk"), late=Count("pk", filter=Q(due_on__lt=today)))
    )
    for c in counts:
        found[c["enterprise_id"]].open_requests, found[c["enterprise_id"]].late_requests = c["n"], c["late"]
    visits = (
        Visit.objects.filter(enterprise_id__in=ids, state=Visit.State.DONE)
        .values("enterprise_id")
        .annotate(last=Max("visited_on"))
    )
    for v in visits:
        found[v["enterprise_id"]].last_visit = v["last"]
    for visit in Visit.objects.filter(enterprise_id__in=ids, state=Visit.State.SUGGESTED).order_by("visited_on"):
        found[visit.enterprise_id].suggested.append(visit)
    return list(found.values())


def before_visit(*, enterprise, user, today: dt.date | None = None, exclude_official=None) -> dict:
    """What an official sees before calling on a firm: visits paid in the last 90 days and those planned, by
    anyone (the failure named most: agencies visiting one firm without knowing of each other), and the open
    requests."""
    today = today or timezone.localdate()
    visits = (
        Visit.objects.restrict(user)
        .filter(enterprise=enterprise)
        .filter(
            Q(state=Visit.State.DONE, visited_on__gte=today - dt.timedelta(days=LOOKBACK_DAYS))
            | Q(state=Visit.State.PLANNED, visited_on__gte=today)
        )
        .select_related("official")
        .order_by("-visited_on")
    )
    if exclude_official is not None:
        visits = visits.exclude(official=exclude_official)
    requests = (
        ServiceRequest.objects.restrict(user)
        .filter(enterprise=enterprise, state__in=OPEN)
        .select_related("category")
        .order_by("due_on")
    )
    return {"visits": list(visits), "requests": request_rows(requests, today=today)}


def unwritten_q(today: dt.date) -> Q:
    """Visits paid more than three days ago with nothing written up."""
    return Q(state=Visit.State.DONE, findings="", visited_on__lt=today - dt.timedelta(days=UNWRITTEN_AFTER_DAYS))


def unvisited_key_enterprises(*, user, today: dt.date | None = None, days: int = 180):
    """Key enterprises nobody has visited in the last ``days`` days."""
    today = today or timezone.localdate()
    visited = Visit.objects.filter(state=Visit.State.DONE, visited_on__gte=today - dt.timedelta(days=days)).values(
        "enterprise_id"
    )
    return Enterprise.objects.restrict(user).filter(key_enterprise=True).exclude(pk__in=visited).order_by("name")


@dataclass
class Statistic:
    """Requests of one category or unit: received, closed, closed on time, working days to close, satisfaction."""

    label: str
    received: int = 0
    open: int = 0
    late_open: int = 0
    closed: int = 0
    on_time: int = 0
    workdays: int = 0
    rated: int = 0
    satisfaction_sum: int = 0

    @property
    def on_time_rate(self) -> float | None:
        """Percent of the closed requests closed by their due date."""
        return 100 * self.on_time / self.closed if self.closed else None

    @property
    def average_workdays(self) -> float | None:
        return self.workdays / self.closed if self.closed else None

    @property
    def average_satisfaction(self) -> float | None:
        return self.satisfaction_sum / self.rated if self.rated else None


def statistics(requests, *, by: str, today: dt.date | None = None) -> list[Statistic]:
    """The requests grouped by ``category``, ``unit`` (blank: not dispatched) or ``official`` (the enterprise's
    linked leaders, each counting its requests; none: "—"), the busiest first."""
    today = today or timezone.localdate()
    groups: dict[str, Statistic] = {}
    label_of = {"category": "category__name", "unit": "unit", "official": "enterprise_id"}[by]
    officials: dict[int, list[str]] = defaultdict(list)
    if by == "official":
        links = EnterpriseOfficial.objects.filter(
            role=EnterpriseOfficial.Role.LINKED_OFFICIAL, enterprise_id__in=requests.values("enterprise_id")
        ).select_related("official")
        for link in links:
            officials[link.enterprise_id].append(str(link.official))
    for r in requests.values(label_of, "state", "received_on", "due_on", "closed_on", "satisfaction"):
        names = (officials.get(r[label_of]) or ["—"]) if by == "official" else [r[label_of] or "—"]
        for label in names:
            s = groups.setdefault(label, Statistic(label))
            s.received += 1
            if r["closed_on"] is not None:
                s.closed += 1
                s.on_time += r["closed_on"] <= r["due_on"]
                s.workdays += deadlines.workdays_taken(r["received_on"], r["closed_on"])
            elif r["state"] in OPEN:
                s.open += 1
                s.late_open += today > r["due_on"]
            if r["satisfaction"] is not None:
                s.rated += 1
                s.satisfaction_sum += r["satisfaction"]
    return sorted(groups.values(), key=lambda s: (-s.received, s.label))


def total(rows: list[Statistic]) -> Statistic:
    whole = Statistic("")
    for s in rows:
        for name in ("received", "open", "late_open", "closed", "on_time", "workdays", "rated", "satisfaction_sum"):
            setattr(whole, name, getattr(whole, name) + getattr(s, name))
    return whole


def state_counts(requests) -> dict[str, int]:
    counts = defaultdict(int, requests.values_list("state").annotate(n=Count("pk")).order_by())
    return {state: counts[state] for state in ServiceRequest.State.values}


def on_time_measure(*, user, zone, year: int, as_of: dt.date | None = None) -> float | None:
    """Share (%) of the zone's requests (its sub-parks included) closed in the year up to ``as_of`` that were
    closed by their due date; None when none was closed."""
    return on_time_rate(user=user, zone_ids=zone_descendants([zone.pk]), year=year, as_of=as_of)


def on_time_rate(*, user, zone_ids, year: int, as_of: dt.date | None = None) -> float | None:
    """Share (%) of the requests of these zones (as given: no sub-parks added) closed in the year up to ``as_of``
    that were closed by their due date; None when none was closed. A rate over several zones is not a sum of
    their rates."""
    as_of = as_of or dt.date(year, 12, 31)
    closed = scoped_requests(user).filter(enterprise__zone_id__in=zone_ids, closed_on__year=year, closed_on__lte=as_of)
    found = closed.aggregate(n=Count("pk"), on_time=Count("pk", filter=Q(closed_on__lte=F("due_on"))))
    return round(100 * found["on_time"] / found["n"], 1) if found["n"] else None


def scoped_requests(user):
    """The requests the user may see; ``user`` None is the system, which sees all."""
    return ServiceRequest.objects.all() if user is None else ServiceRequest.objects.restrict(user)


def open_at_q(as_of: dt.date) -> Q:
    """Requests received by ``as_of`` and not closed by then (for today: the open ones)."""
    return Q(received_on__lte=as_of) & (Q(closed_on__isnull=True) | Q(closed_on__gt=as_of))


def late_at_q(as_of: dt.date) -> Q:
    """Requests open at ``as_of`` and past their due date then (for today: the open ones of ``late_q``)."""
    return open_at_q(as_of) & Q(due_on__lt=as_of)


def late_requests(*, user, zone_ids, as_of: dt.date) -> list[RequestRow]:
    """The requests of these zones late and open at ``as_of``, with their working days overdue at that date, the
    most overdue first."""
    requests = (
        scoped_requests(user)
        .filter(late_at_q(as_of), enterprise__zone_id__in=zone_ids)
        .select_related("enterprise__zone", "category")
        .order_by("due_on", "pk")
    )
    rows = [RequestRow(r, True, deadlines.overdue_workdays(r.due_on, None, as_of)) for r in requests]
    return sorted(rows, key=lambda row: -row.overdue_days)


def received_by_category(*, user, zone_ids, start: dt.date, end: dt.date) -> list[tuple[str, int]]:
    """(category, requests received from ``start`` to ``end``) for these zones, the most frequent first."""
    rows = (
        scoped_requests(user)
        .filter(enterprise__zone_id__in=zone_ids, received_on__range=(start, end))
        .values_list("category__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "category__name")
    )
    return list(rows)


def colleagues(user):
    """The people a user may name as visiting or linked officials: those bound to a zone the user sees (and the
    user); everyone active for a user who sees every zone."""
    people = get_user_model().objects.filter(is_active=True)
    ids = visible_zone_ids(user)
    if ids is not None:
        people = people.filter(Q(zones__in=ids) | Q(pk=user.pk)).distinct()
    return people.order_by("username")


def enterprise_panel(enterprise, *, user, today: dt.date | None = None) -> dict:
    """The service tab of an enterprise's page: its officials, its plans with their measures, its latest requests
    and visits (those of every agency, so none visits unaware of the others)."""
    today = today or timezone.localdate()
    plans = list(EnterprisePlan.objects.restrict(user).filter(enterprise=enterprise).prefetch_related("measures")[:3])
    requests = (
        ServiceRequest.objects.restrict(user)
        .filter(enterprise=enterprise)
        .select_related("category")
        .order_by("-received_on", "-pk")
    )
    return {
        "enterprise": enterprise,
        "officials": EnterpriseOfficial.objects.restrict(user).filter(enterprise=enterprise).select_related("official"),
        "plans": plans,
        "today": today,
        "requests": request_rows(requests[:10], today=today),
        "request_count": requests.count(),
        "open_count": requests.filter(open_q()).count(),
        "before": before_visit(enterprise=enterprise, user=user, today=today),
    }


def quarter_of(day: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last day of the quarter the day is in."""
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = dt.date(day.year, first_month, 1)
    end = dt.date(day.year + (first_month == 10), 1 if first_month == 10 else first_month + 3, 1)
    return start, end - dt.timedelta(days=1)


def visit_quota() -> int:
    """Visits each official is to pay per quarter (``YUANQU_SERVICE_VISIT_QUOTA``, default 6)."""
    return int(getattr(settings, "YUANQU_SERVICE_VISIT_QUOTA", 6))


@dataclass
class QuotaRow:
    """One official's visits paid this quarter against the quota."""

    official: object
    done: int
    quota: int

    @property
    def share(self) -> float | None:
        """Percent of the quota met (at most 100)."""
        return min(100.0, 100 * self.done / self.quota) if self.quota else None


def visit_quotas(*, user, today: dt.date | None = None) -> list[QuotaRow]:
    """Per official linked to an enterprise the user sees, or visiting one this quarter: the visits they paid to
    the user's enterprises in the quarter against the quota, the furthest behind first."""
    today = today or timezone.localdate()
    start, end = quarter_of(today)
    visits = Visit.objects.restrict(user).filter(state=Visit.State.DONE, visited_on__range=(start, end))
    done = dict(visits.exclude(official=None).values_list("official_id").annotate(n=Count("pk")).order_by())
    linked = EnterpriseOfficial.objects.restrict(user).values_list("official_id", flat=True)
    people = get_user_model().objects.filter(Q(pk__in=linked) | Q(pk__in=list(done))).order_by("username")
    quota = visit_quota()
    rows = [QuotaRow(person, done.get(person.pk, 0), quota) for person in people]
    return sorted(rows, key=lambda r: (r.done, r.official.username))


@dataclass
class RequestGroup:
    """Like requests (one category) of several firms of one group (a chain), to be sent to its owner together."""

    grouping: str
    name: str
    owner: str
    category: object
    requests: list

    @property
    def firms(self) -> int:
        return len({r.enterprise_id for r in self.requests})

    @property
    def undispatched(self) -> list:
        return [r for r in self.requests if r.state == ServiceRequest.State.ACCEPTED]


def request_groups(*, user, min_firms: int = 2) -> list[RequestGroup]:
    """The open requests the user sees that firms of one group (each app's ``registry.enterprise_groupings``: a
    chain and its owner) raised in the same category, where at least ``min_firms`` firms did, the largest first."""

    from yuanqu.core import registry

    open_requests = list(
        scoped_requests(user)
        .filter(state__in=ServiceRequest.OPEN_STATES)
        .select_related("enterprise", "category")
        .order_by("received_on", "pk")
    )
    ids = {r.enterprise_id for r in open_requests}
    groups = []
    for grouping in registry.enterprise_groupings:
        for name, owner, members in registry.resolve(grouping.groups)(user=user, enterprise_ids=ids):
            by_category: dict = {}
            for request in open_requests:
                if request.enterprise_id in members:
                    by_category.setdefault(request.category, []).append(request)
            for category, requests in by_category.items():
                group = RequestGroup(str(grouping.label), name, owner, category, requests)
                if group.firms >= min_firms:
                    groups.append(group)
    return sorted(groups, key=lambda g: (-g.firms, g.name, str(g.category)))
