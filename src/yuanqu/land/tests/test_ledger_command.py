"""`yuanqu land ledger`: the workbook read back, the user's restriction, and bad input."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("land", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_ledger_writes_every_parcel_with_status_reason_and_totals(tmp_path, land_world):
    target = tmp_path / "ledger.xlsx"
    out, err = run("ledger", "--as-of", "2025-03-02", "--out", str(target))
    assert "已写入 5 宗地块到 ledger.xlsx" in out.splitlines()[-1]
    assert "闲置 2 宗 30.00 亩" in out
    assert "writing the land ledger: 5/5 (100%)" in err
    book = openpyxl.load_workbook(target)
    sheet = book["地块台账"]
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    by_code = {row[1]: row for row in rows}
    assert len(rows) == 5
    idle = by_code["甲-XZ-001"]
    assert idle[0] == "甲经济开发区"
    assert idle[2] == "工业用地"
    assert idle[3] == pytest.approx(15.0)
    assert idle[4] == "闲置"
    assert "2025-03-02 起闲置" in idle[5]
    assert idle[6] == dt.datetime(2025, 3, 2)
    assert idle[8] == dt.datetime(2025, 3, 2)
    assert idle[9] == pytest.approx(200.0)
    assert idle[10] == dt.datetime(2026, 3, 2)
    assert by_code["甲-ZF-002"][4] == "供而未用"
    assert by_code["甲-YJ-003"][4] == "用而未尽"
    assert by_code["甲-PH-004"][4] == "已盘活"
    totals = list(book["汇总"].iter_rows(min_row=2, values_only=True))
    assert ("乙高新技术产业开发区", "闲置", 1, pytest.approx(15.0)) in totals
    assert ("合计", "闲置", 2, pytest.approx(30.0)) in totals
    assert ("甲经济开发区", "已盘活", 1, pytest.approx(15.0)) in totals


def test_ledger_for_a_user_of_zone_a_holds_nothing_of_zone_b(tmp_path, land_world, user_a):
    target = tmp_path / "a.xlsx"
    run("ledger", "--as-of", "2025-03-02", "--user", user_a.username, "--out", str(target))
    book = openpyxl.load_workbook(target)
    cells = [str(c) for sheet in book for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    assert not [c for c in cells if "乙" in c]
    assert len(list(book["地块台账"].iter_rows(min_row=3))) == 4


def test_ledger_of_a_zone_the_user_cannot_see_is_refused(tmp_path, land_world, user_a, zone_b):
    with pytest.raises(CommandError, match="no such zone"):
        run(
            "ledger",
            "--as-of",
            "2025-03-02",
            "--user",
            user_a.username,
            "--zone",
            zone_b.code,
            "--out",
            str(tmp_path / "b.xlsx"),
        )


@pytest.mark.parametrize("bad", ["2025-13-01", "yesterday", "2025/03/02"])
def test_bad_date_is_refused_in_both_languages(tmp_path, db, bad):
    with pytest.raises(CommandError, match=r"日期无效.*invalid date"):
        run("ledger", "--as-of", bad, "--out", str(tmp_path / "x.xlsx"))


def test_output_must_be_xlsx(tmp_path, db):
    with pytest.raises(CommandError, match="xlsx"):
        run("ledger", "--as-of", "2025-03-02", "--out", str(tmp_path / "x.csv"))


@pytest.mark.parametrize("args", [(), ("--days", "7")])
def test_warm_tiles_says_it_moved_to_the_map_command(db, args):
    with pytest.raises(CommandError, match=r"已移至 `yuanqu map warm-tiles.*moved to `yuanqu map warm-tiles"):
        run("warm-tiles", *args)
