"""A spreadsheet as a zone office really sends it imports, with every conversion stated in the report."""

from __future__ import annotations

from decimal import Decimal

import pytest

from yuanqu.core.importing.pipeline import run_import
from yuanqu.enterprises.importers import EnterpriseYearImporter
from yuanqu.enterprises.models import EnterpriseYear
from yuanqu.enterprises.testing import make_enterprise
from yuanqu.site.tests.imports.conftest import run, write_xlsx


def messy_workbook(path, codes):
    """Two title rows, a two-row header with merged cells, full-width brackets and spaces, tax in 元 and
    revenue in 亿元, numbers as text with separators and full-width digits, 是/否, Y/N and 1/0, blank rows,
    and a 合计 row at the bottom."""
    rows = [
        ["2024 年度 工业企业亩均效益评价基础数据表", None, None, None, None, None, None, None],
        ["填报单位：甲经济开发区管委会（盖章）", None, None, None, None, "填报日期：2025年3月", None, None],
        ["统一社会\n信用代码", "企业 名称", "年 度", "是否规上", "用地面积（亩）", "经济指标", None, "从业人员（人）"],
        [None, None, None, None, None, "实缴税收（元）", "营业收入（亿元）", None],
        [codes[0], "甲精密机械有限公司", 2024, "是", "50", "12,345,678", 1.5, "１２０"],
        [None, None, None, None, None, None, None, None],
        [codes[1], "甲新材料有限公司", "2024", "Y", 30.5, 8000000, "0.85", 45],
        [codes[2], "甲食品有限公司", 2024, "N", "１２.５", "1,200,000.50", "０.０２", "18"],
        [codes[3], "甲电子有限公司", "２０２４", 1, " 80 ", 990000, 2, "1,200"],
        [codes[4], "甲包装有限公司", 2024, 0, 12, "0", "0.001", 6],
        [None, None, None, None, None, None, None, None],
        ["合计", None, None, None, "=SUM(E5:E10)", 34535678.5, 4.371, 1389],
    ]
    merges = ["A1:H1", "A3:A4", "B3:B4", "C3:C4", "D3:D4", "E3:E4", "F3:G3", "H3:H4"]
    return write_xlsx(path, rows, merges=merges)


@pytest.fixture
def five_enterprises(zone_a, uscc):
    return [make_enterprise(zone_a, f"甲企业{n}", uscc=uscc(700 + n)) for n in range(5)]


def test_messy_spreadsheet_imports_with_exact_values(tmp_path, five_enterprises):
    codes = [e.uscc for e in five_enterprises]
    path = messy_workbook(tmp_path / "亩均效益数据（2024）.xlsx", codes)

    out, _err = run("import", "enterprise-years", str(path))

    stored = {y.enterprise.uscc: y for y in EnterpriseYear.objects.select_related("enterprise")}
    first, second, third, fourth, fifth = (stored[code] for code in codes)
    assert (first.year, first.above_scale, first.land_mu) == (2024, True, Decimal("50.0000"))
    assert first.tax == Decimal("1234.5678")  # 12,345,678 元
    assert first.revenue == Decimal("15000.0000")  # 1.5 亿元
    assert first.employees == 120  # full-width digits
    assert (second.above_scale, second.land_mu, second.tax, second.revenue) == (
        True,
        Decimal("30.5000"),
        Decimal("800.0000"),
        Decimal("8500.0000"),
    )
    assert (third.above_scale, third.land_mu, third.tax, third.revenue, third.employees) == (
        False,
        Decimal("12.5000"),
        Decimal("120.0001"),  # 1,200,000.50 元, rounded half up to 4 places
        Decimal("200.0000"),
        18,
    )
    assert (fourth.year, fourth.above_scale, fourth.land_mu, fourth.tax, fourth.employees) == (
        2024,
        True,
        Decimal("80.0000"),
        Decimal("99.0000"),
        1200,
    )
    assert (fifth.above_scale, fifth.tax, fifth.revenue) == (False, Decimal("0.0000"), Decimal("10.0000"))
    assert EnterpriseYear.objects.count() == 5

    lines = out.splitlines()
    assert "说明 / note: 表头在第 3–4 行 / header found at rows 3–4" in lines
    assert any("1 元 = 0.0001 万元" in line and "实缴税收" in line for line in lines)
    assert any("1 亿元 = 10000 万元" in line and "营业收入" in line for line in lines)
    assert "跳过 / skipped: 第 12 行 合计行 / row 12: total row" in lines
    assert lines[-1].startswith("亩均效益数据（2024）.xlsx：5 行，新增 5，更新 0，未变 0，跳过 1 / 5 rows, 5 created")


def test_messy_spreadsheet_report_names_the_conversions(tmp_path, five_enterprises):
    path = messy_workbook(tmp_path / "messy.xlsx", [e.uscc for e in five_enterprises])
    report = run_import(EnterpriseYearImporter(), path, dry_run=True)
    assert report.ok, report.problems
    assert report.rows == 5
    assert report.skipped == [(12, "合计行", "total row")]
    conversions = [en for _zh, en in report.notes if "converted" in en]
    assert conversions == [
        "实缴税收（元） converted: 1 元 = 0.0001 万元",
        "营业收入（亿元） converted: 1 亿元 = 10000 万元",
    ]
    assert EnterpriseYear.objects.count() == 0  # a dry run writes nothing
