"""Writes of the responsibility letters, their lines (targets) and the supervised tasks: each checked against the
user's zones; an indicator checked against the registered measures; a task's flow only by its allowed steps, its
deadline counted in working days on the platform's calendar."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from yuanqu.core import registry
from yuanqu.core.access import can_edit_zone
from yuanqu.core.services import check_can_edit, original_zone, save_object
from yuanqu.targets.models import (
    ResponsibilityLetter,
    Target,
    Task,
    TaskAttachment,
    TaskExtension,
    TaskMilestone,
    TaskStep,
)
from yuanqu.workdays.selectors import calendar


def check_indicator(*, indicator: str) -> None:
    """Refuse an indicator that no installed app measures (yuanqu.core.registry.measures)."""
    if indicator in registry.measures:
        return
    known = ", ".join(registry.measures.keys()) or "—"
    raise ValidationError(
        {
            "indicator": f"未知指标：{indicator}（可用的指标：{known}） / "
            f"unknown indicator: {indicator} (the indicators measured: {known})"
        }
    )


def save_letter(*, letter: ResponsibilityLetter, user) -> ResponsibilityLetter:
    """Validate and save a zone's letter for a year (moving it needs rights on both zones)."""
    return save_object(letter, user=user, original_zone_id=original_zone(letter))


def delete_letter(*, letter: ResponsibilityLetter, user) -> None:
    """Delete a letter with its lines."""
    check_can_edit(user=user, obj=letter)
    letter.delete()


def letter_for(*, zone, year: int, user) -> ResponsibilityLetter:
    """The zone's letter for the year, made (unsigned) when it has none yet."""
    letter = ResponsibilityLetter.objects.filter(zone=zone, year=year).first()
    if letter is None:
        letter = save_letter(letter=ResponsibilityLetter(zone=zone, year=year), user=user)
    return letter


def save_target(*, target: Target, user) -> Target:
    """Validate and save a line of a zone's letter (moving it needs rights on both zones). A measured line's
    indicator must be one an installed app measures; a reported line (no indicator) needs its name. A line
    without a letter, or moved to another zone or year, goes into its zone's letter for its year."""
    if target.indicator:
        check_indicator(indicator=target.indicator)
    elif not target.name:
        raise ValidationError(
            {"name": "未选指标的目标须填写指标名称 / a target on no measured indicator needs the indicator's name"}
        )
    check_can_edit(user=user, obj=target)
    if target.letter_id is not None and (target.letter.zone_id, target.letter.year) != (target.zone_id, target.year):
        target.letter = None  # moved to another zone or year: it goes into that zone's letter for that year
    if target.letter_id is None:
        target.letter = letter_for(zone=target.zone, year=target.year, user=user)
    return save_object(target, user=user, original_zone_id=original_zone(target))


def delete_target(*, target: Target, user) -> None:
    """Delete a target the user may change."""
    check_can_edit(user=user, obj=target)
    target.delete()


def report_value(*, target: Target, value, on: dt.date, by: str, evidence: str, user) -> Target:
    """Report the value of a line no ledger measures, with its evidence and who reported it."""
    if not target.is_reported:
        raise ValidationError(
            {
                "reported_value": "此指标由平台台账计算，不能手工报送 / "
                "this indicator is measured from the platform's ledgers and cannot be reported by hand"
            }
        )
    if not by or not evidence:
        raise ValidationError({"evidence": "须填写报送人和佐证材料 / who reports it and the evidence are required"})
    target.reported_value, target.reported_on, target.reported_by, target.evidence = value, on, by, evidence
    return save_object(target, user=user)


# --- supervised tasks ------------------------------------------------------------------------------------------

S = Task.State
FLOW = {
    S.REGISTERED: (S.ASSIGNED,),
    S.ASSIGNED: (S.ACKNOWLEDGED,),
    S.ACKNOWLEDGED: (S.IN_PROGRESS,),
    S.IN_PROGRESS: (S.REPORTED,),
    S.REPORTED: (S.CHECKING,),
    S.CHECKING: (S.CLOSED, S.IN_PROGRESS),
    S.CLOSED: (),
}
"""The steps a task may take from each state: 立项 → 交办 → 签收 → 办理 → 反馈 → 复核 → 办结, or back from 复核
to 办理."""

OFFICE_STEPS = frozenset({S.ASSIGNED, S.CHECKING, S.CLOSED})
"""Steps of the supervision office (assigning, checking, closing; and returning a task from 复核): users who may
change every zone's data. The other steps are the owner's."""


def due_date(*, assigned_on: dt.date, workdays: int) -> dt.date:
    """The deadline ``workdays`` working days after the assigned date, the assigned day itself not counted (as
    the Civil Code counts periods), on the platform's working-day calendar."""
    return calendar().add_workdays(assigned_on, workdays).date


def save_task(*, task: Task, user) -> Task:
    """Validate and save a task; a limit in working days sets its deadline from the assigned date. A city-level
    task (no zone) is saved only by users who change every zone's data."""
    if task.limit_workdays:
        deadline = due_date(assigned_on=task.assigned_on, workdays=task.limit_workdays)
        if task.original_deadline is None or task.original_deadline == task.deadline:
            task.deadline = deadline
    if task.deadline is None:
        raise ValidationError(
            {"deadline": "须填写截止日期或办理时限（工作日） / a deadline or a limit in working days is required"}
        )
    if task.deadline < task.assigned_on:
        raise ValidationError({"deadline": "截止日期早于交办日期 / the deadline is before the assigned date"})
    return save_object(task, user=user, original_zone_id=original_zone(task))


