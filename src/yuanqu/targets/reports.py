"""Workbooks of the supervision office: the targets report (one row per line: target, actual, share done, pace,
colour, points at year end) and the tasks report (deadline, state, working days overdue)."""

from __future__ import annotations

import datetime as dt

from yuanqu.core.importing.tabular import Column, write_rows
from yuanqu.targets.selectors import (
    AMBER,
    GREEN,
    NONE,
    RED,
    YELLOW,
    letter_progress,
    scoped_letters,
    scoped_tasks,
    task_rows,
)

COLOUR_ZH = {GREEN: "绿", AMBER: "黄", YELLOW: "黄", RED: "红", NONE: "未报送"}

TARGET_COLUMNS = (
    Column("zone", "园区代码", "text"),
    Column("zone_name", "园区名称", "text"),
    Column("indicator", "指标", "text"),
    Column("value", "目标值", "decimal"),
    Column("unit", "单位", "text"),
    Column("actual", "完成值", "text"),
    Column("share", "完成率", "text"),
    Column("elapsed", "时间进度", "text"),
    Column("seasonal", "季节进度", "text"),
    Column("colour", "状态", "text"),
    Column("points", "得分", "decimal", decimal_places=2),
    Column("leader", "责任领导", "text"),
    Column("responsible_unit", "责任单位", "text"),
)

TASK_COLUMNS = (
    Column("code", "事项编号", "text"),
    Column("title", "事项名称", "text"),
    Column("zone", "园区代码", "text"),
    Column("lead_unit", "责任单位", "text"),
    Column("responsible", "责任人", "text"),
    Column("assigned_on", "交办日期", "date"),
    Column("deadline", "应办结日期", "date"),
    Column("original_deadline", "原截止日期", "date"),
    Column("state", "状态", "text"),
    Column("light", "预警", "text"),
    Column("closed_on", "办结日期", "date"),
    Column("overdue", "逾期工作日", "int"),
)


def _pct(value) -> str:
    return "" if value is None else f"{value * 100:.1f}%"


def target_report_rows(*, user, year: int, as_of: dt.date, zone=None) -> list[dict]:
    """One row per line of the year's letters (of a zone with its letter only, when given). A line whose figure
    has not been reported says 未报送 rather than show zero."""
    letters = scoped_letters(user).filter(year=year).select_related("zone").order_by("zone__code")
    if zone is not None:
        letters = letters.filter(zone=zone)
    rows = []
    for letter in letters:
        for line in letter_progress(letter, user=user, as_of=as_of):
            target = line["target"]
            rows.append(
                {
                    "zone": letter.zone.code,
                    "zone_name": letter.zone.name,
                    "indicator": str(line["label"]),
                    "value": target.value,
                    "unit": str(line["unit"]),
                    "actual": "未报送" if not line["reported"] else f"{line['actual'].normalize():f}",
                    "share": _pct(line["share"]),
                    "elapsed": _pct(line["elapsed"]),
                    "seasonal": _pct(line["seasonal"]),
                    "colour": COLOUR_ZH[line["colour"]],
                    "points": line["points"],
                    "leader": target.leader,
                    "responsible_unit": target.responsible_unit,
                }
            )
    return rows


def write_target_report(out, *, user, year: int, as_of: dt.date, zone=None) -> int:
    rows = target_report_rows(user=user, year=year, as_of=as_of, zone=zone)
    title = f"{year}年目标责任状完成情况（截至 {as_of.isoformat()}）"
    return write_rows(out, TARGET_COLUMNS, rows, title=title, sheet_name="目标")


def task_report_rows(tasks, *, as_of: dt.date) -> list[dict]:
    rows = []
    for row in task_rows(tasks, as_of=as_of):
        task = row["task"]
        rows.append(
            {
                "code": task.code,
                "title": task.title,
                "zone": task.zone.code if task.zone_id else "",
                "lead_unit": task.lead_unit,
                "responsible": task.responsible,
                "assigned_on": task.assigned_on,
                "deadline": task.deadline,
                "original_deadline": task.original_deadline,
                "state": str(task.get_state_display()),
                "light": COLOUR_ZH[row["light"]],
                "closed_on": task.closed_on,
                "overdue": row["overdue"],
            }
        )
    return rows


def write_task_report(out, *, user, as_of: dt.date, tasks=None) -> int:
    tasks = scoped_tasks(user).select_related("zone") if tasks is None else tasks
    rows = task_report_rows(tasks, as_of=as_of)
    return write_rows(out, TASK_COLUMNS, rows, title=f"督办事项办理情况（截至 {as_of.isoformat()}）", sheet_name="督办")
