"""Stage deadlines counted on the stored working-day calendar, and the alerts of those overdue."""

from __future__ import annotations

import datetime as dt

import pytest

from yuanqu.analytics.workdays import WorkdayCalendar
from yuanqu.projects.alerts import project_alerts
from yuanqu.projects.models import Agreement, Stage, StageDeadline
from yuanqu.projects.selectors import overdue_deadlines, project_deadlines
from yuanqu.projects.testing import make_project

D = dt.date
pytestmark = pytest.mark.django_db


def test_default_rule_is_signed_to_started_in_60_workdays():
    rule = StageDeadline.objects.get()
    assert (rule.from_stage, rule.to_stage, rule.days, rule.unit) == ("signed", "started", 60, "workdays")


def test_signed_on_26_september_2025_is_due_60_workdays_later(zone_a):
    project = make_project(zone_a, "甲项目", history=[(Stage.LEAD, D(2025, 9, 1)), (Stage.SIGNED, D(2025, 9, 26))])
    # Computed independently: walk the calendar day by day from the package's data.
    workdays = WorkdayCalendar.from_holidays_package([2025])
    day, counted = D(2025, 9, 26), 0
    while counted < 60:
        day += dt.timedelta(days=1)
        counted += workdays.is_workday(day)
    assert day == D(2025, 12, 25)  # National Day holidays and the two make-up days included
    (status,) = project_deadlines(project, today=D(2025, 12, 22))
    assert (status.started_on, status.due, status.days_left, status.overdue) == (D(2025, 9, 26), day, 3, False)
    assert status.unpublished_years == ()


def test_overdue_deadline_counts_working_days_late(zone_a):
    project = make_project(zone_a, "甲项目", history=[(Stage.SIGNED, D(2025, 9, 26))])
    (status,) = project_deadlines(project, today=D(2026, 1, 5))
    # 26, 29, 30, 31 December, Sunday 4 January (调休) and 5 January; 1–3 January are the New Year holiday.
    assert (status.due, status.days_left, status.days_overdue, status.overdue) == (D(2025, 12, 25), -6, 6, True)


def test_met_deadline_shows_the_date_and_whether_late(zone_a):
    project = make_project(
        zone_a,
        "甲项目",
        history=[(Stage.SIGNED, D(2025, 9, 26)), (Stage.LAND_SUPPLIED, D(2025, 11, 1)), (Stage.STARTED, D(2026, 1, 6))],
    )
    (status,) = project_deadlines(project, today=D(2026, 3, 1))
    assert (status.met_on, status.late, status.days_left) == (D(2026, 1, 6), True, None)


def test_jumping_past_the_target_stage_meets_the_deadline(zone_a):
    project = make_project(
        zone_a, "甲项目", history=[(Stage.SIGNED, D(2025, 9, 26)), (Stage.COMPLETED, D(2025, 10, 9))]
    )
    (status,) = project_deadlines(project, today=D(2026, 3, 1))
    assert (status.met_on, status.late) == (D(2025, 10, 9), False)


def test_deadline_into_unpublished_year_says_so(zone_a):
    project = make_project(zone_a, "甲项目", history=[(Stage.SIGNED, D(2026, 11, 2))])
    (status,) = project_deadlines(project, today=D(2026, 11, 20))
    assert status.due.year == 2027
    assert status.unpublished_years == (2027,)
    assert status.note_zh.startswith("2027 年放假安排尚未公布")


def test_calendar_day_rule_counts_calendar_days(zone_a):
    StageDeadline.objects.create(
        from_stage="started", to_stage="completed", days=365, unit="calendar", label="开工到竣工"
    )
    project = make_project(zone_a, "甲项目", history=[(Stage.STARTED, D(2025, 3, 1))])
    statuses = {s.rule.label: s for s in project_deadlines(project, today=D(2026, 3, 1))}
    assert (statuses["开工到竣工"].due, statuses["开工到竣工"].days_left) == (D(2026, 3, 1), 0)
    assert "签约到开工" not in statuses  # never signed on record: the rule does not apply


def test_dropped_project_has_no_open_deadline(zone_a):
    project = make_project(zone_a, "甲项目", history=[(Stage.SIGNED, D(2025, 9, 26)), (Stage.DROPPED, D(2025, 10, 9))])
    assert project_deadlines(project, today=D(2026, 1, 5)) == []


def test_overdue_alerts_name_owner_and_lateness_for_the_users_zones_only(zone_a, zone_b, user_a):
    late = make_project(
        zone_a, "甲逾期项目", history=[(Stage.SIGNED, D(2025, 9, 26))], leader="王副市长", agent="李代办"
    )
    make_project(zone_a, "甲未到期项目", history=[(Stage.SIGNED, D(2025, 12, 1))])
    make_project(zone_a, "甲已开工项目", history=[(Stage.SIGNED, D(2025, 9, 26)), (Stage.STARTED, D(2025, 10, 9))])
    make_project(zone_b, "乙逾期项目", history=[(Stage.SIGNED, D(2025, 9, 26))])
    alerts = overdue_deadlines(user=user_a, today=D(2026, 1, 5))
    assert [(a.project, a.status.due, a.status.days_overdue) for a in alerts] == [(late, D(2025, 12, 25), 6)]
    assert (alerts[0].project.leader, alerts[0].project.agent) == ("王副市长", "李代办")


def test_alert_list_holds_deadlines_stalled_projects_and_broken_agreements(zone_a, zone_b, user_a):
    late = make_project(zone_a, "甲逾期项目", history=[(Stage.SIGNED, D(2025, 9, 26))], leader="王副市长")
    stalled = make_project(zone_a, "甲停滞项目", history=[(Stage.LEAD, D(2025, 6, 1))], agent="李代办")
    waiting = make_project(zone_a, "甲洽谈项目", history=[(Stage.NEGOTIATING, D(2025, 6, 1))])
    promised = make_project(zone_a, "甲违约项目", history=[(Stage.NEGOTIATING, D(2025, 12, 20))])
    Agreement.objects.create(project=promised, start_by=D(2025, 12, 1))
    make_project(zone_b, "乙停滞项目", history=[(Stage.LEAD, D(2025, 6, 1))])
    alerts = project_alerts(user=user_a, today=D(2026, 1, 5))
    assert [(a.project, a.kind, a.late_zh) for a in alerts] == [
        (late, "deadline", "逾期 6 个工作日"),  # signed 101 days ago, but listed once: not again as stalled
        (stalled, "stalled", "38 天"),  # a lead untouched since 2025-06-01: 218 days, 38 beyond the 180
        (promised, "agreement", "约定 2025-12-01 开工，至今未开工，逾期 35 天"),
    ]
    assert waiting not in {a.project for a in alerts}  # 218 days of negotiation is within the 240
    assert alerts[0].rule_zh == "签约到开工（60 个工作日，2025-12-25 到期）"
    assert alerts[1].rule_zh == "180 天无进展（最近一次 2025-06-01）"
    assert (alerts[1].leader, alerts[1].agent) == ("", "李代办")


def test_stall_days_setting_applies_to_every_stage_or_by_stage(zone_a, user_a, settings):
    make_project(zone_a, "甲洽谈项目", history=[(Stage.NEGOTIATING, D(2025, 6, 1))])
    settings.YUANQU_PROJECT_STALL_DAYS = 200
    assert [a.late_zh for a in project_alerts(user=user_a, today=D(2026, 1, 5), kind="stalled")] == ["18 天"]
    settings.YUANQU_PROJECT_STALL_DAYS = {"negotiating": 300}
    assert project_alerts(user=user_a, today=D(2026, 1, 5), kind="stalled") == []
