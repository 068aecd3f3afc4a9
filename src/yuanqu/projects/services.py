"""Services of the projects app: size classes, project saving, stage transitions, deadline rules, agreements and
admission checks."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from yuanqu.analytics.industry import IndustryCodeError, parse_industry_code
from yuanqu.core.access import is_city_admin
from yuanqu.core.services import check_can_edit, original_zone, save_object
from yuanqu.projects import screening
from yuanqu.projects.admission import evaluate
from yuanqu.projects.indicators import size_classes
from yuanqu.projects.models import (
    STAGE_ORDER,
    AdmissionCheck,
    AdmissionRules,
    Agreement,
    AlertResponse,
    Project,
    Stage,
    StageDeadline,
    StageEvent,
    stage_rank,
)

# --- size classes (their thresholds: yuanqu.projects.indicators) -----------------------------------------


def size_classes_of(total_investment) -> list[str]:
    """Every class a total investment (万元) reaches: a 25 亿元 project counts as ≥ 1, ≥ 10 and ≥ 20 亿元."""
    if total_investment is None:
        return []
    return [label for threshold, label in size_classes() if Decimal(total_investment) >= threshold]


def size_class(total_investment) -> str:
    """The highest class reached, '' below the lowest threshold."""
    reached = size_classes_of(total_investment)
    return reached[-1] if reached else ""


# --- projects ------------------------------------------------------------------------------------------


def save_project(*, project: Project, user, industry_code: str | None = None, on: dt.date | None = None) -> Project:
    """Validate and save a project; a new one starts its timeline with an event on ``on`` (default today)."""
    code = project.industry_code if industry_code is None else industry_code
    if code:
        try:
            parsed = parse_industry_code(code)
        except IndustryCodeError as exc:
            raise ValidationError({"industry_code": str(exc)}) from None
        project.industry_code, project.industry_section, project.industry_division = (
            parsed.code,
            parsed.section,
            parsed.division,
        )
    else:
        project.industry_code = project.industry_section = project.industry_division = ""
    # A parcel or enterprise of another zone may be linked only by someone who may edit that zone too.
    for related in (project.parcel, project.enterprise):
        if related is not None and related.zone_id != project.zone_id:
            check_can_edit(user=user, obj=related)
    creating = project.pk is None
    with transaction.atomic():
        save_object(project, user=user, original_zone_id=original_zone(project))
        if creating:
            StageEvent.objects.create(
                project=project,
                from_stage="",
                to_stage=project.stage,
                on=on or timezone.localdate(),
                recorded_by=user,
            )
    return project


def delete_project(*, project: Project, user) -> None:
    """Delete a project the user may change (its timeline goes with it)."""
    check_can_edit(user=user, obj=project)
    project.delete()


def last_event(project: Project) -> StageEvent | None:
    return project.events.order_by("-on", "-recorded_at", "-pk").first()


def stage_before_drop(project: Project) -> str:
    """The stage a dropped project was dropped from, by its last dropping event; "lead" when unknown
    (no event, or a project recorded as dropped from the start), so that an unscreened lead is not let through."""
    event = project.events.filter(to_stage=Stage.DROPPED).order_by("-on", "-recorded_at", "-pk").first()
    if event is None or event.from_stage not in STAGE_ORDER:
        return Stage.LEAD
    return event.from_stage


def advance_stage(
    *, project: Project, to_stage: str, on: dt.date, user, reason: str = "", not_duplicate: bool = False
) -> Project:
    """Move the project to ``to_stage`` on ``on`` and record the dated event.

    Dates cannot run backwards (``on`` is not before the last event's date, nor after today); a step
    back to an earlier stage, dropping a project and reviving a dropped one each need a reason.
    A lead moves forward only once screened (source, investor, industry, verified contact, a capacity
    judgement that is not "doubtful") and, if it has possible duplicates, with ``not_duplicate``
    confirmed; the confirmation is kept in the event's reason with the names compared. A project dropped
    while a lead is screened the same way when revived beyond lead.
    """
    check_can_edit(user=user, obj=project)
    reason = (reason or "").strip()
    if to_stage not in Stage.values:
        raise ValidationError({"to_stage": f"未知阶段：{to_stage} / unknown stage: {to_stage}"})
    if not isinstance(on, dt.date) or isinstance(on, dt.datetime):
        raise ValidationError({"on": "日期无效 / invalid date"})
    from_stage = project.stage
    if to_stage == from_stage:
        raise ValidationError(
            {"to_stage": f"项目已处于{Stage(to_stage).label}阶段 / the project is already at stage {to_stage}"}
        )
    if on > timezone.localdate():
        raise ValidationError({"on": f"日期 {on} 在今天之后 / the date {on} is in the future"})
    previous = last_event(project)
    if previous is not None and on < previous.on:
        raise ValidationError(
            {
                "on": f"日期不能早于上一次阶段变更（{previous.on}） / "
                f"the date cannot be before the last stage change ({previous.on})"
            }
        )
    if to_stage == Stage.DROPPED and not reason:
        raise ValidationError({"reason": "终止项目须说明原因 / dropping a project needs a reason"})
    if from_stage == Stage.DROPPED and not reason:
        raise ValidationError({"reason": "恢复已终止的项目须说明原因 / reviving a dropped project needs a reason"})
    from_rank, to_rank = stage_rank(from_stage), stage_rank(to_stage)
    if from_rank is not None and to_rank is not None and to_rank < from_rank and not reason:
        raise ValidationError(
            {"reason": f"退回到{Stage(to_stage).label}阶段须说明原因 / a step back to stage {to_stage} needs a reason"}
        )
    note = ""
    # A project dropped while a lead is still a lead when revived: screened before it goes further.
    screened_from = stage_before_drop(project) if from_stage == Stage.DROPPED else from_stage
    if screened_from == Stage.LEAD and to_rank is not None and to_rank > stage_rank(Stage.LEAD):
        errors = screening.screening_errors(project)
        if errors:
            raise ValidationError({"to_stage": errors})
        duplicates = screening.find_duplicates(project=project, user=user)
        if duplicates and not not_duplicate:
            names = "、".join(p.name for p in duplicates)
            raise ValidationError(
                {
                    "not_duplicate": f"可能与已有项目重复：{names}；请核对后确认“不是重复项目” / "
                    f"possibly a duplicate of: {names}; check them and confirm it is not a duplicate"
                }
            )
        if duplicates:
            note = screening.not_duplicate_note(duplicates)
    # Signing despite a failed (or missing) admission check is allowed, with the reason kept on the check.
    overridden = None
    if to_stage == Stage.SIGNED and not admission_rules().empty:
        check = latest_admission_check(project)
        if check is None or not check.passed:
            if not reason:
                raise ValidationError(
                    {
                        "reason": "准入检查未通过或尚未检查，签约须说明理由 / "
                        "the admission check failed or was not run; signing needs a reason"
                    }
                )
            overridden = check
    with transaction.atomic():
        if overridden is not None:
            overridden.override_reason = reason
            overridden.save(update_fields=["override_reason"])
        StageEvent.objects.create(
            project=project,
            from_stage=from_stage,
            to_stage=to_stage,
            on=on,
            recorded_by=user,
            reason="；".join(part for part in (note, reason) if part),
        )
        project.stage = to_stage
        project.dropped_reason = reason if to_stage == Stage.DROPPED else ""
        project.save(update_fields=["stage", "dropped_reason", "updated"])
    return project


def correct_event_date(*, event: StageEvent, on: dt.date, reason: str, user) -> StageEvent:
    """Correct the date a stage change was recorded with (a typing slip, a date learned later): the timeline
    keeps its order (not before the previous change, not after the next one), no date is in the future, and the
    correction needs a reason, kept on the event after the old date; the change log keeps both dates."""
    project = event.project
    check_can_edit(user=user, obj=project)
    reason = (reason or "").strip()
    if not isinstance(on, dt.date) or isinstance(on, dt.datetime):
        raise ValidationError({"on": "日期无效 / invalid date"})
    if not reason:
        raise ValidationError({"reason": "更正日期须说明原因 / correcting a date needs a reason"})
    if on > timezone.localdate():
        raise ValidationError({"on": f"日期 {on} 在今天之后 / the date {on} is in the future"})
    ordered = sorted(project.events.all(), key=lambda e: (e.on, e.recorded_at, e.pk))
    at = next(i for i, e in enumerate(ordered) if e.pk == event.pk)
    earlier = ordered[at - 1] if at > 0 else None
    later = ordered[at + 1] if at + 1 < len(ordered) else None
    if earlier is not None and on < earlier.on:
        raise ValidationError(
            {
                "on": f"日期不能早于上一次阶段变更（{earlier.on}） / "
                f"the date cannot be before the previous stage change ({earlier.on})"
            }
        )
    if later is not None and on > later.on:
        raise ValidationError(
            {
                "on": f"日期不能晚于下一次阶段变更（{later.on}） / the date cannot be after the next stage change ({later.on})"
            }
        )
    if on == event.on:
        raise ValidationError({"on": f"日期未改变（{on}） / the date is unchanged ({on})"})
    correction = f"日期由 {event.on} 更正为 {on}：{reason}"
    event.reason = "；".join(part for part in (event.reason, correction) if part)
    event.on = on
    event.save(update_fields=["on", "reason"])
    Project.objects.filter(pk=project.pk).update(updated=timezone.now())
    return event


# --- stage deadlines -----------------------------------------------------------------------------------

DEFAULT_DEADLINES = [
    # "从落地到开工 60 个工作日": signed → started within 60 working days.
    {"from_stage": Stage.SIGNED, "to_stage": Stage.STARTED, "days": 60, "unit": "workdays", "label": "签约到开工"},
]


def seed_deadlines() -> int:
    """Create the default deadline rules that do not exist yet; returns how many were created."""
    created = 0
    for rule in DEFAULT_DEADLINES:
        _, made = StageDeadline.objects.get_or_create(
            from_stage=rule["from_stage"], to_stage=rule["to_stage"], defaults=rule
        )
        created += made
    return created


def _check_deadline_rules_editor(user) -> None:
    if not is_city_admin(user):
        raise PermissionDenied(
            "只有市级管理员可以修改阶段期限 / only a city administrator may change the deadline rules"
        )


def save_deadline_rule(*, rule: StageDeadline, user) -> StageDeadline:
    """Validate and save a stage deadline rule (city administrators only)."""
    _check_deadline_rules_editor(user)
    a, b = stage_rank(rule.from_stage), stage_rank(rule.to_stage)
    if a is None or b is None or b <= a:
        raise ValidationError(
            {
                "to_stage": f"目标阶段 {rule.to_stage} 须在起始阶段 {rule.from_stage} 之后，且不能是终止 / "
                f"the target stage {rule.to_stage} must come after the starting stage {rule.from_stage}, "
                "and cannot be dropped"
            }
        )
    if StageDeadline.objects.exclude(pk=rule.pk).filter(from_stage=rule.from_stage, to_stage=rule.to_stage).exists():
        raise ValidationError(
            {
                "to_stage": f"已有 {rule.from_stage} → {rule.to_stage} 的期限规则 / "
                f"a deadline rule from {rule.from_stage} to {rule.to_stage} already exists"
            }
        )
    rule.full_clean()
    rule.save()
    return rule


def delete_deadline_rule(*, rule: StageDeadline, user) -> None:
    """Delete a stage deadline rule (city administrators only); switching it off (``active``) keeps it."""
    _check_deadline_rules_editor(user)
    rule.delete()


# --- agreements ----------------------------------------------------------------------------------------


def save_agreement(*, agreement, user):
    """Validate and save a project's agreement (the user must be able to edit the project's zone)."""
    return save_object(agreement, user=user)


def delete_agreement(*, agreement, user) -> None:
    check_can_edit(user=user, obj=agreement)
    agreement.delete()


# --- admission checks ----------------------------------------------------------------------------------


def admission_rules():
    """The city's admission rules (the one row, created empty when missing)."""
    rules, _created = AdmissionRules.objects.get_or_create(pk=1)
    return rules


