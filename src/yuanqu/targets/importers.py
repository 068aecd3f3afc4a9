"""Importing the letters' lines (``targets``) and the supervised tasks (``tasks``) through core's pipeline.

A target's indicator is named as people write it (实际使用外资, 新签约亿元以上项目数, or the measure's key); where
the platform measures a figure from its own ledger and a zone also reports it, the ledger's measure is taken. A line
no ledger measures is imported as a reported line (计算方式 报送). A task's deadline is a date or a number of working
days after the assigned date on the platform's calendar.
"""

from __future__ import annotations

import re
from decimal import Decimal

from django.utils import translation

from yuanqu.core import registry
from yuanqu.core.access import editable_zone_ids
from yuanqu.core.changelog import record_many
from yuanqu.core.importing.pipeline import FirstRows, Importer, Plan, check_values, problem, write_plan
from yuanqu.core.importing.tabular import Column
from yuanqu.targets.models import ResponsibilityLetter, Target, Task
from yuanqu.workdays.selectors import calendar
from yuanqu.zones.importers import ZoneResolver, zone_labels

FIRST_YEAR, LAST_YEAR = 2000, 2100
REPORTED, MEASURED = "reported", "measured"
BASIS = {"按单位": "unit", "unit": "unit", "按百分点": "percent", "percent": "percent"}
# A target written in a larger unit than its measure's is converted (亿元 → 万元).
CONVERSIONS = {("亿元", "万元"): Decimal(10000), ("亿美元", "万美元"): Decimal(10000)}

TARGET_SCHEMA = (
    Column("zone", "园区代码", "text", required=True, aliases=("园区", "园区名称", "开发区", "zone")),
    Column("year", "年度", "int", required=True, aliases=("年份", "year")),
    Column("indicator", "指标", "text", required=True, aliases=("指标名称", "考核指标", "indicator")),
    Column("value", "目标值", "decimal", required=True, aliases=("目标", "年度目标", "value")),
    Column("unit", "单位", "text", aliases=("计量单位", "unit")),
    Column("leader", "责任领导", "text", aliases=("分管领导", "leader")),
    Column("responsible_unit", "责任单位", "text", aliases=("牵头单位", "responsible_unit")),
    Column("source", "计算方式", "choice", choices={"平台计算": MEASURED, "报送": REPORTED}, aliases=("来源",)),
    Column("points", "基础分", "decimal", aliases=("分值", "points")),
    Column("above_step", "超额加分（每单位）", "decimal", aliases=("above_step",)),
    Column("above_per", "超额计分单位", "decimal", aliases=("above_per",)),
    Column("above_cap", "加分上限", "decimal", aliases=("above_cap",)),
    Column("below_step", "差额扣分（每单位）", "decimal", aliases=("below_step",)),
    Column("below_per", "差额计分单位", "decimal", aliases=("below_per",)),
    Column("below_basis", "差额计算方式", "choice", choices=BASIS, aliases=("below_basis",)),
    Column("below_cap", "扣分上限", "decimal", aliases=("below_cap",)),
)
RULE_KEYS = ("points", "above_step", "above_per", "above_cap", "below_step", "below_per", "below_basis", "below_cap")
RULE_DEFAULTS = {"above_step": Decimal(0), "above_per": Decimal(1), "below_step": Decimal(0), "below_per": Decimal(1)}


def _plain(label: str) -> str:
    """A label as people write it: without the trailing （上报） or （万元）."""
    return re.sub(r"[（(][^（）()]*[）)]$", "", label).strip()


def indicator_names() -> dict[str, str]:
    """Every way an indicator may be named → its measure's key: the key, the Chinese label, the label without its
    trailing （…）. The first registered measure keeps a name, so the ledgers' own measures win over reported ones."""
    names: dict[str, str] = {}
    with translation.override("zh-hans"):
        for measure in registry.measures:
            for name in (measure.key, str(measure.label), _plain(str(measure.label))):
                names.setdefault(name, measure.key)
    return names