def delete_task(*, task: Task, user) -> None:
    check_can_edit(user=user, obj=task)
    task.delete()


MAX_ATTACHMENTS = 10
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024  # 20 MB a file


def check_attachments(attachments) -> None:
    """At most MAX_ATTACHMENTS files of at most MAX_ATTACHMENT_BYTES each, every one named."""
    if len(attachments) > MAX_ATTACHMENTS:
        raise ValidationError({"attachments": f"附件最多 {MAX_ATTACHMENTS} 个 / at most {MAX_ATTACHMENTS} attachments"})
    for upload in attachments:
        if upload.size > MAX_ATTACHMENT_BYTES:
            mb = MAX_ATTACHMENT_BYTES // (1024 * 1024)
            raise ValidationError(
                {"attachments": f"附件“{upload.name}”超过 {mb} MB / the attachment {upload.name} is over {mb} MB"}
            )


def advance_task(*, task: Task, to_state: str, on: dt.date, by: str, user, note: str = "", attachments=()) -> TaskStep:
    """Take the task one step along its flow, dated and by whom; refuse a step the flow does not allow, a date
    before the last step, and attachments on any step but 反馈 (at most 10 files of 20 MB). Closing records the closing date."""
    check_can_edit(user=user, obj=task)
    to_state = S(to_state)
    if to_state not in FLOW[S(task.state)]:
        raise ValidationError(
            {
                "state": f"不能从“{S(task.state).label}”转到“{to_state.label}” / "
                f"a task cannot go from {S(task.state).value} to {to_state.value}"
            }
        )
    returned = task.state == S.CHECKING and to_state == S.IN_PROGRESS
    if user is not None and (to_state in OFFICE_STEPS or returned) and not can_edit_zone(user, None):
        raise PermissionDenied("此环节由督办部门办理 / this step is the supervision office's")
    last = task.steps.order_by("-on", "-pk").values_list("on", flat=True).first()
    if last is not None and on < last:
        raise ValidationError({"on": f"日期早于上一环节（{last}） / the date is before the previous step ({last})"})
    if on < task.assigned_on and to_state != S.ASSIGNED:
        raise ValidationError({"on": "日期早于交办日期 / the date is before the assigned date"})
    attachments = list(attachments or ())
    if attachments and to_state != S.REPORTED:
        raise ValidationError({"attachments": "仅反馈环节可上传附件 / only a report back carries attachments"})
    check_attachments(attachments)
    step = TaskStep(task=task, state=to_state, on=on, by=by, note=note)
    step.full_clean()
    step.save()
    for upload in attachments:
        TaskAttachment.objects.create(step=step, file=upload, name=str(upload.name)[:200], size=upload.size)
    task.state = to_state
    task.closed_on = on if to_state == S.CLOSED else None
    task.save()
    return step


def extend_task(*, task: Task, new_deadline: dt.date, reason: str, approver: str, on: dt.date, user) -> TaskExtension:
    """Extend a task's deadline with a reason and an approver; the original deadline stays visible."""
    check_can_edit(user=user, obj=task)
    if not reason.strip() or not approver.strip():
        raise ValidationError({"reason": "延期须写明理由和批准人 / an extension needs a reason and an approver"})
    if task.state == S.CLOSED:
        raise ValidationError({"new_deadline": "事项已办结 / the task is closed"})
    if new_deadline <= task.deadline:
        raise ValidationError({"new_deadline": "延期后的日期须晚于现截止日期 / the new deadline must be later"})
    extension = TaskExtension(
        task=task, previous_deadline=task.deadline, new_deadline=new_deadline, reason=reason, approver=approver, on=on
    )
    extension.full_clean()
    extension.save()
    if task.original_deadline is None:
        task.original_deadline = task.deadline
    task.deadline = new_deadline
    task.save()
    return extension


def _check_task_editor(task: Task, user) -> None:
    """A city-level task is the city's; a zone's task its editors'."""
    if not can_edit_zone(user, task.zone_id):
        raise PermissionDenied("无权修改该督办事项 / you may not change this task")


def add_milestone(*, task: Task, title: str, due_on: dt.date, user) -> TaskMilestone:
    """A dated milestone of an open task, not before it was assigned."""
    _check_task_editor(task, user)
    if task.state == Task.State.CLOSED:
        raise ValidationError({"title": "事项已办结 / the task is closed"})
    if due_on < task.assigned_on:
        raise ValidationError(
            {"due_on": f"节点日期早于交办日期（{task.assigned_on}） / the date is before the task was assigned"}
        )
    milestone = TaskMilestone(task=task, title=(title or "").strip(), due_on=due_on)
    milestone.full_clean()
    milestone.save()
    return milestone


def complete_milestone(*, milestone: TaskMilestone, done_on: dt.date, user) -> TaskMilestone:
    """Record when a milestone was reached (not in the future, not before the task was assigned)."""
    _check_task_editor(milestone.task, user)
    if done_on > timezone.localdate():
        raise ValidationError({"done_on": "日期不能晚于今天 / the date cannot be after today"})
    if done_on < milestone.task.assigned_on:
        raise ValidationError({"done_on": "日期早于交办日期 / the date is before the task was assigned"})
    milestone.done_on = done_on
    milestone.save(update_fields=["done_on"])
    return milestone