def run_admission_check(*, project: Project, user):
    """Check the project against the admission rules and store the report with the project."""
    check_can_edit(user=user, obj=project)
    agreement = Agreement.objects.filter(project=project).first()
    intensity = agreement.intensity if agreement and agreement.intensity is not None else None
    if intensity is None and project.fixed_asset_investment is not None and project.land_mu:
        intensity = project.fixed_asset_investment / project.land_mu
    rules = admission_rules()
    if rules.empty:  # nothing to check against: said so, never a pass
        lines = [
            {"rule": "unconfigured", "ok": False, "zh": "未配置准入规则", "en": "no admission rules are configured"}
        ]
        return AdmissionCheck.objects.create(project=project, checked_by=user, passed=False, report=lines)
    lines = evaluate(
        rules=rules,
        section=project.industry_section,
        code=project.industry_code,
        division=project.industry_division,
        intensity=intensity,
        tax_per_mu=agreement.tax_per_mu if agreement else None,
    )
    return AdmissionCheck.objects.create(
        project=project, checked_by=user, passed=all(line["ok"] for line in lines), report=lines
    )


def latest_admission_check(project: Project):
    return AdmissionCheck.objects.filter(project=project).order_by("-checked_at", "-pk").first()


# --- alert responses -----------------------------------------------------------------------------------