class TargetImporter(Importer):
    """The lines of the zones' letters, one row per zone, year and indicator; a re-import updates the line. New
    lines go into their zone's letter for the year, made when there is none."""

    kind = "targets"
    label_zh, label_en = "目标责任状指标", "responsibility letters' targets"
    template_title = "目标责任状指标"
    model = Target
    natural_key = ("zone_id", "year", "indicator", "name")
    schema = TARGET_SCHEMA
    template_keys = tuple(c.key for c in TARGET_SCHEMA)

    def plan(self, table, *, user, problems) -> Plan:
        headers = table.headers
        check_values(self.model, table, ["leader", "responsible_unit", "unit"], problems)
        zones = ZoneResolver(user)
        names = indicator_names()
        seen = FirstRows()
        present = [key for key in RULE_KEYS if key in headers]
        rows = []
        for parsed in table.rows:
            v, row = parsed.values, parsed.row
            zone_id = zones.resolve(v.get("zone"), row, headers["zone"], problems, must_edit=True)
            year, written = v.get("year"), (v.get("indicator") or "").strip()
            if year is not None and not FIRST_YEAR <= year <= LAST_YEAR:
                problems.append(
                    problem(
                        row,
                        headers["year"],
                        year,
                        f"年度应在 {FIRST_YEAR}–{LAST_YEAR} 之间",
                        f"the year must be {FIRST_YEAR}–{LAST_YEAR}",
                    )
                )
                continue
            if zone_id is None or year is None or not written or v.get("value") is None:
                continue
            value, unit = v["value"], (v.get("unit") or "").strip()
            if v.get("source") == REPORTED:
                if len(written) > 100:
                    problems.append(
                        problem(row, headers["indicator"], written[:40], "超过 100 个字", "longer than 100 characters")
                    )
                    continue
                indicator, name = "", written
            else:
                indicator, name = names.get(written, ""), ""
                if not indicator:
                    problems.append(
                        problem(
                            row,
                            headers["indicator"],
                            written,
                            "平台不计算这个指标；如由园区报送，请在“计算方式”填“报送”",
                            "the platform measures no such indicator; for a reported one write 报送 under 计算方式",
                        )
                    )
                    continue
                measure_unit = str(registry.measures.get(indicator).unit)
                if unit and unit != measure_unit:
                    factor = CONVERSIONS.get((unit, measure_unit))
                    if factor is None:
                        problems.append(
                            problem(
                                row,
                                headers.get("unit"),
                                unit,
                                f"该指标的单位应为 {measure_unit}",
                                f"this indicator is measured in {measure_unit}",
                            )
                        )
                        continue
                    value = value * factor
                unit = ""
            if value < 0:
                problems.append(problem(row, headers["value"], value, "目标值不能为负", "a target cannot be negative"))
                continue
            key = (zone_id, year, indicator, name)
            if (first := seen.repeated(key, row)) is not None:
                problems.append(
                    problem(row, headers["indicator"], written, f"与第 {first} 行重复", f"same target as row {first}")
                )
                continue
            values = {"value": value, "unit": unit}
            for optional in ("leader", "responsible_unit"):
                if optional in headers:
                    values[optional] = v.get(optional) or ""
            for rule in present:
                given = v.get(rule)
                values[rule] = RULE_DEFAULTS.get(rule, given) if given is None else given
                if rule == "below_basis" and given is None:
                    values[rule] = "unit"
            rows.append((key, values, row))
        stored = self._stored({key for key, _values, _row in rows})
        labels = zone_labels()
        plan = Plan()
        for key, values, row in rows:
            zone_id, year, indicator, name = key
            label = f"{labels.get(zone_id, zone_id)} {year} {name or indicator}"
            fields = {"zone_id": zone_id, "year": year, "indicator": indicator, "name": name}
            plan.compare(
                values,
                stored=stored.get(key),
                label=label,
                zone_id=zone_id,
                key=key,
                new={**fields, **values},
                row=row,
            )
        return plan

    def _stored(self, keys) -> dict[tuple, dict]:
        fields = [f.attname for f in Target._meta.concrete_fields]
        zone_ids = sorted({key[0] for key in keys})
        found = {}
        for stored in Target.objects.filter(zone_id__in=zone_ids).values(*fields):
            key = (stored["zone_id"], stored["year"], stored["indicator"], stored["name"])
            if key in keys:
                found[key] = stored
        return found

    def write(self, plan: Plan, *, user, progress) -> None:
        """Make the letters new lines need (logged), then write the lines into them."""
        pairs = {(change.values["zone_id"], change.values["year"]) for change in plan.creates}
        letters = {}
        made = []
        for zone_id, year in sorted(pairs):
            letter, created = ResponsibilityLetter.objects.get_or_create(zone_id=zone_id, year=year)
            letters[(zone_id, year)] = letter.pk
            if created:
                made.append(letter)
        record_many(("create", letter, None) for letter in made)
        for change in plan.creates:
            change.values = {**change.values, "letter_id": letters[(change.values["zone_id"], change.values["year"])]}
        write_plan(Target, plan, natural_key=self.natural_key, progress=progress)


