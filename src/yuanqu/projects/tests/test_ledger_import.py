"""The project ledger (项目台账) with its stage dates: timelines, problems, re-import, advancing, round trip, and the
monthly statistics it gives."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import openpyxl
import pytest
from django.utils import timezone

from yuanqu.core.importing.pipeline import run_import
from yuanqu.core.models import ChangeLogEntry
from yuanqu.projects.importers import ProjectImporter, export_rows
from yuanqu.projects.models import Project, Stage, StageEvent
from yuanqu.projects.statistics import monthly_table
from yuanqu.projects.testing import make_project
from yuanqu.zones.testing import make_zone

D = dt.date
HEADERS = [
    "项目名称",
    "所属园区",
    "总投资(亿元)",
    "签约日期",
    "注册日期",
    "供地日期",
    "开工日期",
    "竣工日期",
    "投产日期",
    "达产日期",
    "终止日期",
    "终止原因",
]


def ledger(path, rows, headers=HEADERS):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def timeline(name):
    return list(
        StageEvent.objects.filter(project__name=name).order_by("on", "pk").values_list("from_stage", "to_stage", "on")
    )


def run(path, user):
    return run_import(ProjectImporter(), path, user=user)


@pytest.fixture
def every_case(tmp_path, zone_a):
    sub = make_zone("甲光电产业园", code="A001-S", parent=zone_a)
    n = None
    rows = [
        # every stage, across two years, 25 亿元
        [
            "全程项目",
            zone_a.code,
            25,
            D(2024, 11, 5),
            D(2024, 12, 1),
            D(2025, 2, 3),
            D(2025, 3, 10),
            D(2025, 9, 1),
            D(2025, 10, 8),
            D(2026, 3, 1),
            n,
            n,
        ],
        # skips registration and land: signed in March, started in May; 0.5 亿元 in the sub-park
        ["跳步项目", sub.code, 0.5, D(2025, 3, 20), n, n, D(2025, 5, 6), n, n, n, n, n],
        # started without a signing date: counts as signed and started in May; 1.2 亿元
        ["直接开工", zone_a.code, 1.2, n, n, n, D(2025, 5, 20), n, n, n, n, n],
        # signed in March, dropped in June: still signed in March
        ["终止项目", zone_a.code, 3, D(2025, 3, 1), n, n, n, n, n, n, D(2025, 6, 30), "投资方资金链断裂"],
        # no date at all: a lead from today
        ["新线索", zone_a.code, n, n, n, n, n, n, n, n, n, n],
    ]
    return ledger(tmp_path / "ledger.xlsx", rows)


def test_ledger_builds_each_projects_timeline_in_wan_yuan(every_case, user_a):
    report = run(every_case, user_a)
    assert report.ok and report.written and report.created == 5, report.lines()
    assert any("1 亿元 = 10000 万元" in zh for zh, _en in report.notes)
    whole = Project.objects.get(name="全程项目")
    assert (whole.stage, whole.total_investment) == (Stage.AT_CAPACITY, Decimal("250000"))
    assert [to for _f, to, _on in timeline("全程项目")] == [
        "signed",
        "registered",
        "land_supplied",
        "started",
        "completed",
        "in_production",
        "at_capacity",
    ]
    assert timeline("跳步项目") == [("", "signed", D(2025, 3, 20)), ("signed", "started", D(2025, 5, 6))]
    assert Project.objects.get(name="跳步项目").total_investment == Decimal("5000")
    assert timeline("终止项目") == [("", "signed", D(2025, 3, 1)), ("signed", "dropped", D(2025, 6, 30))]
    dropped = Project.objects.get(name="终止项目")
    assert (dropped.stage, dropped.dropped_reason) == (Stage.DROPPED, "投资方资金链断裂")
    assert timeline("新线索") == [("", "lead", timezone.localdate())]
    assert set(StageEvent.objects.values_list("recorded_by", flat=True)) == {user_a.pk}
    assert ChangeLogEntry.objects.filter(source="import", content_type__model="stageevent").count() == 13


def row(rows, stage, size_class=None):
    return next(r for r in rows if r["stage"] == stage and r["size_class"] == size_class)


def test_monthly_statistics_of_the_imported_ledger_are_right_for_any_month(every_case, zone_a, user_a):
    run(every_case, user_a)
    # 2024: 全程 signed in November.
    nov = monthly_table(user=user_a, zone=zone_a, year=2024, month=11)
    assert (row(nov, Stage.SIGNED)["month_count"], row(nov, Stage.SIGNED)["month_investment"]) == (1, Decimal("250000"))
    assert row(monthly_table(user=user_a, zone=zone_a, year=2024, month=12), Stage.SIGNED)["month_count"] == 0
    # March 2025: 全程 started; 跳步 (sub-park) and 终止 signed.
    march = monthly_table(user=user_a, zone=zone_a, year=2025, month=3)
    assert row(march, Stage.SIGNED)["month_count"] == 2
    assert row(march, Stage.SIGNED)["month_investment"] == Decimal("35000")
    assert row(march, Stage.SIGNED, "1亿元以上")["month_count"] == 1
    assert row(march, Stage.STARTED)["month_count"] == 1
    assert row(march, Stage.STARTED, "20亿元以上")["month_investment_yi"] == Decimal("25")
    # May 2025: 跳步 and 直接开工 started; 直接开工 also counts as signed.
    may = monthly_table(user=user_a, zone=zone_a, year=2025, month=5)
    assert (row(may, Stage.STARTED)["month_count"], row(may, Stage.STARTED)["year_count"]) == (2, 3)
    assert row(may, Stage.STARTED)["year_investment"] == Decimal("267000")
    assert (row(may, Stage.SIGNED)["month_count"], row(may, Stage.SIGNED)["year_count"]) == (1, 3)
    assert row(may, Stage.SIGNED, "1亿元以上")["year_count"] == 2  # 3 亿元 and 1.2 亿元; 0.5 亿元 is below
    # September: 全程 completed; the year's signings are unchanged by the drop in June.
    sep = monthly_table(user=user_a, zone=zone_a, year=2025, month=9)
    assert (row(sep, Stage.COMPLETED)["month_count"], row(sep, Stage.SIGNED)["year_count"]) == (1, 3)
    assert row(monthly_table(user=user_a, zone=zone_a, year=2025, month=12), Stage.COMPLETED)["year_count"] == 1
    assert all(r["year_count"] == 0 for r in monthly_table(user=user_a, zone=zone_a, year=2026, month=3))


def test_reimporting_the_ledger_changes_nothing(every_case, user_a):
    run(every_case, user_a)
    events, entries = StageEvent.objects.count(), ChangeLogEntry.objects.count()
    report = run(every_case, user_a)
    assert (report.written, report.created, report.updated, report.unchanged) == (True, 0, 0, 5)
    assert (StageEvent.objects.count(), ChangeLogEntry.objects.count()) == (events, entries)


def test_a_later_date_for_the_next_stage_advances_the_project(tmp_path, zone_a, user_a):
    make_project(zone_a, "甲项目", history=[(Stage.LEAD, D(2025, 1, 2)), (Stage.SIGNED, D(2025, 3, 10))])
    n = None
    path = ledger(
        tmp_path / "later.xlsx",
        [["甲项目", zone_a.code, n, D(2025, 3, 10), n, D(2025, 4, 1), D(2025, 6, 2), n, n, n, n, n]],
    )
    report = run(path, user_a)
    assert (report.updated, report.written) == (1, True), report.lines()
    assert Project.objects.get(name="甲项目").stage == Stage.STARTED
    new = StageEvent.objects.filter(project__name="甲项目", recorded_by=user_a).order_by("on")
    assert list(new.values_list("from_stage", "to_stage", "on")) == [
        ("signed", "land_supplied", D(2025, 4, 1)),
        ("land_supplied", "started", D(2025, 6, 2)),
    ]
    assert ChangeLogEntry.objects.filter(source="import", content_type__model="stageevent").count() == 2
    assert ChangeLogEntry.objects.filter(source="import", content_type__model="project", action="update").count() == 1


def test_every_wrong_date_is_a_problem_and_nothing_is_written(tmp_path, zone_a, user_a):
    make_project(zone_a, "已有项目", history=[(Stage.LEAD, D(2025, 1, 2)), (Stage.STARTED, D(2025, 5, 6))])
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    n = None
    path = ledger(
        tmp_path / "bad.xlsx",
        [
            ["倒序项目", zone_a.code, 1, D(2025, 5, 1), n, n, D(2025, 4, 1), n, n, n, n, n],
            ["未来项目", zone_a.code, 1, tomorrow, n, n, n, n, n, n, n, n],
            ["不存在的日期", zone_a.code, 1, "2025-02-30", n, n, n, n, n, n, n, n],
            ["无原因终止", zone_a.code, 1, D(2025, 3, 1), n, n, n, n, n, n, D(2025, 4, 1), n],
            ["无日期原因", zone_a.code, 1, n, n, n, n, n, n, n, n, "不做了"],
            ["终止早于签约", zone_a.code, 1, D(2025, 3, 1), n, n, n, n, n, n, D(2025, 2, 1), "不做了"],
            ["已有项目", zone_a.code, 1, n, n, n, D(2025, 5, 7), n, n, n, n, n],
            ["远古项目", zone_a.code, 1, "1900-01-01", n, n, n, n, n, n, n, n],
            ["好项目", zone_a.code, 1, D(2025, 3, 1), n, n, n, n, n, n, n, n],
        ],
    )
    report = run(path, user_a)
    assert not report.written
    found = {(p.row, p.column, p.value) for p in report.problems}
    assert found == {
        (2, "开工日期", "2025-04-01"),
        (3, "签约日期", tomorrow.isoformat()),
        (4, "签约日期", "2025-02-30"),
        (5, "终止原因", None),
        (6, "终止原因", "不做了"),
        (7, "终止日期", "2025-02-01"),
        (8, "开工日期", "2025-05-07"),
        (9, "签约日期", "1900-01-01"),
    }, report.lines()
    backwards = next(p for p in report.problems if p.row == 2)
    assert "早于签约日期 2025-05-01" in backwards.reason_zh and "run backwards" in backwards.reason_en
    recorded = next(p for p in report.problems if p.row == 8)
    assert "2025-05-06" in recorded.reason_zh and "2025-05-06" in recorded.reason_en
    assert Project.objects.count() == 1 and StageEvent.objects.count() == 2


def test_a_date_before_the_last_recorded_change_cannot_advance(tmp_path, zone_a, user_a):
    make_project(zone_a, "甲项目", history=[(Stage.LEAD, D(2025, 1, 2)), (Stage.SIGNED, D(2025, 3, 10))])
    n = None
    path = ledger(tmp_path / "early.xlsx", [["甲项目", zone_a.code, n, n, n, n, D(2025, 3, 1), n, n, n, n, n]])
    report = run(path, user_a)
    assert [(p.row, p.column, p.value) for p in report.problems] == [(2, "开工日期", "2025-03-01")]
    assert "2025-03-10" in report.problems[0].reason_zh
    assert Project.objects.get().stage == Stage.SIGNED


def test_a_dropped_project_is_not_revived_by_a_ledger(tmp_path, zone_a, user_a):
    make_project(zone_a, "甲项目", history=[(Stage.SIGNED, D(2025, 3, 10)), (Stage.DROPPED, D(2025, 4, 1))])
    n = None
    path = ledger(
        tmp_path / "revive.xlsx", [["甲项目", zone_a.code, n, D(2025, 3, 10), n, n, D(2025, 5, 1), n, n, n, n, n]]
    )
    report = run(path, user_a)
    assert [(p.row, p.column) for p in report.problems] == [(2, "开工日期")]


def test_export_then_import_is_a_round_trip(every_case, tmp_path, zone_a, zone_b, user_a):
    run(every_case, user_a)
    make_project(zone_b, "乙项目", history=[(Stage.SIGNED, D(2025, 3, 5))])
    # a project that stepped back keeps both dates
    make_project(
        zone_a,
        "退回项目",
        history=[(Stage.SIGNED, D(2025, 1, 5)), (Stage.STARTED, D(2025, 2, 5)), (Stage.SIGNED, D(2025, 2, 20))],
    )
    rows = list(export_rows(user=user_a))
    assert "乙项目" not in {r["name"] for r in rows}
    whole = next(r for r in rows if r["name"] == "全程项目")
    assert (whole["signed_on"], whole["at_capacity_on"], whole["total_investment"]) == (
        D(2024, 11, 5),
        D(2026, 3, 1),
        Decimal("250000"),
    )
    dropped = next(r for r in rows if r["name"] == "终止项目")
    assert (dropped["dropped_on"], dropped["dropped_reason"]) == (D(2025, 6, 30), "投资方资金链断裂")
    from django.core.management import call_command

    target = tmp_path / "out.xlsx"
    call_command("export", "projects", str(target), "--user", user_a.username)
    header = next(r for r in openpyxl.load_workbook(target).active.iter_rows(values_only=True) if "项目名称" in r)
    for column in (
        "签约日期",
        "注册日期",
        "供地日期",
        "开工日期",
        "竣工日期",
        "投产日期",
        "达产日期",
        "终止日期",
        "终止原因",
    ):
        assert column in header
    events, entries = StageEvent.objects.count(), ChangeLogEntry.objects.count()
    report = run(target, user_a)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 6), report.lines()
    assert (StageEvent.objects.count(), ChangeLogEntry.objects.count()) == (events, entries)


def test_the_template_has_the_ledgers_columns(tmp_path):
    from django.core.management import call_command

    call_command("template", "projects", str(tmp_path / "template.xlsx"))
    rows = list(openpyxl.load_workbook(tmp_path / "template.xlsx").active.iter_rows(values_only=True))
    header = next(r for r in rows if r[0] == "项目名称")
    assert list(header) == [
        "项目名称",
        "所属园区",
        "投资方",
        "行业代码",
        "总投资(万元)",
        "挂钩领导",
        "代办员",
        "签约日期",
        "注册日期",
        "供地日期",
        "开工日期",
        "竣工日期",
        "投产日期",
        "达产日期",
        "终止日期",
        "终止原因",
    ]
