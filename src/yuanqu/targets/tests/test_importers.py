"""Importing letters' lines and tasks: indicators named as people write them, units converted, reported lines,
scoring rules; tasks with a limit in working days across the Spring Festival, city-level tasks for city users only;
every problem with its row and column, nothing written unless all is valid; exports re-import unchanged; the
report commands."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command

from yuanqu.core.exporting import export
from yuanqu.core.importing.pipeline import run_import
from yuanqu.targets.importers import TargetImporter, TaskImporter
from yuanqu.targets.models import ResponsibilityLetter, Target, Task

D = dt.date
pytestmark = pytest.mark.django_db

TARGET_HEADERS = ["园区代码", "年度", "指标", "目标值", "单位", "责任领导", "责任单位", "计算方式", "基础分",
                  "超额加分（每单位）", "加分上限", "差额扣分（每单位）", "扣分上限"]  # fmt: skip


def workbook(path, rows):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(list(row))
    book.save(path)
    return path


def test_targets_named_as_people_write_them(tmp_path, zone_a):
    path = workbook(
        tmp_path / "letters.xlsx",
        [
            TARGET_HEADERS,
            [zone_a.code, 2026, "新开工亿元以上项目数", 20, "个", "李副主任", "招商局", None, 25, 0.1, 3, 0.1, 3],
            [zone_a.code, 2026, "实际使用外资", 1200, "万美元", "王主任", "经发局"],
            [zone_a.code, 2026, "新签约项目总投资", 50, "亿元", "李副主任", "招商局"],
            [zone_a.code, 2026, "营商环境评价", 90, "分", "张局长", "营商办", "报送"],
        ],
    )
    report = run_import(TargetImporter(), path)
    assert report.ok and report.created == 4, report.problems
    letter = ResponsibilityLetter.objects.get(zone=zone_a, year=2026)
    lines = {(t.indicator, t.name): t for t in Target.objects.filter(letter=letter)}
    started = lines[("started_count", "")]
    assert (started.value, started.leader, started.points, started.above_step, started.below_cap) == (
        20, "李副主任", 25, Decimal("0.1"), 3,
    )  # fmt: skip
    assert lines[("reported_foreign_investment", "")].value == 1200  # the zone's report: no ledger holds it
    assert lines[("signed_investment", "")].value == Decimal(500000)  # 50 亿元 in 万元, the ledger's measure
    assert lines[("", "营商环境评价")].unit == "分"
    again = run_import(TargetImporter(), path)
    assert again.ok and again.unchanged == 4 and again.created == 0


def test_every_target_problem_is_named_and_nothing_written(tmp_path, zone_a, zone_b, user_a):
    path = workbook(
        tmp_path / "bad.xlsx",
        [
            TARGET_HEADERS[:5],
            [zone_a.code, 2026, "幸福指数", 1, "个"],
            [zone_a.code, 1900, "实际使用外资", 1, "万美元"],
            [zone_a.code, 2026, "实际使用外资", 1, "吨"],
            [zone_b.code, 2026, "实际使用外资", 1, "万美元"],
            [zone_a.code, 2026, "新签约亿元以上项目数", -2, "个"],
            [zone_a.code, 2026, "新签约亿元以上项目数", 2, "个"],
            [zone_a.code, 2026, "signed_count", 3, ""],
        ],
    )
    report = run_import(TargetImporter(), path, user=user_a)
    found = {(p.row, p.column, p.value) for p in report.problems}
    assert found == {
        (2, "指标", "幸福指数"),
        (3, "年度", "1900"),
        (4, "单位", "吨"),
        (5, "园区代码", zone_b.code),
        (6, "目标值", "-2"),
        (8, "指标", "signed_count"),  # the same indicator as row 7
    }
    assert not Target.objects.exists() and not ResponsibilityLetter.objects.exists()


def test_export_of_targets_reimports_unchanged(tmp_path, zone_a):
    path = workbook(tmp_path / "in.xlsx", [TARGET_HEADERS[:4], [zone_a.code, 2026, "实际使用外资", 1200]])
    assert run_import(TargetImporter(), path).created == 1
    out = tmp_path / "out.xlsx"
    assert export("targets", out, suffix=".xlsx") == 1
    report = run_import(TargetImporter(), out)
    assert report.ok and report.unchanged == 1, report.problems


TASK_HEADERS = ["事项编号", "事项名称", "园区代码", "责任单位", "责任人", "交办日期", "办理时限（工作日）", "截止日期", "办结日期"]  # fmt: skip


def test_tasks_with_working_day_limits_and_city_level_tasks(tmp_path, zone_a, user_a):
    path = workbook(
        tmp_path / "tasks.xlsx",
        [
            TASK_HEADERS,
            ["DB-2026-001", "推进标准厂房建设", zone_a.code, "招商局", "王五", D(2026, 2, 13), 3, None, None],
            ["DB-2026-002", "全市营商环境整改", None, "市发改委", "赵六", D(2026, 3, 2), None, D(2026, 4, 30), D(2026, 4, 28)],
        ],
    )  # fmt: skip
    refused = run_import(TaskImporter(), path, user=user_a)
    assert [(p.row, p.column) for p in refused.problems] == [(3, "园区代码")]
    assert not Task.objects.exists()
    report = run_import(TaskImporter(), path)
    assert report.ok and report.created == 2
    first, second = Task.objects.order_by("code")
    assert (first.deadline, first.state, first.zone) == (D(2026, 2, 25), "registered", zone_a)  # over the festival
    assert (second.deadline, second.state, second.closed_on, second.zone) == (
        D(2026, 4, 30),
        "closed",
        D(2026, 4, 28),
        None,
    )
    out = tmp_path / "out.xlsx"
    assert export("tasks", out, suffix=".xlsx") == 2
    assert run_import(TaskImporter(), out).unchanged == 2


def test_every_task_problem_is_named(tmp_path, zone_a):
    path = workbook(
        tmp_path / "bad.xlsx",
        [
            TASK_HEADERS,
            ["A", "x", zone_a.code, "u", "", D(2026, 3, 2), None, None, None],
            ["B", "x", zone_a.code, "u", "", D(2026, 3, 2), None, D(2026, 3, 1), None],
            ["C", "x", "NOPE", "u", "", D(2026, 3, 2), 5, None, None],
            ["D", "x", zone_a.code, "u", "", D(2026, 3, 2), 5, None, None],
            ["D", "x", zone_a.code, "u", "", D(2026, 3, 2), 5, None, None],
            ["E", "x", zone_a.code, "u", "", "三月", 5, None, None],
        ],
    )  # fmt: skip
    report = run_import(TaskImporter(), path)
    assert {(p.row, p.column) for p in report.problems} == {
        (2, "截止日期"), (3, "截止日期"), (4, "园区代码"), (6, "事项编号"), (7, "交办日期"),
    }  # fmt: skip
    assert not Task.objects.exists()


def test_the_report_commands(tmp_path, zone_a):
    letter = ResponsibilityLetter.objects.create(zone=zone_a, year=2025)
    Target.objects.create(
        letter=letter, zone=zone_a, year=2025, name="营商环境评价", value=100, reported_value=90, points=10,
        below_step=Decimal("0.5"), below_per=5,
    )  # fmt: skip
    Task.objects.create(code="T-1", title="逾期任务", zone=zone_a, lead_unit="招商局", assigned_on=D(2026, 1, 5),
                        deadline=D(2026, 1, 9))  # fmt: skip
    out = tmp_path / "targets.xlsx"
    call_command(
        "targets", "report", "--year", "2025", "--as-of", "2025-12-31", "--zone", zone_a.code, "--out", str(out)
    )
    rows = list(openpyxl.load_workbook(out).active.iter_rows(values_only=True))
    header = next(i for i, r in enumerate(rows) if r[0] == "园区代码")
    assert rows[header + 1][2:11] == ("营商环境评价", 100, None, "90", "90.0%", "100.0%", None, "黄", 9)
    out = tmp_path / "tasks.xlsx"
    call_command("tasks", "report", "--as-of", "2026-01-16", "--out", str(out))
    rows = list(openpyxl.load_workbook(out).active.iter_rows(values_only=True))
    header = next(i for i, r in enumerate(rows) if r[0] == "事项编号")
    row = rows[header + 1]
    assert (row[0], row[8], row[9], row[11]) == ("T-1", "立项", "红", 5)  # 12–16 January
