"""The alert list (督办): what to chase in the user's projects, each naming the project, the rule, the owner
(leader and agent) and how late it is.

Four kinds: overdue stage deadlines, projects without recorded progress for a while, agreements at risk or
breached, and parcels of projects that have not started which approach (or passed) the idle-land line.
Everything is loaded in a fixed number of queries, whatever the number of projects.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, replace

import polars as pl
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from yuanqu.analytics.land_status import IDLE, classify
from yuanqu.core.access import zone_descendants
from yuanqu.core.importing.tabular import Column, write_rows
from yuanqu.enterprises.models import EnterpriseYear
from yuanqu.land.status import current_rules, parcel_frame
from yuanqu.projects.compliance import assess, facts_of, reached_dates
from yuanqu.projects.models import AlertResponse, Project, Stage, StageDeadline, stage_rank
from yuanqu.projects.selectors import deadline_status
from yuanqu.workdays.selectors import calendar

DEADLINE, STALLED, AGREEMENT, IDLE_LAND = "deadline", "stalled", "agreement", "idle_land"
KINDS = {
    DEADLINE: _("期限逾期"),
    STALLED: _("长期无进展"),
    AGREEMENT: _("履约风险"),
    IDLE_LAND: _("临近闲置"),
}
"""Alert kind → label, in the order the list shows them."""

# A project is "stalled" when it has been at its stage, with no recorded stage change, longer than the
# stage normally takes: a lead is screened within months, construction takes a year or two. A deployment
# sets YUANQU_PROJECT_STALL_DAYS: one number for every stage, or a dict by stage over these defaults.
STALL_DAYS = {
    Stage.LEAD: 180,
    Stage.NEGOTIATING: 240,
    Stage.SIGNED: 90,
    Stage.REGISTERED: 120,
    Stage.LAND_SUPPLIED: 120,
    Stage.STARTED: 730,
    Stage.COMPLETED: 180,
    Stage.IN_PRODUCTION: 730,
}
# A parcel is flagged this many days before it becomes idle by the legal rule (YUANQU_IDLE_WARNING_DAYS).
IDLE_WARNING_DAYS = 90


@dataclass
class Alert:
    """One thing to chase: the project, the rule it breaks, its owner, and how late, in Chinese and English."""

    project: Project
    kind: str  # one of KINDS
    rule_zh: str
    rule_en: str
    late_zh: str
    late_en: str
    days: int  # how late, in days of the rule's unit (negative: days still left)
    key: str = ""  # which alert of the project it is, for its response: "deadline:3", "stalled:signed", ...
    response: object = None  # the AlertResponse someone gave it, when there is one (`attach_responses`)

    @property
    def leader(self) -> str:
        return self.project.leader

    @property
    def agent(self) -> str:
        return self.project.agent

    @property
    def kind_label(self) -> str:
        return str(KINDS[self.kind])


def stall_days() -> dict[str, int]:
    """Days without a stage change after which a project at each stage counts as stalled."""
    configured = getattr(settings, "YUANQU_PROJECT_STALL_DAYS", None)
    if configured is None:
        return dict(STALL_DAYS)
    if isinstance(configured, dict):
        return {**STALL_DAYS, **{str(k): int(v) for k, v in configured.items()}}
    return dict.fromkeys(STALL_DAYS, int(configured))


def idle_warning_days() -> int:
    return int(getattr(settings, "YUANQU_IDLE_WARNING_DAYS", IDLE_WARNING_DAYS))


def project_alerts(*, user, today: dt.date | None = None, zone_ids=None, kind: str = "") -> list[Alert]:
    """The alerts of the user's projects (only those in ``zone_ids`` and their sub-parks, when given; only
    one ``kind``, when given): deadlines first, then by how late, then by project name."""
    today = today or timezone.localdate()
    projects = Project.objects.restrict(user).exclude(stage=Stage.DROPPED)
    if zone_ids is not None:
        projects = projects.filter(zone_id__in=zone_descendants(zone_ids))
    projects = list(projects.select_related("zone", "parcel", "agreement").prefetch_related("events"))
    events = {p.pk: sorted(p.events.all(), key=lambda e: (e.on, e.recorded_at, e.pk)) for p in projects}
    builders = {
        DEADLINE: _deadline_alerts,
        STALLED: _stalled_alerts,
        AGREEMENT: _agreement_alerts,
        IDLE_LAND: _idle_land_alerts,
    }
    alerts = []
    for name, build in builders.items():
        if not kind or kind == name or (kind == STALLED and name == DEADLINE):  # stalls need the deadlines
            alerts.extend(build(projects, events, user=user, today=today))
    # A project already chased for an overdue deadline is not listed again as stalled: same silence, one line.
    overdue = {a.project.pk for a in alerts if a.kind == DEADLINE}
    alerts = [a for a in alerts if not (a.kind == STALLED and a.project.pk in overdue)]
    if kind:
        alerts = [a for a in alerts if a.kind == kind]
    order = list(KINDS)
    return sorted(alerts, key=lambda a: (order.index(a.kind), -a.days, a.project.name))


def counts_by_kind(alerts: list[Alert]) -> list[dict]:
    """How many alerts of each kind (every kind listed, in order, zeros included)."""
    counts = Counter(a.kind for a in alerts)
    return [{"kind": k, "label": label, "count": counts[k]} for k, label in KINDS.items()]


# --- working through the list: responses, filters, sorting, counts -----------------------------------------

OPEN, ACKNOWLEDGED, SNOOZED, ALL = "open", "acknowledged", "snoozed", "all"
STATES = {
    OPEN: _("待处理"),
    ACKNOWLEDGED: _("已知悉"),
    SNOOZED: _("暂缓中"),
    ALL: _("全部"),
}
"""What the list shows: the alerts nobody has answered yet (or whose snooze has run out), those acknowledged,
those snoozed, or all."""


def attach_responses(alerts: list[Alert], *, today: dt.date | None = None) -> list[Alert]:
    """Give each alert the response stored for it (its project and key); the alerts come from restricted
    projects, so the responses read are the user's too."""
    project_ids = {a.project.pk for a in alerts}
    responses = {}
    for chunk_start in range(0, len(project_ids), 900):
        chunk = sorted(project_ids)[chunk_start : chunk_start + 900]
        for response in AlertResponse.objects.filter(project_id__in=chunk).select_related("responded_by"):
            responses[(response.project_id, response.key)] = response
    for alert in alerts:
        alert.response = responses.get((alert.project.pk, alert.key))
    return alerts


