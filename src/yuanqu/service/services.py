"""Writes of the service app: links, plans, visits and the closed loop of requests, each step checked here.

The loop (supervision.md): 受理 accept → 派单 dispatch → 办理 handle → 答复 reply → 办结 close → 回访 call back →
评价 rate; 督办 chase while late; an extension (reason and approver) moves the due date; a rating that is not
satisfied sends the request back to 办理. Every step is a ``RequestStep`` with its day and who did it.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from yuanqu.core.access import can_see_zone, is_city_admin
from yuanqu.core.services import check_can_edit, delete_object, original_zone, save_object
from yuanqu.service import deadlines
from yuanqu.service.models import (
    EnterpriseOfficial,
    EnterprisePlan,
    PlanMeasure,
    RequestStep,
    ServiceCategory,
    ServiceRequest,
    Visit,
)

State = ServiceRequest.State
Action = RequestStep.Action

# Which action may be taken in which state, and the state it leads to (None: the state stays).
TRANSITIONS: dict[str, dict[str, str | None]] = {
    Action.DISPATCH: {State.ACCEPTED: State.DISPATCHED, State.DISPATCHED: State.DISPATCHED},
    Action.HANDLE: {State.DISPATCHED: State.HANDLING},
    Action.REPLY: {State.HANDLING: State.REPLIED},
    Action.CLOSE: {State.REPLIED: State.CLOSED},
    Action.CALL_BACK: {State.CLOSED: State.CALLED_BACK},
    Action.RATE: {State.CALLED_BACK: State.RATED},
    Action.CHASE: {s: None for s in (State.ACCEPTED, State.DISPATCHED, State.HANDLING)},
    Action.EXTEND: {s: None for s in (State.ACCEPTED, State.DISPATCHED, State.HANDLING)},
}
SATISFIED_FROM = 3
"""A rating of 3 or more closes the loop; 1 or 2 sends the request back to 办理."""


def allowed_actions(request: ServiceRequest, *, today: dt.date | None = None) -> list[str]:
    """The actions the request's state allows now (督办 only once it is late)."""
    today = today or timezone.localdate()
    found = [action for action, moves in TRANSITIONS.items() if request.state in moves]
    if Action.CHASE in found and not today > request.due_on:
        found.remove(Action.CHASE)
    return found


def _bilingual(zh: str, en: str) -> str:
    return f"{zh} / {en}"


def _user_name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.username


def _record(request: ServiceRequest, action: str, *, on: dt.date, user, note: str = "", by_name: str = ""):
    step = RequestStep(request=request, action=action, on=on, by=user, by_name=by_name or _user_name(user), note=note)
    step.full_clean(exclude=["request", "by"])
    step.save()
    return step


DEFAULT_CATEGORIES = [
    ("land", "用地", 10),
    ("finance", "融资", 20),
    ("labour", "用工", 30),
    ("approvals", "审批", 40),
    ("policy_payments", "政策兑现", 50),
    ("infrastructure", "基础设施", 60),
    ("quotas", "能耗与环境指标", 70),
    ("other", "其他", 90),
]
"""The categories a deployment starts with (the migration seeds the same); an administrator edits them."""


def seed_categories() -> None:
    """Add the default categories that are missing (a flushed database lost those of the migration)."""
    for code, name, order in DEFAULT_CATEGORIES:
        ServiceCategory.objects.get_or_create(code=code, defaults={"name": name, "order": order})


def save_category(*, category: ServiceCategory, user) -> ServiceCategory:
    """Save a category of the code table (city administrators only, as for every city-wide table)."""
    if user is not None and not is_city_admin(user):
        raise PermissionDenied("只有市级管理员可以修改诉求类别 / only a city administrator changes the categories")
    category.full_clean()
    category.save()
    return category


def link_official(*, link: EnterpriseOfficial, user) -> EnterpriseOfficial:
    """Link an official to an enterprise (挂钩领导 or zone contact); the official must see the enterprise's zone."""
    if link.official_id and not can_see_zone(link.official, link.enterprise.zone_id):
        raise ValidationError(
            {"official": _bilingual("该人员无权查看此企业所在园区", "this person cannot see the enterprise's zone")}
        )
    return save_object(link, user=user, original_zone_id=original_zone(link))


def unlink_official(*, link: EnterpriseOfficial, user) -> None:
    delete_object(link, user=user)


def save_plan(*, plan: EnterprisePlan, user) -> EnterprisePlan:
    return save_object(plan, user=user, original_zone_id=original_zone(plan))


def delete_plan(*, plan: EnterprisePlan, user) -> None:
    delete_object(plan, user=user)


def save_measure(*, measure: PlanMeasure, user) -> PlanMeasure:
    return save_object(measure, user=user, original_zone_id=original_zone(measure))


def delete_measure(*, measure: PlanMeasure, user) -> None:
    delete_object(measure, user=user)


def save_visit(*, visit: Visit, user) -> Visit:
    """Save a visit; a visit paid (done) must not be dated in the future."""
    if visit.state == Visit.State.DONE and visit.visited_on and visit.visited_on > timezone.localdate():
        raise ValidationError(
            {"visited_on": _bilingual("已走访的日期不能晚于今天", "a visit paid cannot be dated after today")}
        )
    return save_object(visit, user=user, original_zone_id=original_zone(visit))


def delete_visit(*, visit: Visit, user) -> None:
    delete_object(visit, user=user)


def next_number(received_on: dt.date) -> str:
    """The next free request number of the day received: ``SQ20260315-0001``."""
    prefix = f"SQ{received_on:%Y%m%d}-"
    taken = ServiceRequest.objects.filter(number__startswith=prefix).values_list("number", flat=True)
    last = max((int(n[len(prefix) :]) for n in taken if n[len(prefix) :].isdigit()), default=0)
    return f"{prefix}{last + 1:04d}"


