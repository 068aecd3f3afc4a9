"""The demo city's part of supervision: a signed letter for every top-level zone and year with targets (the
projects' step sets the project targets; here the letters take them in and add lines on the zones' reported
figures and a reported line, with owners and the published scoring rule), and forty supervised tasks in every
state, some overdue, some closed late, a few city-level."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from yuanqu.core import registry
from yuanqu.targets.models import ResponsibilityLetter, Target, Task, TaskExtension, TaskStep
from yuanqu.workdays.selectors import calendar

LEADERS = ["王建国", "李明华", "张卫东", "陈志强", "刘海燕", "杨国平"]
UNITS = ["招商服务局", "经济发展局", "规划建设局", "自然资源分局", "营商环境办", "财政金融局", "科技创新局"]
CITY_UNITS = ["市发展改革委", "市商务局", "市自然资源和规划局", "市工业和信息化局"]
TASK_TITLES = [
    "推进标准厂房二期建设",
    "完成低效用地再开发方案",
    "落实重点项目用地报批",
    "解决企业用电增容诉求",
    "开展亩均效益综合评价",
    "推进闲置土地处置",
    "完成招商引资项目履约核查",
    "优化园区营商环境评价整改",
    "推动专精特新企业培育",
    "完善园区污水管网配套",
    "落实重大项目要素保障",
    "编制产业链招商图谱",
    "推进批而未供土地消化",
    "开展安全生产专项整治",
    "推动规上工业企业培育入库",
    "完成园区扩区调区材料",
]
SOURCES = [
    (Task.Source.MEETING, "市委常委会会议"),
    (Task.Source.MEETING, "全市开发区建设推进会"),
    (Task.Source.INSTRUCTION, "市长批示"),
    (Task.Source.LETTER, "目标责任状"),
    (Task.Source.DOCUMENT, "市政府督查通知"),
]
FLOW = ["assigned", "acknowledged", "in_progress", "reported", "checking", "closed"]
# How far along the flow each task is: every state, and more tasks in progress than closed.
STATES = (
    ["registered"] * 3
    + ["assigned"] * 4
    + ["acknowledged"] * 4
    + ["in_progress"] * 12
    + ["reported"] * 5
    + ["checking"] * 4
    + ["closed"] * 8
)


def build_supervision(city) -> None:
    rng = city.stream("supervision")
    zones, as_of = city.shared["zones"], city.as_of
    tops = {key: zone for key, zone in zones.items() if zone.parent_id is None}
    letters = []
    for year in (city.last_year, as_of.year):
        for zone in tops.values():
            signed_on = dt.date(year, 2, rng.randint(10, 28))
            letters.append(
                ResponsibilityLetter(zone=zone, year=year, signed_by="市长 / 园区管委会主任", signed_on=signed_on)
            )
    city.bulk_create(letters, "目标责任状 / responsibility letters")
    by_key = {(x.zone_id, x.year): x for x in ResponsibilityLetter.objects.select_related("zone")}
    lines = list(Target.objects.filter(letter__isnull=True))
    for order, line in enumerate(lines):
        line.letter = by_key.get((line.zone_id, line.year))
        line.leader, line.responsible_unit, line.order = rng.choice(LEADERS), rng.choice(UNITS), order % 10
        if line.indicator == "started_count":  # the published example: 25 points, 0.1 a project, capped at 3
            line.points, line.above_step, line.above_cap = Decimal(25), Decimal("0.1"), Decimal(3)
            line.below_step, line.below_cap = Decimal("0.1"), Decimal(3)
        if line.indicator == "signed_investment":  # 0.1 per 亿元 above, per percentage point below
            line.points, line.above_step, line.above_per, line.above_cap = 25, Decimal("0.1"), Decimal(10000), 3
            line.below_step, line.below_basis, line.below_cap = Decimal("0.1"), "percent", 3
    Target.objects.bulk_update(
        lines,
        [
            "letter",
            "leader",
            "responsible_unit",
            "order",
            "points",
            "above_step",
            "above_per",
            "above_cap",
            "below_step",
            "below_basis",
            "below_cap",
        ],
    )
    extra = []
    for (_zone_id, year), letter in by_key.items():
        zone = letter.zone
        for key, step, (low, high) in (
            ("reported_foreign_investment", Decimal(10), (0.8, 1.6)),
            ("reported_tax_revenue", Decimal(100), (0.9, 1.4)),
        ):
            measure = registry.measures.get(key)  # the zones' reported figures, when their app is installed
            if measure is None or measure.months is None:
                continue
            day = min(as_of, dt.date(year, 12, 31))
            value = measure.measure(user=None, zone=zone, year=year, as_of=day)
            months = measure.months(user=None, zone=zone, year=year, as_of=day)
            if not value or not months:
                continue
            factor = Decimal(f"{rng.uniform(low, high):.2f}")
            target = max(step, (Decimal(value) * 12 / months * factor / step).quantize(Decimal(1)) * step)
            extra.append(_line(letter, key, target, rng, order=20))
        business = _line(letter, "", Decimal(90), rng, order=30)
        business.name, business.unit = "营商环境评价得分", "分"
        if rng.random() < 0.6:  # the others never reported theirs
            business.reported_value = Decimal(rng.randint(70, 95))
            business.reported_on = min(as_of, dt.date(year, 12, 31)) - dt.timedelta(days=rng.randint(5, 80))
            business.reported_by, business.evidence = rng.choice(LEADERS), "第三方营商环境评估报告"
        extra.append(business)
    city.bulk_create(extra, "责任状指标 / letter lines")
    city.count("letters", len(letters))
    _tasks(city, rng, list(tops.values()), as_of)


def _line(letter, indicator: str, value: Decimal, rng, *, order: int) -> Target:
    return Target(
        letter=letter,
        zone_id=letter.zone_id,
        year=letter.year,
        indicator=indicator,
        value=value,
        order=order,
        leader=rng.choice(LEADERS),
        responsible_unit=rng.choice(UNITS),
    )


def _tasks(city, rng, zones, as_of: dt.date) -> None:
    workdays = calendar()
    tasks, steps, extensions = [], [], []
    for n, state in enumerate(STATES):
        zone = None if n % 8 == 7 else rng.choice(zones)
        assigned = workdays.add_workdays(as_of - dt.timedelta(days=rng.randint(10, 150)), 0).date
        limit = rng.choice([5, 10, 15, 20, 30, 45])
        deadline = workdays.add_workdays(assigned, limit).date
        source, detail = rng.choice(SOURCES)
        task = Task(
            code=f"DB-{as_of.year}-{n + 1:03d}",
            title=rng.choice(TASK_TITLES),
            source=source,
            source_detail=detail,
            zone=zone,
            lead_unit=rng.choice(CITY_UNITS if zone is None else UNITS),
            responsible=rng.choice(LEADERS),
            assigned_on=assigned,
            limit_workdays=limit,
            deadline=deadline,
            state=state,
            milestones="一、制定方案；二、组织实施；三、总结验收",
        )
        reached = FLOW[: FLOW.index(state) + 1] if state != "registered" else []
        on = assigned
        history = []
        for step in reached:
            on = min(as_of, on + dt.timedelta(days=rng.randint(0, max(1, (deadline - assigned).days // 3 + 3))))
            history.append(TaskStep(task=task, state=step, on=on, by=rng.choice(LEADERS), note=""))
        if state == "closed":
            task.closed_on = on
        if state in ("in_progress", "reported") and rng.random() < 0.25:
            new = workdays.add_workdays(deadline, 10).date
            extensions.append(
                TaskExtension(
                    task=task,
                    previous_deadline=deadline,
                    new_deadline=new,
                    reason="需等待上级部门审批",
                    approver="分管副市长",
                    on=assigned,
                )
            )
            task.original_deadline, task.deadline = deadline, new
        tasks.append(task)
        steps.extend(history)
    city.bulk_create(tasks, "督办事项 / supervised tasks")
    city.bulk_create(steps, "办理环节 / task steps")
    city.bulk_create(extensions, "延期 / extensions")
    city.count("tasks", len(tasks))