def state_of(alert: Alert, today: dt.date) -> str:
    """open, acknowledged or snoozed (a snooze that has run out is open again)."""
    response = alert.response
    if response is None:
        return OPEN
    if response.action == AlertResponse.Action.SNOOZED:
        return SNOOZED if response.until is not None and response.until > today else OPEN
    return ACKNOWLEDGED


SORTS = {
    "kind": lambda a: (list(KINDS).index(a.kind), -a.days, a.project.name),
    "days": lambda a: (a.days, a.project.name),
    "project": lambda a: (a.project.name, list(KINDS).index(a.kind)),
    "zone": lambda a: (a.project.zone.name, a.project.name),
    "leader": lambda a: (a.leader == "", a.leader, -a.days),
    "agent": lambda a: (a.agent == "", a.agent, -a.days),
}
"""The orders the list can be sorted in; "-days" (the latest first) reverses "days"."""


def filter_alerts(
    alerts: list[Alert],
    *,
    today: dt.date,
    state: str = OPEN,
    kind: str = "",
    leader: str | None = None,
    agent: str | None = None,
    min_days: int | None = None,
) -> list[Alert]:
    """The alerts in a state, of a kind, of a leader or agent ("" means none named), at least ``min_days`` late."""
    return [
        a
        for a in alerts
        if (state == ALL or state_of(a, today) == state)
        and (not kind or a.kind == kind)
        and (leader is None or a.leader == leader)
        and (agent is None or a.agent == agent)
        and (min_days is None or a.days >= min_days)
    ]


def sort_alerts(alerts: list[Alert], sort: str) -> list[Alert]:
    """The alerts in one of the `SORTS` orders, descending with a leading "-"."""
    descending = sort.startswith("-")
    key = SORTS.get(sort.lstrip("-"), SORTS["kind"])
    return sorted(alerts, key=key, reverse=descending)