def accept_request(*, request: ServiceRequest, user, note: str = "") -> ServiceRequest:
    """受理: register a new request; its time limit comes from its kind and its due date from the calendar."""
    if request.pk:
        raise ValidationError(_bilingual("诉求已受理", "the request was accepted already"))
    check_can_edit(user=user, obj=request.enterprise)
    if request.received_on is None:
        request.received_on = timezone.localdate()
    if request.received_on > timezone.localdate():
        raise ValidationError(
            {"received_on": _bilingual("受理日期不能晚于今天", "the day received cannot be after today")}
        )
    if not request.number:
        request.number = next_number(request.received_on)
    request.state = State.ACCEPTED
    request.time_limit = deadlines.time_limit(request.kind)
    request.due_on = deadlines.due_date(request.received_on, request.time_limit + request.extension_days)
    save_object(request, user=user)
    _record(request, Action.ACCEPT, on=request.received_on, user=user, note=note)
    return request


def update_request(*, request: ServiceRequest, user) -> ServiceRequest:
    """Save changes to a request's facts (content, category, channel, unit); the loop moves only by its steps."""
    stored = ServiceRequest.objects.get(pk=request.pk)
    for field in ("state", "received_on", "due_on", "closed_on", "replied_on", "satisfaction", "chase_count"):
        if getattr(request, field) != getattr(stored, field):
            raise ValidationError(
                _bilingual("办理状态和日期只能通过办理环节改变", "the state and dates change only through the steps")
            )
    if request.kind != stored.kind:
        request.time_limit = deadlines.time_limit(request.kind)
        request.due_on = deadlines.due_date(request.received_on, request.time_limit + request.extension_days)
    return save_object(request, user=user, original_zone_id=original_zone(request))


def advance_request(
    *,
    request: ServiceRequest,
    action: str,
    user,
    on: dt.date | None = None,
    note: str = "",
    unit: str = "",
    satisfaction: int | None = None,
    days: int | None = None,
    approver: str = "",
) -> ServiceRequest:
    """Take one step of the loop, if the request's state allows it; record the step with its day and by whom.

    ``unit`` is needed to dispatch, ``note`` (the reply) to reply, ``satisfaction`` (1–5) to rate, ``days``, a
    reason (``note``) and an ``approver`` to extend. The day must not be before the last step nor after today.
    """
    check_can_edit(user=user, obj=request)
    today = timezone.localdate()
    on = on or today
    moves = TRANSITIONS.get(action)
    if moves is None or request.state not in moves:
        raise ValidationError(
            _bilingual(
                f"“{request.get_state_display()}”的诉求不能{Action(action).label if action in Action.values else action}",
                f"a request in state {request.state} cannot take the step {action}",
            )
        )
    last = request.steps.order_by("-on").values_list("on", flat=True).first() or request.received_on
    if on > today:
        raise ValidationError({"on": _bilingual("日期不能晚于今天", "the date cannot be after today")})
    if on < last:
        raise ValidationError(
            {"on": _bilingual(f"日期不能早于上一环节（{last}）", f"the date cannot be before the last step ({last})")}
        )
    to_state = moves[request.state]
    if action == Action.DISPATCH:
        unit = (unit or "").strip()
        if not unit:
            raise ValidationError({"unit": _bilingual("派单须指明承办单位", "dispatching needs the unit")})
        request.unit = unit
        note = note or unit
    elif action == Action.REPLY:
        if not note.strip():
            raise ValidationError({"note": _bilingual("答复须有内容", "a reply needs its text")})
        request.reply = note
        request.replied_on = on
    elif action == Action.CLOSE:
        request.closed_on = on
    elif action == Action.CHASE:
        if not on > request.due_on:
            raise ValidationError(
                _bilingual("诉求未逾期，无需督办", "the request is not late; there is nothing to chase")
            )
        request.chase_count += 1
    elif action == Action.EXTEND:
        if not days or days < 1:
            raise ValidationError({"days": _bilingual("延期工作日须为正数", "the extension must be at least one day")})
        if not note.strip() or not approver.strip():
            raise ValidationError(_bilingual("延期须说明理由并有批准人", "an extension needs a reason and an approver"))
        request.extension_days += days
        request.due_on = deadlines.due_date(request.received_on, request.time_limit + request.extension_days)
        note = f"+{days}：{note.strip()}（{approver.strip()}）"
    elif action == Action.RATE:
        if satisfaction is None or not 1 <= int(satisfaction) <= 5:
            raise ValidationError(
                {"satisfaction": _bilingual("满意度应为 1–5", "the satisfaction is a number from 1 to 5")}
            )
        request.satisfaction = int(satisfaction)
        request.satisfaction_comment = note
        if request.satisfaction < SATISFIED_FROM:
            # Not satisfied: back to 办理; the rating stays on record, the closing day is cleared.
            to_state = State.HANDLING
    if to_state is not None:
        request.state = to_state
    if to_state == State.HANDLING and action == Action.RATE:
        request.closed_on = None
        request.replied_on = None
    save_object(request, user=user)
    _record(request, action, on=on, user=user, note=note)
    if to_state == State.HANDLING and action == Action.RATE:
        _record(
            request,
            Action.REOPEN,
            on=on,
            user=user,
            note=_bilingual("企业不满意，退回办理", "the enterprise is not satisfied; back to handling"),
        )
    return request


def delete_request(*, request: ServiceRequest, user) -> None:
    delete_object(request, user=user)
