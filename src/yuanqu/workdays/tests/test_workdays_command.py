"""`yuanqu workdays add|between` on the seeded calendar, pinned to the 2025 National Day and 2026 Spring Festival.

2025: 1–8 October off; Sunday 28 September and Saturday 11 October worked (调休).
2026: 15–23 February off; Saturday 14 February and Saturday 28 February worked.
"""

from __future__ import annotations

import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("workdays", *args, stdout=out)
    return out.getvalue()


def test_one_workday_after_national_day_eve_is_9_october():
    assert run("add", "2025-09-30", "1").splitlines()[0] == (
        "2025-09-30（星期二） 后第 1 个工作日：2025-10-09（星期四） / "
        "1 working days after 2025-09-30: 2025-10-09 (Thursday)"
    )


def test_make_up_sunday_before_national_day_is_a_workday():
    assert "2025-09-28（星期日）" in run("add", "2025-09-26", "1")


def test_make_up_saturday_after_national_day_is_counted():
    # 28, 29, 30 September, then 9, 10, 11 October.
    assert run("between", "2025-09-26", "2025-10-11").startswith("2025-09-26 至 2025-10-11 共 6 个工作日")


def test_spring_festival_2026_make_up_saturdays():
    assert "2026-02-14（星期六）" in run("add", "2026-02-13", "1")
    # 14 February, then 24–27 February, then Saturday 28 February.
    assert "共 6 个工作日" in run("between", "2026-02-13", "2026-02-28")
    assert "2026-02-24（星期二）" in run("add", "2026-02-14", "1")


def test_negative_count_goes_back_across_the_holiday():
    assert "2025-10-09（星期四） 前第 1 个工作日：2025-09-30（星期二）" in run("add", "2025-10-09", "-1")


def test_between_backwards_is_negative():
    assert "共 -6 个工作日" in run("between", "2025-10-11", "2025-09-26")


def test_no_warning_inside_published_years():
    assert len(run("add", "2025-09-26", "60").splitlines()) == 1


def test_unpublished_year_adds_a_bilingual_warning():
    lines = run("add", "2026-12-20", "10").splitlines()
    assert "2027-01-01（星期五）" in lines[0]
    assert lines[1].startswith("注意：2027 年放假安排尚未公布")
    assert "the holiday notice for 2027 is not published" in lines[1]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("add", "2025-13-01", "1"), "日期无效（应为 YYYY-MM-DD）：2025-13-01 / invalid date"),
        (("add", "2025-09-30", "三"), "工作日天数应为整数：三 / the number of working days must be an integer"),
        (("between", "2025-09-30", "tomorrow"), "截止日期无效（应为 YYYY-MM-DD）：tomorrow / invalid end date"),
    ],
)
def test_bad_input_is_a_bilingual_error(args, message):
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        run(*args)


def test_command_line_exits_non_zero_on_bad_date():
    # The date is checked before the calendar is read, so no database is needed here.
    result = subprocess.run(
        [sys.executable, "-m", "yuanqu.cli", "workdays", "add", "2025-02-30", "1"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "日期无效" in result.stderr


def test_seed_restores_a_deleted_year_and_reports_it():
    from yuanqu.workdays.models import CalendarDay, CalendarYear

    CalendarDay.objects.filter(date__year=2026).delete()
    CalendarYear.objects.filter(year=2026).update(published=False)
    assert "2026-02-14（星期六）" not in run("add", "2026-02-13", "1")
    assert run("seed", "2026,2027").startswith(
        "已写入放假安排的年份：2026 / years stored from the holiday notices: 2026"
    )
    assert "2026-02-14（星期六）" in run("add", "2026-02-13", "1")
    assert CalendarYear.objects.get(year=2027).published is False


def test_missing_arguments_are_a_bilingual_error():
    with pytest.raises(CommandError, match="用法：yuanqu workdays add DATE N / usage"):
        run("add", "2025-09-30")