def counts_by_owner(alerts: list[Alert], owner: str) -> list[dict]:
    """How many alerts each leader (or agent) has, the most first; "" for alerts naming nobody."""
    counts = Counter(getattr(a, owner) for a in alerts)
    return [{"name": name, "count": n} for name, n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]


EXPORT_COLUMNS = (
    Column("project", "项目名称", "text"),
    Column("zone", "所属园区", "text"),
    Column("kind", "类型", "text"),
    Column("rule", "规则", "text"),
    Column("late", "逾期情况", "text"),
    Column("days", "逾期天数", "int"),
    Column("leader", "挂钩领导", "text"),
    Column("agent", "代办员", "text"),
    Column("state", "处理状态", "text"),
    Column("until", "暂缓至", "date"),
    Column("reason", "说明", "text"),
)
"""The columns of the alert list's xlsx export (Chinese, as the bureau files it; ``EXPORT_HEADERS_EN`` in English)."""


EXPORT_HEADERS_EN = {
    "project": "Project",
    "zone": "Zone",
    "kind": "Kind",
    "rule": "Rule",
    "late": "How late",
    "days": "Days late",
    "leader": "Linked leader",
    "agent": "Agent",
    "state": "State",
    "until": "Put off until",
    "reason": "Note",
}


def write_alerts(target, alerts: list[Alert], *, today: dt.date, english: bool = False) -> int:
    """The alerts as an xlsx workbook (the platform's export writer); returns the count. In Chinese, as the
    bureau files it, or wholly in English (headers, kinds, rules, states) for a user reading English."""
    language = "en" if english else "zh-hans"
    with translation.override(language):
        rows = list(export_rows(alerts, today=today, english=english))
    if english:
        columns = [replace(column, header=EXPORT_HEADERS_EN[column.key]) for column in EXPORT_COLUMNS]
        return write_rows(target, columns, rows, title=f"Project alerts ({today})", sheet_name="Alerts")
    return write_rows(target, EXPORT_COLUMNS, rows, title=f"督办提醒（{today}）", sheet_name="督办提醒")


def export_rows(alerts: list[Alert], *, today: dt.date, english: bool = False):
    """The alerts as rows of `EXPORT_COLUMNS`."""
    for a in alerts:
        state = state_of(a, today)
        response = a.response
        yield {
            "project": a.project.name,
            "zone": a.project.zone.name,
            "kind": str(KINDS[a.kind]),
            "rule": a.rule_en if english else a.rule_zh,
            "late": a.late_en if english else a.late_zh,
            "days": a.days,
            "leader": a.leader,
            "agent": a.agent,
            "state": str(STATES[state]),
            "until": response.until if response is not None and state == SNOOZED else None,
            "reason": response.reason if response is not None else "",
        }


def _deadline_alerts(projects, events, *, user, today):
    rules = list(StageDeadline.objects.filter(active=True))
    if not rules:
        return []
    workdays = calendar()
    alerts = []
    for project in projects:
        timeline = events[project.pk]
        if not timeline:
            continue
        for rule in rules:
            status = deadline_status(rule=rule, events=timeline, workdays=workdays, today=today)
            if status is None or not status.overdue:
                continue
            unit_zh, unit_en = ("个工作日", "working days") if status.counts_workdays else ("天", "days")
            alerts.append(
                Alert(
                    project,
                    DEADLINE,
                    f"{status.rule}（{status.rule.days} {unit_zh}，{status.due} 到期）",
                    f"{status.rule.english_name()} ({status.rule.days} {unit_en}, due {status.due})",
                    f"逾期 {status.days_overdue} {unit_zh}",
                    f"{status.days_overdue} {unit_en} overdue",
                    status.days_overdue,
                    key=f"{DEADLINE}:{rule.pk}",
                )
            )
    return alerts


def _stalled_alerts(projects, events, *, user, today):
    limits = stall_days()
    alerts = []
    for project in projects:
        limit = limits.get(project.stage)
        if limit is None or not events[project.pk]:  # at full capacity there is no next stage to wait for
            continue
        last = max(e.on for e in events[project.pk])
        if (idle := (today - last).days) > limit:
            alerts.append(
                Alert(
                    project,
                    STALLED,
                    f"{limit} 天无进展（最近一次 {last}）",
                    f"no progress for {limit} days (last on {last})",
                    f"{idle - limit} 天",
                    f"{idle - limit} days",
                    idle - limit,
                    key=f"{STALLED}:{project.stage}",
                )
            )
    return alerts


