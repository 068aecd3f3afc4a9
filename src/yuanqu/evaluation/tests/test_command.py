"""`yuanqu evaluate mujun`: the stored run, the printed summary, the public list and refusals."""

import io

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from yuanqu.evaluation.models import EvaluationResult, EvaluationRun


def evaluate(*args) -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command("evaluate", "mujun", *args, stdout=out, stderr=err)
    return out.getvalue()


def test_command_grades_the_fixture_under_huangyan(evaluation_world, tmp_path):
    target = tmp_path / "list.xlsx"
    output = evaluate("--method", "huangyan-2022", "--year", "2024", "--out", str(target))
    run = EvaluationRun.objects.get()
    graded = {r.enterprise.name: (r.grade, round(r.total, 3), r.rank) for r in EvaluationResult.objects.filter(run=run)}
    # 甲2 (twice the base figures on 10 mu): 24.6/24.097×30 + 136.16/136.16×20 + 4/2.694×20
    #   + 6808/4929.81×10 + 27.232/18.14×10 + 0.015/0.0302×10 = 30.627 + 20 + 29.696 + 13.810 + 15.012 + 4.967
    assert graded["甲2号制造有限公司"] == ("B", 114.111, 3)
    assert graded["甲1号制造有限公司"] == ("C", 59.539, 5)
    assert graded["乙1号科技有限公司"] == ("A", 168.683, 1)  # tied with 乙2: both rank 1, both A
    assert graded["甲热电有限公司"][0] == "T"  # a utility (division 44) is not graded
    assert "规上企业: A 2，B 2，C 2" in output
    assert f"评价运行 #{run.pk}" in output
    book = openpyxl.load_workbook(target)
    sheet = book.worksheets[0]
    values = [row for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert values[0][1] == "A" and values[0][5] == pytest.approx(168.683, abs=0.001)
    assert [v[1] for v in values] == ["A", "A", "B", "B", "C", "C", "T"]


def test_command_for_one_zone_as_its_user(evaluation_world, user_a, tmp_path):
    evaluate("--method", "huangyan-2022", "--year", "2024", "--user", user_a.username)
    run = EvaluationRun.objects.get()
    assert run.zone.code == "A001"
    assert run.enterprise_count == 5


def test_bad_method_file_is_refused_with_its_line(db, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\nyear = 2024\nbogus_field = 1\n', encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        evaluate("--method", str(bad), "--year", "2024")
    assert "第 3 行（bogus_field）：未知的键 bogus_field" in str(caught.value)
    assert "line 3 (bogus_field): unknown key" in str(caught.value)


def test_unknown_preset_and_bad_year_are_refused(db):
    with pytest.raises(CommandError, match=r"未知的预置方法或文件：nowhere.*unknown preset or file"):
        evaluate("--method", "nowhere", "--year", "2024")
    with pytest.raises(CommandError, match=r"年度无效.*invalid year"):
        evaluate("--method", "huangyan-2022", "--year", "20x4")


def test_year_without_data_is_a_clear_error(db):
    with pytest.raises(CommandError, match="2024 年没有可评价的企业数据"):
        evaluate("--method", "huangyan-2022", "--year", "2024")


def test_command_for_one_zone_by_code(evaluation_world, zone_b):
    output = evaluate("--method", "huangyan-2022", "--year", "2024", "--zone", "B001")
    run = EvaluationRun.objects.get()
    assert run.zone == zone_b and run.enterprise_count == 2
    assert "规上企业: B 2" in output  # a group of two, tied: 20 % of 2 rounds to no A


def test_command_refuses_a_zone_the_user_cannot_see(evaluation_world, user_a):
    with pytest.raises(CommandError, match="没有这个园区：B001 / no such zone: B001"):
        evaluate("--method", "huangyan-2022", "--year", "2024", "--zone", "B001", "--user", user_a.username)