def export_target_rows(*, user=None, zone_ids=None):
    """The lines of the letters as rows of the targets import's columns (a re-import changes nothing)."""
    queryset = Target.objects.all() if user is None else Target.objects.restrict(user)
    if zone_ids is not None:
        queryset = queryset.filter(zone_id__in=zone_ids)
    labels = zone_labels()
    basis = {"unit": "按单位", "percent": "按百分点"}
    with translation.override("zh-hans"):
        for line in queryset.order_by("zone_id", "year", "order", "pk").iterator(chunk_size=2000):
            yield {
                "zone": labels.get(line.zone_id, ""),
                "year": line.year,
                "indicator": line.name if line.is_reported else line.indicator_label,
                "value": line.value,
                "unit": line.unit,
                "leader": line.leader,
                "responsible_unit": line.responsible_unit,
                "source": "报送" if line.is_reported else "平台计算",
                **{key: getattr(line, key) for key in RULE_KEYS if key != "below_basis"},
                "below_basis": basis[line.below_basis],
            }


TASK_SCHEMA = (
    Column("code", "事项编号", "text", required=True, aliases=("编号", "code")),
    Column("title", "事项名称", "text", required=True, aliases=("督办事项", "事项", "title")),
    Column("zone", "园区代码", "text", aliases=("园区", "园区名称", "zone")),
    Column("lead_unit", "责任单位", "text", required=True, aliases=("牵头单位", "lead_unit")),
    Column("responsible", "责任人", "text", aliases=("responsible",)),
    Column("assigned_on", "交办日期", "date", required=True, aliases=("assigned_on",)),
    Column("limit_workdays", "办理时限（工作日）", "int", aliases=("办理时限", "时限", "limit_workdays")),
    Column("deadline", "截止日期", "date", aliases=("应办结日期", "deadline")),
    Column("closed_on", "办结日期", "date", aliases=("closed_on",)),
    Column("source_detail", "来源", "text", aliases=("事项来源", "source")),
    Column("co_units", "配合单位", "text", aliases=("co_units",)),
)


