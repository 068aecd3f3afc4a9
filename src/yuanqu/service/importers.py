"""Importing enterprise requests (诉求) from another system's spreadsheet, keyed by request number, and the report of
requests with their deadlines (``yuanqu service report``)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from yuanqu.core.access import editable_zone_ids, visible_zone_ids
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
from yuanqu.enterprises.importers import UNKNOWN_ENTERPRISE, UsccChecker
from yuanqu.enterprises.models import Enterprise
from yuanqu.service import deadlines
from yuanqu.service.models import RequestStep, ServiceCategory, ServiceRequest

KIND_LABELS = {"咨询": "consultation", "求助": "help", "投诉": "complaint", "建议": "consultation"}
CHANNEL_LABELS = {
    "走访": "visit",
    "热线": "hotline",
    "12345": "hotline",
    "网上": "online",
    "网络": "online",
    "来信": "letter",
    "信件": "letter",
    "部门代报": "on_behalf",
    "代报": "on_behalf",
}
STATE_FIELDS = ("received_on", "kind", "closed_on", "satisfaction")
"""On a request already on the platform these move only through its steps; a file may not change them."""


class ServiceRequestImporter(Importer):
    """Requests by number: the enterprise by credit code, kind, category, content, unit, dates, satisfaction.

    A new request gets its time limit and due date from the calendar and its steps (受理, 派单 when a unit is
    given, 办结 when closed, 评价 when rated) dated as the file says."""

    kind = "service-requests"
    label_zh, label_en = "企业诉求", "enterprise requests"
    template_title = "企业诉求台账"
    model = ServiceRequest
    natural_key = ("number",)
    schema = (
        Column("number", "诉求编号", "text", required=True, aliases=("编号", "工单编号", "number")),
        Column("uscc", "统一社会信用代码", "text", required=True, aliases=("社会信用代码", "信用代码", "uscc")),
        Column("enterprise_name", "企业名称", "text", aliases=("企业", "name")),
        Column("kind", "诉求类型", "choice", required=True, choices=KIND_LABELS, aliases=("类型", "kind")),
        Column("category", "诉求类别", "text", required=True, aliases=("类别", "问题类别", "category")),
        Column("channel", "渠道", "choice", choices=CHANNEL_LABELS, aliases=("来源渠道", "诉求渠道", "channel")),
        Column("content", "诉求内容", "text", required=True, aliases=("内容", "问题描述", "content")),
        Column("unit", "承办单位", "text", aliases=("责任单位", "派单单位", "unit")),
        Column("received_on", "受理日期", "date", required=True, aliases=("受理时间", "登记日期", "received_on")),
        Column("closed_on", "办结日期", "date", aliases=("办结时间", "closed_on")),
        Column("satisfaction", "满意度", "int", aliases=("评价", "满意度评分", "satisfaction")),
    )
    template_keys = tuple(c.key for c in schema)

    def plan(self, table, *, user, problems) -> Plan:
        headers = table.headers
        today = timezone.localdate()
        check_uscc = UsccChecker(problems)
        keys = [k for k in present_keys(table, self.schema) if k not in ("uscc", "enterprise_name", "category")]
        check_values(ServiceRequest, table, keys, problems)
        categories: dict[str, int] = {}
        for pk, code, name in ServiceCategory.objects.values_list("pk", "code", "name"):
            categories[code] = categories[name] = pk
        codes = set()
        for parsed in table.rows:
            if (code := check_uscc.clean(parsed.values.get("uscc"))) is not None:
                codes.add(code)
        enterprises = {}
        for chunk in chunked(sorted(codes)):
            enterprises.update(
                (uscc, (pk, zone_id))
                for pk, uscc, zone_id in Enterprise.objects.filter(uscc__in=chunk).values_list("pk", "uscc", "zone_id")
            )
        numbers = [str(p.values.get("number") or "").strip() for p in table.rows]
        existing = {}
        fields = ["id", "number", "enterprise_id", *[k for k in keys if k != "number"], "category_id", "state"]
        for chunk in chunked(sorted({n for n in numbers if n})):
            existing.update((r["number"], r) for r in ServiceRequest.objects.filter(number__in=chunk).values(*fields))
        visible = visible_zone_ids(user) if user is not None else None
        editable = editable_zone_ids(user) if user is not None else None
        seen = FirstRows()
        plan = Plan()
        for parsed in table.rows:
            v, row = parsed.values, parsed.row
            bad = False
            number = str(v.get("number") or "").strip()
            if number and (first := seen.repeated(number, row)) is not None:
                problems.append(
                    problem(row, headers["number"], number, f"与第 {first} 行重复", f"same number as row {first}")
                )
                continue
            uscc = check_uscc(v.get("uscc"), row, headers["uscc"])
            found = enterprises.get(uscc) if uscc else None
            if uscc and (found is None or (visible is not None and found[1] not in visible)):
                problems.append(problem(row, headers["uscc"], uscc, *UNKNOWN_ENTERPRISE))
                bad = True
            elif found and editable is not None and found[1] not in editable:
                problems.append(
                    problem(row, headers["uscc"], uscc, "无权修改该企业的数据", "not allowed to change this enterprise")
                )
                bad = True
            category = v.get("category")
            category_id = categories.get(str(category).strip()) if category not in (None, "") else None
            if category not in (None, "") and category_id is None:
                problems.append(
                    problem(
                        row,
                        headers["category"],
                        category,
                        "没有这个诉求类别（请使用管理员维护的类别名称或代码）",
                        "no such request category (use a name or code the administrator keeps)",
                    )
                )
                bad = True
            received, closed = v.get("received_on"), v.get("closed_on")
            if received is not None and received > today:
                problems.append(
                    problem(
                        row, headers["received_on"], received, "受理日期晚于今天", "the day received is after today"
                    )
                )
                bad = True
            if closed is not None and received is not None and not received <= closed <= today:
                problems.append(
                    problem(
                        row,
                        headers["closed_on"],
                        closed,
                        "办结日期应在受理日期和今天之间",
                        "the day closed must lie between the day received and today",
                    )
                )
                bad = True
            satisfaction = v.get("satisfaction")
            if satisfaction is not None and not 1 <= satisfaction <= 5:
                problems.append(
                    problem(row, headers["satisfaction"], satisfaction, "满意度应为 1–5", "satisfaction is 1 to 5")
                )
                bad = True
            elif satisfaction is not None and closed is None:
                problems.append(
                    problem(
                        row,
                        headers["satisfaction"],
                        satisfaction,
                        "未办结的诉求不能有满意度",
                        "a request not closed cannot be rated",
                    )
                )
                bad = True
            if bad or found is None or category_id is None or received is None or not number or not v.get("kind"):
                continue
            values = {k: v.get(k) for k in keys if k != "number"}
            values["category_id"] = category_id
            values["enterprise_id"] = found[0]
            for text in ("unit", "content"):
                if text in values and values[text] is None:
                    values[text] = ""
            if values.get("channel") is None:
                values["channel"] = ServiceRequest.Channel.VISIT.value
            stored = existing.get(number)
            if stored is not None:
                moved = [k for k in STATE_FIELDS if k in values and values[k] != stored[k]]
                if stored["enterprise_id"] != found[0]:
                    moved.insert(0, "uscc")
                if moved:
                    problems.append(
                        problem(
                            row,
                            headers[moved[0]],
                            v.get(moved[0]),
                            "该诉求已在平台上，企业、类型、受理和办结日期、满意度只能通过办理环节改变",
                            "the request is on the platform: its enterprise, kind, dates and rating change only "
                            "through its steps",
                        )
                    )
                    continue
                plan.compare(
                    {k: values[k] for k in values if k not in STATE_FIELDS},
                    stored=stored,
                    label=number,
                    zone_id=found[1],
                    key=(number,),
                    row=row,
                )
                continue
            new = _new_request(number, values)
            plan.compare(values, stored=None, label=number, zone_id=found[1], key=(number,), new=new, row=row)
        return plan

    def write(self, plan: Plan, *, user, progress) -> None:
        """The rows, then the steps of the new requests, dated as the file says."""
        write_plan(self.model, plan, natural_key=self.natural_key, progress=progress)
        numbers = [change.values["number"] for change in plan.creates]
        by_name = "导入"
        steps = []
        for chunk in chunked(numbers):
            for r in ServiceRequest.objects.filter(number__in=chunk):
                steps.append(RequestStep(request=r, action="accept", on=r.received_on, by=user, by_name=by_name))
                if r.unit:
                    steps.append(RequestStep(request=r, action="dispatch", on=r.received_on, by=user, note=r.unit))
                if r.closed_on:
                    steps.append(RequestStep(request=r, action="close", on=r.closed_on, by=user, by_name=by_name))
                if r.satisfaction:
                    steps.append(RequestStep(request=r, action="rate", on=r.closed_on, by=user, by_name=by_name))
        for step in steps:
            step.by_name = step.by_name or by_name
        created = RequestStep.objects.bulk_create(steps, batch_size=2000)
        record_many(("create", step, None) for step in created)


def _new_request(number: str, values: dict) -> dict:
    """A new request's row: its time limit, due date and state worked out from the file's values."""
    limit = deadlines.time_limit(values["kind"])
    if values.get("satisfaction"):
        state = ServiceRequest.State.RATED
    elif values.get("closed_on"):
        state = ServiceRequest.State.CLOSED
    elif values.get("unit"):
        state = ServiceRequest.State.DISPATCHED
    else:
        state = ServiceRequest.State.ACCEPTED
    return {
        "number": number,
        **values,
        "time_limit": limit,
        "due_on": deadlines.due_date(values["received_on"], limit),
        "state": state.value,
        "extension_days": 0,
        "chase_count": 0,
        "satisfaction_comment": "",
        "reply": "",
    }


KIND_DISPLAY = {v: k for k, v in reversed(list(KIND_LABELS.items()))}
CHANNEL_DISPLAY = {v: k for k, v in reversed(list(CHANNEL_LABELS.items()))}


def _scoped(user, zone_ids):
    queryset = ServiceRequest.objects.order_by("number")
    if user is not None:
        queryset = queryset.restrict(user)
    if zone_ids is not None:
        queryset = queryset.filter(enterprise__zone_id__in=zone_ids)
    return queryset


def export_request_rows(*, user=None, zone_ids=None):
    """Requests as rows of the import's columns."""
    for r in _scoped(user, zone_ids).values(
        "number",
        "enterprise__uscc",
        "enterprise__name",
        "kind",
        "category__name",
        "channel",
        "content",
        "unit",
        "received_on",
        "closed_on",
        "satisfaction",
    ):
        yield {
            "number": r["number"],
            "uscc": r["enterprise__uscc"],
            "enterprise_name": r["enterprise__name"],
            "kind": KIND_DISPLAY[r["kind"]],
            "category": r["category__name"],
            "channel": CHANNEL_DISPLAY[r["channel"]],
            "content": r["content"],
            "unit": r["unit"] or None,
            "received_on": r["received_on"],
            "closed_on": r["closed_on"],
            "satisfaction": r["satisfaction"],
        }


