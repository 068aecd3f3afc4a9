"""Stage transitions through ``advance_stage``: dated events, no running backwards, reasons where needed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from yuanqu.core.models import ChangeLogEntry
from yuanqu.projects.models import Project, Stage, StageEvent
from yuanqu.projects.services import advance_stage, save_project, size_class, size_classes_of
from yuanqu.projects.testing import make_project

D = dt.date


@pytest.fixture
def project(zone_a):
    return make_project(
        zone_a, "甲新能源电池项目", history=[(Stage.LEAD, D(2025, 3, 1)), (Stage.SIGNED, D(2025, 6, 1))]
    )


def test_advancing_records_a_dated_event_by_the_user(project, user_a):
    advance_stage(project=project, to_stage=Stage.REGISTERED, on=D(2025, 6, 20), user=user_a)
    project.refresh_from_db()
    assert project.stage == Stage.REGISTERED
    event = project.events.order_by("-on").first()
    assert (event.from_stage, event.to_stage, event.on, event.recorded_by) == (
        "signed",
        "registered",
        D(2025, 6, 20),
        user_a,
    )


def test_transition_is_change_logged(project, user_a):
    advance_stage(project=project, to_stage=Stage.REGISTERED, on=D(2025, 6, 20), user=user_a)
    models = set(ChangeLogEntry.objects.values_list("content_type__model", flat=True))
    assert {"project", "stageevent"} <= models


def test_date_before_the_last_event_is_refused(project, user_a):
    with pytest.raises(ValidationError, match="日期不能早于上一次阶段变更（2025-06-01）"):
        advance_stage(project=project, to_stage=Stage.REGISTERED, on=D(2025, 5, 31), user=user_a)
    assert Project.objects.get(pk=project.pk).stage == Stage.SIGNED
    assert project.events.count() == 2


def test_same_day_as_the_last_event_is_allowed(project, user_a):
    advance_stage(project=project, to_stage=Stage.REGISTERED, on=D(2025, 6, 1), user=user_a)
    assert Project.objects.get(pk=project.pk).stage == Stage.REGISTERED


def test_future_date_is_refused(project, user_a):
    with pytest.raises(ValidationError, match="在今天之后"):
        advance_stage(project=project, to_stage=Stage.REGISTERED, on=D(2999, 1, 1), user=user_a)


def test_step_back_without_reason_is_refused(project, user_a):
    with pytest.raises(ValidationError, match="退回到洽谈阶段须说明原因"):
        advance_stage(project=project, to_stage=Stage.NEGOTIATING, on=D(2025, 7, 1), user=user_a)
    assert Project.objects.get(pk=project.pk).stage == Stage.SIGNED


def test_step_back_with_reason_is_allowed_and_kept(project, user_a):
    advance_stage(project=project, to_stage=Stage.NEGOTIATING, on=D(2025, 7, 1), user=user_a, reason="投资方改变选址")
    assert Project.objects.get(pk=project.pk).stage == Stage.NEGOTIATING
    assert project.events.get(to_stage=Stage.NEGOTIATING).reason == "投资方改变选址"


def test_skipping_stages_forward_needs_no_reason(project, user_a):
    advance_stage(project=project, to_stage=Stage.STARTED, on=D(2025, 7, 1), user=user_a)
    assert Project.objects.get(pk=project.pk).stage == Stage.STARTED


def test_dropping_needs_a_reason(project, user_a):
    with pytest.raises(ValidationError, match="终止项目须说明原因"):
        advance_stage(project=project, to_stage=Stage.DROPPED, on=D(2025, 7, 1), user=user_a, reason="  ")
    advance_stage(project=project, to_stage=Stage.DROPPED, on=D(2025, 7, 1), user=user_a, reason="资金链断裂")
    project.refresh_from_db()
    assert (project.stage, project.dropped_reason) == ("dropped", "资金链断裂")


def test_reviving_a_dropped_project_needs_a_reason(zone_a, user_a):
    project = make_project(
        zone_a,
        "甲复活项目",
        history=[(Stage.LEAD, D(2025, 1, 2)), (Stage.NEGOTIATING, D(2025, 1, 20)), (Stage.DROPPED, D(2025, 2, 3))],
    )
    with pytest.raises(ValidationError, match="恢复已终止的项目须说明原因"):
        advance_stage(project=project, to_stage=Stage.NEGOTIATING, on=D(2025, 3, 1), user=user_a)
    advance_stage(project=project, to_stage=Stage.NEGOTIATING, on=D(2025, 3, 1), user=user_a, reason="重新洽谈")
    project.refresh_from_db()
    assert (project.stage, project.dropped_reason) == ("negotiating", "")


def test_same_stage_is_refused(project, user_a):
    with pytest.raises(ValidationError, match="项目已处于签约阶段"):
        advance_stage(project=project, to_stage=Stage.SIGNED, on=D(2025, 7, 1), user=user_a)


def test_user_of_another_zone_cannot_advance(project, user_b):
    with pytest.raises(PermissionDenied):
        advance_stage(project=project, to_stage=Stage.REGISTERED, on=D(2025, 7, 1), user=user_b)
    assert project.events.count() == 2


def test_new_project_starts_its_timeline(zone_a, user_a):
    project = save_project(
        project=Project(zone=zone_a, name="甲芯片项目", total_investment=Decimal("250000")),
        user=user_a,
        industry_code="c3973",
        on=D(2025, 4, 1),
    )
    assert (project.industry_code, project.industry_section, project.industry_division) == ("3973", "C", "39")
    assert list(StageEvent.objects.filter(project=project).values_list("from_stage", "to_stage", "on")) == [
        ("", "lead", D(2025, 4, 1))
    ]


def test_bad_industry_code_is_a_field_error(zone_a, user_a):
    with pytest.raises(ValidationError) as caught:
        save_project(project=Project(zone=zone_a, name="甲项目"), user=user_a, industry_code="X")
    assert "industry_code" in caught.value.message_dict
    assert not Project.objects.exists()


@pytest.mark.parametrize(
    ("total", "highest", "count"),
    [
        (None, "", 0),
        ("9999.99", "", 0),
        ("10000", "1亿元以上", 1),
        ("150000", "10亿元以上", 2),
        ("250000", "20亿元以上", 3),
        ("1000000", "100亿元以上", 4),
    ],
)
def test_size_classes_by_total_investment(total, highest, count):
    assert size_class(total and Decimal(total)) == highest
    assert len(size_classes_of(total and Decimal(total))) == count


def test_size_class_thresholds_come_from_the_setting(settings):
    settings.YUANQU_PROJECT_SIZE_CLASSES = [(50000, "5亿元以上")]
    assert size_class(Decimal("60000")) == "5亿元以上"
    assert size_class(Decimal("150000")) == "5亿元以上"
    assert size_class(Decimal("40000")) == ""
