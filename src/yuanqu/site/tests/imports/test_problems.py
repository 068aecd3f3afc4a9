"""A bad file: every problem reported at once (Excel row, header as written, value, reason in Chinese and
English), the command fails, and nothing at all is written."""

from __future__ import annotations

import pytest
from django.core.management.base import CommandError

from yuanqu.core.importing.pipeline import run_import
from yuanqu.enterprises.importers import EnterpriseImporter, EnterpriseYearImporter
from yuanqu.enterprises.testing import make_enterprise_year
from yuanqu.site.tests.imports.conftest import YEAR_HEADERS, counts, run, write_xlsx


def bad_code(code: str) -> str:
    """The code with a wrong check character."""
    return code[:-1] + ("1" if code[-1] != "1" else "2")


def bad_year_rows(enterprise_a, unknown_code):
    good = enterprise_a.uscc
    blank = [None] * 10
    return [
        ["企业亩均效益年度数据（2024 年）"],
        YEAR_HEADERS,
        [bad_code(good), "甲精密", 2024, "是", 10, 100, *blank[:8]],  # row 3: check character
        [unknown_code, "不存在", 2024, "是", 10, 100, *blank[:8]],  # row 4: unknown enterprise
        [good, "甲精密", 2021, "是", -5, 100, *blank[:8]],  # row 5: negative land
        [good, "甲精密", 2022, "是", 10, 100, *blank[:8]],  # row 6
        [good, "甲精密", 2022, "否", 12, 90, *blank[:8]],  # row 7: duplicate of row 6
        [good, "甲精密", 1900, "是", 10, 100, *blank[:8]],  # row 8: year 1900
        [good, "甲精密", 2023, "是", 10, "abc", *blank[:8]],  # row 9: text in a number column
        [good, "甲精密", 2024, "也许", 10, 100, *blank[:8]],  # row 10: not a flag
    ]


EXPECTED_YEAR_PROBLEMS = [
    (3, "统一社会信用代码", "the check character of the credit code is wrong"),
    (4, "统一社会信用代码", "no enterprise with this credit code (among your zones); import the enterprise list first"),
    (5, "用地面积(亩)", "may not be negative"),
    (7, "统一社会信用代码", "same enterprise and year as row 6"),
    (8, "年度", "the year must be 1949–2100"),
    (9, "实缴税收(万元)", "not a number"),
    (10, "是否规上", "not yes/no; accepted: 是/否, Y/N, yes/no, true/false, 1/0, √/×, 有/无"),
]


def test_every_problem_of_a_bad_file_is_reported_and_nothing_written(tmp_path, enterprise_a, uscc):
    make_enterprise_year(enterprise_a, 2020)
    path = write_xlsx(tmp_path / "bad.xlsx", bad_year_rows(enterprise_a, uscc(9999)))
    before = counts()

    report = run_import(EnterpriseYearImporter(), path)

    assert [(p.row, p.column, p.reason_en) for p in report.problems] == EXPECTED_YEAR_PROBLEMS
    by_row = {p.row: p for p in report.problems}
    assert by_row[3].value == bad_code(enterprise_a.uscc)
    assert by_row[3].reason_zh == "统一社会信用代码校验位错误"
    assert (by_row[5].value, by_row[5].reason_zh) == ("-5", "不能为负数")
    assert (by_row[8].value, by_row[8].reason_zh) == ("1900", "年度应在 1949–2100 之间")
    assert (by_row[9].value, by_row[9].reason_zh) == ("abc", "不是数字")
    assert by_row[7].reason_zh == "与第 6 行的企业和年度重复"
    assert not report.written
    assert counts() == before


def test_the_command_lists_every_problem_on_stderr_and_fails(tmp_path, enterprise_a, uscc):
    path = write_xlsx(tmp_path / "bad.xlsx", bad_year_rows(enterprise_a, uscc(9999)))
    before = counts()
    with pytest.raises(CommandError) as error:
        run("import", "enterprise-years", str(path))
    assert (
        str(error.value)
        == "bad.xlsx：8 行，发现 7 个问题，未写入任何数据 / 8 rows, 7 problem(s) found, nothing written"
    )
    assert counts() == before


def test_problem_lines_name_row_header_value_and_both_languages(tmp_path, enterprise_a, uscc, capsys):
    path = write_xlsx(tmp_path / "bad.xlsx", bad_year_rows(enterprise_a, uscc(9999)))
    report = run_import(EnterpriseYearImporter(), path)
    line = next(line for line in report.lines() if "abc" in line)
    assert line == (
        "问题 / problem: 第 9 行，列「实缴税收(万元)」，值“abc”：不是数字 | "
        "row 9, column 实缴税收(万元), value 'abc': not a number"
    )


def test_enterprise_file_problems_all_at_once(tmp_path, zone_a, enterprise_a, uscc):
    rows = [
        ["统一社会信用代码", "企业名称", "所属园区", "行业代码"],
        [bad_code(uscc(31)), "甲一有限公司", "A001", "C3981"],  # row 2
        [uscc(32), "甲二有限公司", "不存在的园区", "3981"],  # row 3
        [uscc(33), "甲三有限公司", "A001", "9999"],  # row 4
        [uscc(34), "甲四有限公司", "A001", "C2651"],  # row 5
        [uscc(34), "甲四有限公司（重复）", "甲经济开发区", "C2651"],  # row 6
        [uscc(35), None, "A001", "C2651"],  # row 7
    ]
    path = write_xlsx(tmp_path / "enterprises.xlsx", rows)
    before = counts()
    report = run_import(EnterpriseImporter(), path)
    assert [(p.row, p.column, p.value, p.reason_en) for p in report.problems] == [
        (2, "统一社会信用代码", bad_code(uscc(31)), "the check character of the credit code is wrong"),
        (3, "所属园区", "不存在的园区", "no zone with this code or name (among your zones)"),
        (4, "行业代码", "9999", "no such industry division 99 (GB/T 4754-2017 has 01–97)"),
        (6, "统一社会信用代码", uscc(34), "same code as row 5"),
        (7, "企业名称", None, "required value is empty"),
    ]
    assert counts() == before


def test_a_file_missing_a_required_column_is_refused_as_a_whole(tmp_path, enterprise_a):
    path = write_xlsx(tmp_path / "no-year.xlsx", [["统一社会信用代码", "实缴税收(万元)"], [enterprise_a.uscc, 10]])
    report = run_import(EnterpriseYearImporter(), path)
    assert [(p.row, p.column, p.reason_en) for p in report.problems] == [(1, "年度", "required column missing")]


def test_a_header_only_file_is_refused(tmp_path, db):
    path = write_xlsx(tmp_path / "empty.xlsx", [YEAR_HEADERS])
    report = run_import(EnterpriseYearImporter(), path)
    assert [(p.row, p.reason_en) for p in report.problems] == [(None, "the file has no data rows")]
