"""The shipped chains: every link's classes are GB/T 4754-2017 classes, every preset loads; the chain import
(problems naming row, column, value and reason; nothing written), its template and its export re-importing."""

from __future__ import annotations

import csv

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from yuanqu.analytics.chains import split_list
from yuanqu.analytics.industry import class_codes
from yuanqu.chains.importers import ChainImporter, export_rows
from yuanqu.chains.models import Chain, ChainNode
from yuanqu.chains.presets import PRESETS, load_preset
from yuanqu.core.importing.pipeline import run_import
from yuanqu.site.tests.imports.conftest import read_xlsx, run, write_xlsx

HEADERS = ["产业链", "环节编号", "环节名称", "上级环节编号", "环节类型", "行业代码", "关键词", "园区"]


@pytest.mark.parametrize("item", PRESETS, ids=lambda p: p.key)
def test_every_preset_link_names_real_classes(item):
    known = class_codes()
    with item.path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert rows, item.key
    assert {row["产业链"] for row in rows} == {item.name}
    codes = {row["环节编号"] for row in rows}
    for row in rows:
        assert set(split_list(row["行业代码"])) <= known, (item.key, row["环节编号"], row["行业代码"])
        assert row["环节类型"] in ("上游", "中游", "下游")
        assert not row["上级环节编号"] or row["上级环节编号"] in codes
        # A link without sub-links is identified by classes or keywords.
        if not any(other["上级环节编号"] == row["环节编号"] for other in rows):
            assert row["行业代码"] or row["关键词"], (item.key, row["环节编号"])
    assert item.judgement.startswith("yuanqu 的判断")


def test_six_presets_load_for_a_zone_and_reload_unchanged(zone_a):
    assert len(PRESETS) == 6
    for item in PRESETS:
        load_preset(item, zones=[zone_a])
    assert Chain.objects.count() == 6
    battery = Chain.objects.get(name="动力电池")
    assert list(battery.zones.all()) == [zone_a]
    assert battery.description.startswith("yuanqu 的判断")
    cell = ChainNode.objects.get(chain=battery, code="M1")
    assert (cell.parent.code, cell.position, cell.industry_codes) == ("M", "midstream", "3841")
    count = ChainNode.objects.count()
    load_preset(PRESETS[0], zones=[zone_a])
    assert ChainNode.objects.count() == count


def test_presets_command_refuses_without_a_zone_and_loads_with_one(zone_a, capsys):
    with pytest.raises(CommandError):
        call_command("chains", "presets")
    call_command("chains", "presets", "--zone", "A001", "--only", "biomedicine")
    assert list(Chain.objects.values_list("name", flat=True)) == ["生物医药"]


def test_import_creates_a_chain_with_nested_links(tmp_path, zone_a, user_a):
    rows = [
        HEADERS,
        ["光伏", "U", "材料", None, "上游", None, None, "A001"],
        ["光伏", "U1", "硅料", "U", "上游", "3218", "多晶硅，工业硅", None],
        ["光伏", "M1", "组件", None, "中游", "3825", "光伏组件", None],
    ]
    report = run_import(ChainImporter(), write_xlsx(tmp_path / "c.xlsx", rows), user=user_a)
    assert report.ok, report.lines()
    chain = Chain.objects.get(name="光伏")
    assert list(chain.zones.all()) == [zone_a]
    u1 = ChainNode.objects.get(chain=chain, code="U1")
    assert (u1.parent.code, u1.industry_codes, u1.keywords) == ("U", "3218", "多晶硅,工业硅")


def test_import_problems_name_row_column_value_and_write_nothing(tmp_path, zone_a, zone_b, user_a):
    rows = [
        HEADERS,
        ["光伏", "U1", "硅料", None, "上游", "3218,3845", None, "A001"],  # row 2: no class 3845
        ["光伏", "U2", "银浆", "X9", "上游", None, "银浆", None],  # row 3: unknown parent
        ["光伏", "U2", "银浆", None, "上游", None, "银浆", None],  # row 4: repeats row 3
        ["光伏", "M1", "组件", None, "左游", None, None, None],  # row 5: not a position
        ["风电", "M1", "风机", None, "中游", "3415", None, "B001"],  # row 6: zone B is not user A's
    ]
    report = run_import(ChainImporter(), write_xlsx(tmp_path / "c.xlsx", rows), user=user_a)
    found = sorted((p.row, p.column, p.value, p.reason_en) for p in report.problems)
    assert (2, "行业代码", "3218,3845", "not four-digit GB/T 4754-2017 classes: 3845") in found
    assert (3, "上级环节编号", "X9", "no such parent link") in found
    assert (4, "环节编号", "U2", "same link as row 3") in found
    assert any(row == 5 and column == "环节类型" for row, column, _v, _r in found)
    assert any(row == 6 and column == "园区" for row, column, _v, _r in found)
    assert not report.ok
    assert not Chain.objects.exists() and not ChainNode.objects.exists()


def test_template_headers_and_export_reimports_unchanged(tmp_path, zone_a):
    path = tmp_path / "t.xlsx"
    run("template", "chains", str(path))
    assert read_xlsx(path)[1] == [
        "产业链",
        "环节编号",
        "环节名称",
        "上级环节编号",
        "环节类型",
        "行业代码",
        "关键词",
        "园区",
        "链长",
    ]
    load_preset(PRESETS[0], zones=[zone_a])
    rows = list(export_rows())
    assert rows[0]["chain"] == "动力电池" and rows[0]["code"] == "U"
    assert {r["code"]: r["parent"] for r in rows}["U2"] == "U"
    out = tmp_path / "chains.xlsx"
    run("export", "chains", str(out))
    report = run_import(ChainImporter(), out)
    assert report.ok, report.lines()
    assert (report.created, report.updated, report.unchanged) == (0, 0, 16)
