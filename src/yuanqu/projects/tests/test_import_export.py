"""`yuanqu import projects` / `yuanqu export projects`: all-or-nothing, zone-restricted, round-tripping."""

from __future__ import annotations

from decimal import Decimal

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from yuanqu.core.models import ChangeLogEntry
from yuanqu.projects.models import Project, StageEvent
from yuanqu.projects.testing import make_project

HEADERS = [
    "项目名称",
    "所属园区",
    "投资方",
    "行业代码",
    "总投资(万元)",
    "外资(万美元)",
    "世界500强",
    "挂钩领导",
    "代办员",
]


def workbook(path, rows):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_import_creates_leads_with_a_timeline_and_updates_by_zone_and_name(tmp_path, zone_a, capsys):
    existing = make_project(zone_a, "甲电池项目", leader="张三")
    path = workbook(
        tmp_path / "projects.xlsx",
        [
            ["甲芯片项目", zone_a.code, "某芯片公司", "C3973", 250000, 800, "是", "王副市长", "李代办"],
            ["甲电池项目", zone_a.code, "", "", 12000, None, "", "李四", ""],
        ],
    )
    call_command("import", "projects", str(path))
    chip = Project.objects.get(name="甲芯片项目")
    assert (chip.zone, chip.stage, chip.industry_code, chip.industry_section) == (zone_a, "lead", "3973", "C")
    assert (chip.total_investment, chip.foreign_investment, chip.is_top500) == (Decimal("250000"), Decimal("800"), True)
    assert list(StageEvent.objects.filter(project=chip).values_list("to_stage", "on")) == [
        ("lead", timezone.localdate())
    ]
    existing.refresh_from_db()
    assert (existing.leader, existing.total_investment) == ("李四", Decimal("12000"))
    assert Project.objects.count() == 2
    assert ChangeLogEntry.objects.filter(source="import", content_type__model="stageevent").count() == 1


def test_a_file_with_any_problem_writes_nothing(tmp_path, zone_a, zone_b, user_a):
    path = workbook(
        tmp_path / "bad.xlsx",
        [
            ["甲好项目", zone_a.code, "", "C3973", 1, None, "", "", ""],
            ["甲坏行业", zone_a.code, "", "Z99", 1, None, "", "", ""],
            ["越界项目", zone_b.code, "", "", 1, None, "", "", ""],
            ["甲好项目", zone_a.code, "", "", 2, None, "", "", ""],
        ],
    )
    with pytest.raises(CommandError):
        call_command("import", "projects", str(path), "--user", user_a.username)
    assert Project.objects.count() == 0


def test_export_holds_only_the_users_zones_and_reimports_unchanged(tmp_path, zone_a, zone_b, user_a, capsys):
    make_project(
        zone_a,
        "甲芯片项目",
        total_investment="250000",
        industry_code="3973",
        industry_section="C",
        industry_division="39",
    )
    make_project(zone_b, "乙项目")
    target = tmp_path / "out.xlsx"
    call_command("export", "projects", str(target), "--user", user_a.username)
    sheet = openpyxl.load_workbook(target).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    text = " ".join(str(c) for row in values for c in row if c is not None)
    assert "甲芯片项目" in text and "C3973" in text and "乙项目" not in text
    capsys.readouterr()
    call_command("import", "projects", str(target), "--user", user_a.username)
    assert "新增 0，更新 0，未变 1" in capsys.readouterr().out
    assert Project.objects.count() == 2


def test_screening_columns_import_by_label_and_round_trip(tmp_path, zone_a, user_a, capsys):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["项目名称", "所属园区", "信息来源", "联系人已核实", "投资方实力"])
    sheet.append(["甲芯片项目", zone_a.code, "驻沪招商分局", "是", "实力一般"])
    sheet.append(["甲电池项目", zone_a.code, "", "", ""])
    sheet.append(["甲坏项目", zone_a.code, "", "", "很强"])
    book.save(tmp_path / "screening.xlsx")
    with pytest.raises(CommandError):
        call_command("import", "projects", str(tmp_path / "screening.xlsx"), "--user", user_a.username)
    assert "投资方实力" in capsys.readouterr().err and Project.objects.count() == 0
    sheet.delete_rows(4)
    book.save(tmp_path / "screening.xlsx")
    call_command("import", "projects", str(tmp_path / "screening.xlsx"), "--user", user_a.username)
    rows = Project.objects.order_by("name").values_list("name", "lead_source", "contact_verified", "investor_capacity")
    assert list(rows) == [("甲电池项目", "", False, ""), ("甲芯片项目", "驻沪招商分局", True, "adequate")]
    call_command("export", "projects", str(tmp_path / "out.xlsx"), "--user", user_a.username)
    capsys.readouterr()
    call_command("import", "projects", str(tmp_path / "out.xlsx"), "--user", user_a.username)
    assert "新增 0，更新 0，未变 2" in capsys.readouterr().out