REPORT_COLUMNS = (
    ("number", "诉求编号"),
    ("enterprise", "企业名称"),
    ("kind", "诉求类型"),
    ("category", "诉求类别"),
    ("unit", "承办单位"),
    ("received_on", "受理日期"),
    ("due_on", "应办结日期"),
    ("closed_on", "办结日期"),
    ("state", "状态"),
    ("late", "是否逾期"),
    ("overdue_days", "逾期工作日"),
    ("satisfaction", "满意度"),
)


def report_rows(*, user=None, zone_ids=None, as_of: dt.date) -> list[dict]:
    """Every request received up to ``as_of`` with its due date, state, lateness in working days and rating, as
    the day ``as_of`` saw it (a request closed after it counts as open then)."""
    rows = []
    requests = (
        _scoped(user, zone_ids)
        .filter(received_on__lte=as_of)
        .select_related("enterprise", "category")
        .order_by("received_on", "number")
    )
    states = dict(ServiceRequest.State.choices)
    for r in requests:
        closed = r.closed_on if r.closed_on and r.closed_on <= as_of else None
        overdue = deadlines.overdue_workdays(r.due_on, closed, as_of)
        state_label = str(states[r.state]) if closed or r.closed_on is None else "未办结"
        rows.append(
            {
                "number": r.number,
                "enterprise": r.enterprise.name,
                "kind": KIND_DISPLAY[r.kind],
                "category": r.category.name,
                "unit": r.unit,
                "received_on": r.received_on,
                "due_on": r.due_on,
                "closed_on": closed,
                "state": state_label,
                "late": "是" if overdue else "否",
                "overdue_days": overdue,
                "satisfaction": r.satisfaction if closed else None,
            }
        )
    return rows