class TaskImporter(Importer):
    """Supervised tasks, one row per task number; a re-import updates the task. A blank zone is a city-level
    task (city users only); a task with a closing date is closed."""

    kind = "tasks"
    label_zh, label_en = "督办事项", "supervised tasks"
    template_title = "督办事项"
    model = Task
    natural_key = ("code",)
    schema = TASK_SCHEMA
    template_keys = tuple(c.key for c in TASK_SCHEMA)

    def plan(self, table, *, user, problems) -> Plan:
        headers = table.headers
        check_values(Task, table, ["code", "title", "lead_unit", "responsible", "source_detail", "co_units"], problems)
        zones = ZoneResolver(user)
        city_editor = user is None or editable_zone_ids(user) is None
        workdays = calendar()
        seen = FirstRows()
        rows = []
        for parsed in table.rows:
            v, row = parsed.values, parsed.row
            code = (v.get("code") or "").strip()
            zone_id = None
            if v.get("zone") not in (None, ""):
                zone_id = zones.resolve(v.get("zone"), row, headers.get("zone"), problems, must_edit=True)
                if zone_id is None:
                    continue
            elif not city_editor:
                problems.append(
                    problem(
                        row,
                        headers.get("zone") or "园区代码",
                        None,
                        "市级事项（园区为空）只能由市级用户导入",
                        "only city users may import a city-level task (no zone)",
                    )
                )
                continue
            assigned, limit, deadline = v.get("assigned_on"), v.get("limit_workdays"), v.get("deadline")
            if not code or assigned is None or not v.get("title") or not v.get("lead_unit"):
                continue
            if limit is not None:
                if not 1 <= limit <= 1000:
                    problems.append(
                        problem(
                            row,
                            headers["limit_workdays"],
                            limit,
                            "办理时限应为 1–1000 个工作日",
                            "the limit must be 1–1000 working days",
                        )
                    )
                    continue
                deadline = workdays.add_workdays(assigned, limit).date
            if deadline is None:
                problems.append(
                    problem(
                        row,
                        headers.get("deadline") or "截止日期",
                        None,
                        "须填写办理时限（工作日）或截止日期",
                        "a limit in working days or a deadline is required",
                    )
                )
                continue
            if deadline < assigned:
                problems.append(
                    problem(
                        row,
                        headers.get("deadline"),
                        deadline,
                        "截止日期早于交办日期",
                        "the deadline is before the assigned date",
                    )
                )
                continue
            closed = v.get("closed_on")
            if closed is not None and closed < assigned:
                problems.append(
                    problem(
                        row,
                        headers["closed_on"],
                        closed,
                        "办结日期早于交办日期",
                        "the closing date is before the assigned date",
                    )
                )
                continue
            if (first := seen.repeated(code, row)) is not None:
                problems.append(
                    problem(row, headers["code"], code, f"与第 {first} 行重复", f"same task as row {first}")
                )
                continue
            values = {
                "title": v["title"],
                "zone_id": zone_id,
                "lead_unit": v["lead_unit"],
                "assigned_on": assigned,
                "limit_workdays": limit,
                "deadline": deadline,
            }
            for optional in ("responsible", "source_detail", "co_units"):
                if optional in headers:
                    values[optional] = v.get(optional) or ""
            if "closed_on" in headers:
                values["closed_on"] = closed
                values["state"] = Task.State.CLOSED if closed else None
            rows.append((code, values, row))
        stored = {
            task["code"]: task
            for task in Task.objects.filter(code__in=[code for code, _v, _r in rows]).values(
                *[f.attname for f in Task._meta.concrete_fields]
            )
        }
        plan = Plan()
        for code, values, row in rows:
            before = stored.get(code)
            if values.get("state") is None:
                # Without a closing date an imported task keeps its state (a new one is registered).
                values.pop("state", None)
                if before is not None and before["state"] == Task.State.CLOSED and "closed_on" in values:
                    values["state"] = Task.State.REGISTERED
            if before is not None and user is not None:
                ids = editable_zone_ids(user)
                if ids is not None and before["zone_id"] not in ids:
                    problems.append(
                        problem(row, headers["code"], code, "该事项属于其他园区", "the task belongs to another zone")
                    )
                    continue
            new = {"code": code, "state": Task.State.REGISTERED, **values}
            plan.compare(
                values,
                stored=before,
                label=f"{code} {values['title']}",
                zone_id=values["zone_id"],
                key=(code,),
                new=new,
                row=row,
            )
        return plan


def export_task_rows(*, user=None, zone_ids=None):
    """The tasks as rows of the tasks import's columns."""
    queryset = Task.objects.all() if user is None else Task.objects.restrict(user)
    if zone_ids is not None:
        queryset = queryset.filter(zone_id__in=zone_ids)
    labels = zone_labels()
    for task in queryset.order_by("code").iterator(chunk_size=2000):
        yield {
            "code": task.code,
            "title": task.title,
            "zone": labels.get(task.zone_id, "") if task.zone_id else "",
            "lead_unit": task.lead_unit,
            "responsible": task.responsible,
            "assigned_on": task.assigned_on,
            "limit_workdays": task.limit_workdays,
            "deadline": task.deadline,
            "closed_on": task.closed_on,
            "source_detail": task.source_detail,
            "co_units": task.co_units,
        }
