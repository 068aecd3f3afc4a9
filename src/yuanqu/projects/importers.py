"""`yuanqu import projects FILE` and `yuanqu export projects FILE`: the project ledger (项目台账) as a spreadsheet.

A project is found by its zone and name: a row naming an existing project updates it, any other creates one.
The ledger's date per stage (签约日期 … 达产日期, 终止日期 with 终止原因) builds the project's timeline: a new
project gets one dated event per stage with a date (blank stages are skipped), a project without any date
is a lead from the import day. For a stored project the dates must agree with its recorded events; a date
for a stage beyond the one it is at advances it, recorded as a stage event by the importing user. Dates may
not run backwards nor lie in the future. Screening and the admission check are not run on an import: the
ledger reports what happened.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from itertools import chain

from django.utils import timezone

from yuanqu.analytics.industry import IndustryCodeError, parse_industry_code
from yuanqu.core.access import editable_zone_ids
from yuanqu.core.changelog import record_many
from yuanqu.core.importing.pipeline import (
    FirstRows,
    Importer,
    Plan,
    check_values,
    chunked,
    present_keys,
    problem,
    write_plan,
)
from yuanqu.core.importing.tabular import Column
from yuanqu.projects.models import Project, Stage, StageEvent, stage_rank
from yuanqu.zones.importers import ZoneResolver, zone_labels

FLAGS = ("is_top500", "is_china_top100_private", "is_regional_hq", "contact_verified")
CAPACITY_LABELS = {"实力强": "strong", "实力一般": "adequate", "实力存疑": "doubtful"}

# (stage, column key, header, aliases): the ledger's date of each stage, in the stages' order.
STAGE_DATES = (
    (Stage.SIGNED, "signed_on", "签约日期", ("签约时间", "signed_on")),
    (Stage.REGISTERED, "registered_on", "注册日期", ("注册时间", "registered_on")),
    (Stage.LAND_SUPPLIED, "land_supplied_on", "供地日期", ("供地时间", "land_supplied_on")),
    (Stage.STARTED, "started_on", "开工日期", ("开工时间", "started_on")),
    (Stage.COMPLETED, "completed_on", "竣工日期", ("竣工时间", "completed_on")),
    (Stage.IN_PRODUCTION, "in_production_on", "投产日期", ("投产时间", "in_production_on")),
    (Stage.AT_CAPACITY, "at_capacity_on", "达产日期", ("达产时间", "at_capacity_on")),
)
DATE_KEYS = {key: stage for stage, key, *_ in STAGE_DATES}
EARLIEST = dt.date(1950, 1, 1)


class ProjectImporter(Importer):
    """Projects by zone and name: investor, industry, investment, land, flags, leader and agent."""

    kind = "projects"
    label_zh, label_en = "项目", "projects"
    template_title = "招商项目台账"
    model = Project
    natural_key = ("zone_id", "name")
    schema = (
        Column("name", "项目名称", "text", required=True, aliases=("项目", "name")),
        Column("zone", "所属园区", "text", required=True, aliases=("园区", "园区代码", "园区名称", "zone")),
        Column("investor", "投资方", "text", aliases=("投资主体", "投资企业", "investor")),
        Column("investor_origin", "投资方来源地", "text", aliases=("来源地", "国别", "investor_origin")),
        Column("industry_code", "行业代码", "text", aliases=("国民经济行业代码", "industry_code")),
        Column("total_investment", "总投资", "decimal", unit="万元", aliases=("计划总投资", "total_investment")),
        Column("fixed_asset_investment", "固定资产投资", "decimal", unit="万元", aliases=("固投",)),
        Column("foreign_investment", "外资", "decimal", unit="万美元", aliases=("利用外资", "foreign_investment")),
        Column("land_mu", "用地需求", "decimal", unit="亩", aliases=("用地", "land_mu")),
        Column("lead_source", "信息来源", "text", aliases=("线索来源", "lead_source")),
        Column("contact_verified", "联系人已核实", "flag", aliases=("联系人核实", "contact_verified")),
        Column(
            "investor_capacity",
            "投资方实力",
            "choice",
            choices=CAPACITY_LABELS,
            aliases=("实力判断", "investor_capacity"),
        ),
        Column("is_top500", "世界500强", "flag", aliases=("世界 500 强", "is_top500")),
        Column("is_china_top100_private", "中国民企100强", "flag", aliases=("中国民企 100 强", "民企100强")),
        Column("is_regional_hq", "区域总部", "flag", aliases=("is_regional_hq",)),
        Column("leader", "挂钩领导", "text", aliases=("联系领导", "leader")),
        Column("agent", "代办员", "text", aliases=("代办", "agent")),
        *(Column(key, header, "date", aliases=aliases) for _stage, key, header, aliases in STAGE_DATES),
        Column("dropped_on", "终止日期", "date", aliases=("终止时间", "dropped_on")),
        Column("dropped_reason", "终止原因", "text", aliases=("终止理由", "dropped_reason")),
    )
    template_keys = (
        "name",
        "zone",
        "investor",
        "industry_code",
        "total_investment",
        "leader",
        "agent",
        *(key for _stage, key, *_ in STAGE_DATES),
        "dropped_on",
        "dropped_reason",
    )

    def plan(self, table, *, user, problems) -> Plan:
        """Check zones (the user's), industry codes, numbers and stage dates; match existing projects by zone and
        name, and plan each project's new stage events."""
        headers = table.headers
        zones = ZoneResolver(user)
        timeline_keys = {*DATE_KEYS, "dropped_on", "dropped_reason"}
        keys = [
            k for k in present_keys(table, self.schema) if k not in ("name", "zone", "industry_code", *timeline_keys)
        ]
        check_values(Project, table, keys, problems)
        today = timezone.localdate()
        rows, seen = [], FirstRows()
        for parsed in table.rows:
            v, row = parsed.values, parsed.row
            name = (v.get("name") or "").strip()
            zone_id = zones.resolve(v.get("zone"), row, headers.get("zone"), problems, must_edit=True)
            industry = None
            if v.get("industry_code") not in (None, ""):
                try:
                    industry = parse_industry_code(v["industry_code"])
                except IndustryCodeError as exc:
                    problems.append(
                        problem(row, headers["industry_code"], v["industry_code"], exc.reason_zh, exc.reason_en)
                    )
            timeline = _row_timeline(v, row, headers, today, problems)
            if not name or zone_id is None:
                continue
            if (first := seen.repeated((zone_id, name), row)) is not None:
                problems.append(
                    problem(
                        row,
                        headers["name"],
                        name,
                        f"与第 {first} 行是同一园区的同名项目",
                        f"same zone and project name as row {first}",
                    )
                )
                continue
            rows.append((row, name, zone_id, industry, v, timeline))

        stored_fields = [f.attname for f in Project._meta.concrete_fields]
        editable = editable_zone_ids(user) if user is not None else None
        existing = {
            (p["zone_id"], p["name"]): p
            for p in Project.objects.filter(zone_id__in={r[2] for r in rows}).values(*stored_fields)
        }
        events: dict[int, list[dict]] = {}
        for chunk in chunked([p["id"] for p in existing.values()]):
            for event in (
                StageEvent.objects.filter(project_id__in=chunk)
                .order_by("on", "recorded_at", "pk")
                .values("project_id", "to_stage", "on")
            ):
                events.setdefault(event["project_id"], []).append(event)
        plan = LedgerPlan()
        for row, name, zone_id, industry, v, timeline in rows:
            if editable is not None and zone_id not in editable:
                continue  # the resolver has reported it
            values = {k: v.get(k) for k in keys}
            for flag in FLAGS:
                if flag in values and values[flag] is None:
                    values[flag] = False
            for text in ("investor", "investor_origin", "lead_source", "investor_capacity", "leader", "agent"):
                if text in values and values[text] is None:
                    values[text] = ""
            if "industry_code" in headers:
                values.update(
                    industry_code=industry.code if industry else "",
                    industry_section=industry.section if industry else "",
                    industry_division=industry.division if industry else "",
                )
            stored = existing.get((zone_id, name))
            if timeline is None:  # its dates have problems, reported
                steps = []
            elif stored is None:
                steps = timeline.steps or [(Stage.LEAD, today, "")]
            else:
                steps = _advance(timeline, stored, events.get(stored["id"], []), row, headers, problems, table.notes)
            if steps:
                values["stage"] = steps[-1][0]
                if steps[-1][0] == Stage.DROPPED:
                    values["dropped_reason"] = steps[-1][2]
            elif stored is not None and stored["stage"] == Stage.DROPPED and timeline and timeline.dropped_on:
                values["dropped_reason"] = timeline.dropped_reason  # the same drop, its reason as the file has it
            if stored is None:
                values.setdefault("stage", Stage.LEAD)
            plan.compare(
                values,
                stored=stored,
                label=name,
                zone_id=zone_id,
                key=(zone_id, name),
                new={"name": name, "zone_id": zone_id, **values},
                row=row,
            )
            if steps:
                plan.timelines.append(
                    Timeline(key=(zone_id, name), start="" if stored is None else stored["stage"], steps=steps)
                )
        return plan

    def write(self, plan: Plan, *, user, progress) -> None:
        """Write the projects, then their new stage events, recorded by the importing user."""
        write_plan(self.model, plan, natural_key=self.natural_key, progress=progress)
        timelines = getattr(plan, "timelines", [])
        if not timelines:
            return
        ids = {c.key: c.pk for c in chain(plan.creates, plan.updates)}
        new_events = []
        for timeline in timelines:
            previous = timeline.start
            for stage, on, reason in timeline.steps:
                new_events.append(
                    StageEvent(
                        project_id=ids[timeline.key],
                        from_stage=previous,
                        to_stage=stage,
                        on=on,
                        recorded_by=user,
                        reason=reason,
                    )
                )
                previous = stage
        first_new = (StageEvent.objects.order_by("-pk").values_list("pk", flat=True).first()) or 0
        StageEvent.objects.bulk_create(new_events, batch_size=1000)
        created = StageEvent.objects.filter(pk__gt=first_new).select_related("project")
        record_many(("create", event, None) for event in created.iterator(chunk_size=2000))


@dataclass
class RowTimeline:
    """The stage dates of one row of the file, checked among themselves."""

    steps: list  # (stage, date, reason), in order; the drop last
    dropped_on: dt.date | None = None
    dropped_reason: str = ""
    columns: dict = field(default_factory=dict)  # stage -> the column key its date came from


@dataclass
class Timeline:
    """The events the import adds to one project: from ``start``, each (stage, date, reason) in turn."""

    key: tuple
    start: str
    steps: list


@dataclass
class LedgerPlan(Plan):
    timelines: list[Timeline] = field(default_factory=list)


def _date_problem(problems, row, header, value, zh, en) -> None:
    problems.append(problem(row, header, value.isoformat() if isinstance(value, dt.date) else value, zh, en))


def _row_timeline(v: dict, row: int, headers: dict, today: dt.date, problems) -> RowTimeline | None:
    """The row's stage dates in order, or None (with problems) when they run backwards, lie in the future or
    before 1950, or a drop lacks its date or reason."""
    found = len(problems)
    steps, columns = [], {}
    latest = None  # (stage, date) of the latest dated stage so far
    for stage, key, *_ in STAGE_DATES:
        on = v.get(key)
        if on is None:
            continue
        label = Stage(stage).label
        if on > today:
            _date_problem(
                problems,
                row,
                headers[key],
                on,
                f"{label}日期在今天（{today}）之后",
                f"the date is after today ({today})",
            )
        elif on < EARLIEST:
            _date_problem(
                problems, row, headers[key], on, "日期早于 1950 年，不可能", "a date before 1950 is impossible"
            )
        elif latest is not None and on < latest[1]:
            before = Stage(latest[0])
            _date_problem(
                problems,
                row,
                headers[key],
                on,
                f"{label}日期早于{before.label}日期 {latest[1]}，日期不能倒序",
                f"the {stage.replace('_', ' ')} date is before the {before.value.replace('_', ' ')} date "
                f"{latest[1]}: dates cannot run backwards",
            )
        else:
            latest = (stage, on)
            steps.append((stage, on, ""))
            columns[stage] = key
    dropped_on, reason = v.get("dropped_on"), (v.get("dropped_reason") or "").strip()
    if dropped_on is not None:
        if dropped_on > today:
            _date_problem(
                problems,
                row,
                headers["dropped_on"],
                dropped_on,
                f"终止日期在今天（{today}）之后",
                f"the date is after today ({today})",
            )
        elif dropped_on < EARLIEST:
            _date_problem(
                problems,
                row,
                headers["dropped_on"],
                dropped_on,
                "日期早于 1950 年，不可能",
                "a date before 1950 is impossible",
            )
        elif latest is not None and dropped_on < latest[1]:
            _date_problem(
                problems,
                row,
                headers["dropped_on"],
                dropped_on,
                f"终止日期早于{Stage(latest[0]).label}日期 {latest[1]}，日期不能倒序",
                f"the date the project was dropped is before its {latest[0].replace('_', ' ')} date {latest[1]}: "
                "dates cannot run backwards",
            )
        if not reason:
            problems.append(
                problem(
                    row,
                    headers.get("dropped_reason") or headers["dropped_on"],
                    None,
                    "有终止日期的项目须填写终止原因",
                    "a project with a date it was dropped needs the reason (终止原因)",
                )
            )
        steps.append((Stage.DROPPED, dropped_on, reason))
    elif reason:
        problems.append(
            problem(
                row,
                headers["dropped_reason"],
                reason,
                "填写了终止原因但没有终止日期",
                "a reason for dropping the project is given without the date (终止日期)",
            )
        )
    if len(problems) > found:
        return None
    return RowTimeline(steps=steps, dropped_on=dropped_on, dropped_reason=reason, columns=columns)


def _advance(timeline: RowTimeline, stored: dict, events: list[dict], row: int, headers: dict, problems, notes):
    """The steps a stored project takes by the file: the dated stages beyond the one it is at, after its last
    event. A date that differs from the project's own event for that stage is a problem (the timeline is changed
    on the project's page, with a reason); a date for a stage the project skipped is noted and left."""
    own: dict[str, dt.date] = {}
    for event in events:
        own.setdefault(event["to_stage"], event["on"])
    last_on = events[-1]["on"] if events else None
    current = stored["stage"]
    dropped = current == Stage.DROPPED
    reached = max((r for e in events if (r := stage_rank(e["to_stage"])) is not None), default=stage_rank(Stage.LEAD))
    current_rank = reached if dropped else stage_rank(current)
    steps = []
    for stage, on, reason in timeline.steps:
        header = headers["dropped_on"] if stage == Stage.DROPPED else headers[timeline.columns[stage]]
        label = Stage(stage).label
        if stage in own and (stage != Stage.DROPPED or dropped):
            recorded = own[stage] if stage != Stage.DROPPED else _last_drop(events)
            if recorded != on:
                _date_problem(
                    problems,
                    row,
                    header,
                    on,
                    f"项目已记录{label}日期为 {recorded}，与文件不符；请在项目页面更正",
                    f"the project's recorded {stage.replace('_', ' ')} date is {recorded}, not this one; "
                    "correct it on the project's page",
                )
            continue
        if stage == Stage.DROPPED:
            pass
        elif dropped and stage_rank(stage) > current_rank:
            _date_problem(
                problems,
                row,
                header,
                on,
                "项目已终止；恢复项目须在项目页面说明原因",
                "the project was dropped; reviving it needs a reason, given on the project's page",
            )
            continue
        elif stage_rank(stage) <= current_rank:
            notes.append(
                (
                    f"第 {row} 行：项目已越过{label}阶段且未单独记录其日期，文件中的{label}日期 {on} 未写入",
                    f"row {row}: the project went past the {stage.replace('_', ' ')} stage without a date of its "
                    f"own; the file's date {on} is not written",
                )
            )
            continue
        if last_on is not None and on < last_on:
            _date_problem(
                problems,
                row,
                header,
                on,
                f"{label}日期早于项目最近一次阶段变更（{last_on}）",
                f"the date is before the project's last stage change ({last_on})",
            )
            continue
        steps.append((stage, on, reason))
        last_on = on
    return steps


def _last_drop(events: list[dict]) -> dt.date | None:
    drops = [e["on"] for e in events if e["to_stage"] == Stage.DROPPED]
    return drops[-1] if drops else None


def export_rows(*, user=None, zone_ids=None):
    """Projects as rows of the import's columns (zones by code, or name when they have none), with the date of
    each stage the project has an event of its own for, and the date and reason of its drop."""
    zones = zone_labels()
    queryset = Project.objects.order_by("zone_id", "name")
    if user is not None:
        queryset = queryset.restrict(user)
    if zone_ids is not None:
        queryset = queryset.filter(zone_id__in=zone_ids)
    skip = {"zone", "industry_code", "dropped_on", "dropped_reason", *DATE_KEYS}
    keys = [c.key for c in ProjectImporter.schema if c.key not in skip]
    key_of = {stage: key for stage, key, *_ in STAGE_DATES}
    fields = ("id", "zone_id", "stage", "dropped_reason", "industry_code", "industry_section", *keys)
    for chunk in chunked(list(queryset.values(*fields)), 900):
        events: dict[int, list[dict]] = {}
        for event in (
            StageEvent.objects.filter(project_id__in=[p["id"] for p in chunk])
            .order_by("on", "recorded_at", "pk")
            .values("project_id", "to_stage", "on")
        ):
            events.setdefault(event["project_id"], []).append(event)
        for p in chunk:
            pk, zone_id, code, section = (
                p.pop("id"),
                p.pop("zone_id"),
                p.pop("industry_code"),
                p.pop("industry_section"),
            )
            stage, reason = p.pop("stage"), p.pop("dropped_reason")
            dates = dict.fromkeys(DATE_KEYS)
            for event in events.get(pk, []):
                key = key_of.get(event["to_stage"])
                if key is not None and dates[key] is None:
                    dates[key] = event["on"]
            dropped = stage == Stage.DROPPED
            yield {
                **p,
                "zone": zones.get(zone_id, ""),
                "industry_code": f"{section}{code}" if code else None,
                **dates,
                "dropped_on": _last_drop(events.get(pk, [])) if dropped else None,
                "dropped_reason": reason if dropped else None,
            }