def _agreement_alerts(projects, events, *, user, today):
    with_agreement = [p for p in projects if getattr(p, "agreement", None) is not None]
    enterprise_ids = {p.enterprise_id for p in with_agreement if p.enterprise_id}
    latest: dict[int, EnterpriseYear] = {}
    if enterprise_ids:
        years = EnterpriseYear.objects.filter(enterprise_id__in=enterprise_ids, land_mu__gt=0).order_by(
            "enterprise_id", "-year"
        )
        for year in years:
            latest.setdefault(year.enterprise_id, year)
    alerts = []
    for project in with_agreement:
        facts = facts_of(project, events=events[project.pk], latest_year=latest.get(project.enterprise_id))
        result = assess(project.agreement, facts, today=today)
        if result is None or not result.findings:
            continue
        alerts.append(
            Alert(
                project,
                AGREEMENT,
                f"履约：{result.label_zh}",
                f"agreement: {result.label_en}",
                "；".join(f.zh for f in result.findings),
                "; ".join(f.en for f in result.findings),
                0,
                key=AGREEMENT,
            )
        )
    return alerts


def _idle_land_alerts(projects, events, *, user, today):
    """Parcels of projects before ``started`` that are supplied and past their agreed start, whose idle line
    (by the land rules in force, government-caused delays exempt) is within the warning days or passed."""
    started = stage_rank(Stage.STARTED)
    candidates = []
    for project in projects:
        rank = stage_rank(project.stage)
        if project.parcel_id is None or rank is None or rank >= started:
            continue
        reached = reached_dates(events[project.pk])
        agreement = getattr(project, "agreement", None)
        agreed = project.parcel.agreed_start_on or (agreement.start_by if agreement else None)
        supplied = project.parcel.supplied_on or reached.get(Stage.LAND_SUPPLIED)
        if agreed is None or supplied is None or agreed >= today:
            continue
        candidates.append((project, agreed, supplied))
    if not candidates:
        return []
    horizon = today + dt.timedelta(days=idle_warning_days())
    frame = parcel_frame(user=user, as_of=horizon, parcel_ids=[p.parcel_id for p, _a, _s in candidates])
    by_parcel = {row["parcel_id"]: row for row in frame.iter_rows(named=True)}
    rows, kept = [], []
    for project, agreed, supplied in candidates:
        row = by_parcel.get(project.parcel_id)
        if row is None:  # a parcel of a zone the user may not see
            continue
        rows.append({**row, "agreed_start_on": agreed, "supplied_on": supplied})
        kept.append((project, agreed))
    if not rows:
        return []
    # The rule itself is the ledger's: classified as of the horizon, "idle" means the line falls within it.
    classified = classify(pl.DataFrame(rows, schema=frame.schema), as_of=horizon, rules=current_rules())
    alerts = []
    for (project, agreed), row in zip(kept, classified.iter_rows(named=True), strict=True):
        if row["status"] != IDLE:
            continue
        idle_from, recovery = row["idle_from"], row["recovery_line"]
        source_zh, source_en = ("", "") if project.parcel.agreed_start_on else ("（协议约定）", " (per the agreement)")
        days = (today - idle_from).days
        if days >= 0:
            late_zh, late_en = f"已闲置 {days} 天", f"idle for {days} days"
        else:
            late_zh, late_en = f"距闲置认定还有 {-days} 天", f"{-days} days until idle"
        alerts.append(
            Alert(
                project,
                IDLE_LAND,
                f"地块 {row['code']} 约定 {agreed} 开工{source_zh}，尚未开工：{idle_from} 起认定闲置，"
                f"{recovery} 起可无偿收回",
                f"parcel {row['code']}: agreed start {agreed}{source_en}, not started; idle from {idle_from}, "
                f"can be taken back from {recovery}",
                late_zh,
                late_en,
                days,
                key=f"{IDLE_LAND}:{project.parcel_id}",
            )
        )
    return alerts