def respond_to_alert(
    *, project: Project, key: str, kind: str, action: str, user, until: dt.date | None = None, reason: str = ""
) -> AlertResponse:
    """Acknowledge one alert of the project, or snooze it until a later date with a reason; replaces an earlier
    response to the same alert. The user must be able to edit the project's zone."""
    check_can_edit(user=user, obj=project)
    reason = (reason or "").strip()
    if action not in AlertResponse.Action.values:
        raise ValidationError({"action": f"未知的处理方式：{action} / unknown response: {action}"})
    if not key or len(key) > 60:
        raise ValidationError({"key": "提醒无效 / invalid alert"})
    if action == AlertResponse.Action.SNOOZED:
        today = timezone.localdate()
        if until is None or until <= today:
            raise ValidationError({"until": "暂缓须定一个今天之后的日期 / a snooze needs a date after today"})
        if until > today + dt.timedelta(days=366):
            raise ValidationError({"until": "暂缓最长一年 / a snooze lasts at most a year"})
        if not reason:
            raise ValidationError({"reason": "暂缓须说明原因 / a snooze needs a reason"})
    else:
        until = None
    response = AlertResponse.objects.filter(project=project, key=key).first() or AlertResponse(project=project, key=key)
    response.kind, response.action, response.until, response.reason = kind, action, until, reason
    response.responded_by = user
    response.full_clean(exclude=["project", "responded_by"])
    response.save()
    return response


def reopen_alert(*, project: Project, key: str, user) -> None:
    """Withdraw the response to one alert of the project, so that it is open again."""
    check_can_edit(user=user, obj=project)
    for response in AlertResponse.objects.filter(project=project, key=key):
        response.delete()
