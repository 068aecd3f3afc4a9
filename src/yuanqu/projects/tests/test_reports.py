"""The monthly report as xlsx (page download and `yuanqu projects report`): the page's numbers, size-class
edges at 1, 10, 20 and 100 亿元, targets with share and colour, and zone restriction."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from yuanqu.projects.models import Stage
from yuanqu.projects.testing import make_project
from yuanqu.targets.models import Target
from yuanqu.zones.testing import make_zone

D = dt.date
SIGNED = [(Stage.NEGOTIATING, D(2025, 1, 6)), (Stage.SIGNED, D(2025, 4, 8))]


@pytest.fixture
def edges(zone_a, zone_b):
    """Projects signed in April 2025 just under and exactly at each size edge; some started in May."""
    sub = make_zone("甲光电产业园", code="A001-S", parent=zone_a)
    for name, investment in (
        ("甲九千项目", "9999.9999"),
        ("甲一亿项目", "10000"),
        ("甲近十亿项目", "99999.9999"),
        ("甲十亿项目", "100000"),
        ("甲近二十亿项目", "199999.9999"),
        ("甲二十亿项目", "200000"),
        ("甲百亿项目", "1000000"),
    ):
        make_project(zone_a, name, history=SIGNED, total_investment=investment)
    make_project(
        sub,
        "甲园中园项目",
        history=[*SIGNED, (Stage.STARTED, D(2025, 5, 12))],
        total_investment="150000",
    )
    make_project(
        zone_a,
        "甲竣工项目",
        history=[(Stage.SIGNED, D(2024, 3, 1)), (Stage.STARTED, D(2024, 6, 1)), (Stage.COMPLETED, D(2025, 5, 30))],
        total_investment="30000",
    )
    make_project(zone_b, "乙百亿项目", history=SIGNED, total_investment="1000000")
    Target.objects.create(zone=zone_a, year=2025, indicator="signed_count", value=10)
    Target.objects.create(zone=zone_a, year=2025, indicator="started_count", value=2)
    Target.objects.create(zone=zone_a, year=2025, indicator="signed_investment", value=Decimal("3000000"))
    Target.objects.create(zone=zone_b, year=2025, indicator="signed_count", value=99)


def sheet_rows(data: bytes) -> list[tuple]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return list(book["月度统计"].iter_rows(values_only=True))


def table_of(rows: list[tuple]) -> dict[tuple[str, str], tuple]:
    start = rows.index(("阶段", "规模", "本月个数", "本月总投资（亿元）", "本年累计个数", "本年累计总投资（亿元）"))
    table = {}
    for row in rows[start + 1 :]:
        if row[0] is None:
            break
        table[(row[0], row[1])] = row[2:6]
    return table


def targets_of(rows: list[tuple]) -> dict[str, tuple]:
    start = rows.index(("指标", "目标值", "完成", "完成比例", "时间进度", "状态"))
    return {row[0]: row[1:6] for row in rows[start + 1 :] if row[0]}


def test_download_holds_the_page_numbers_at_the_size_edges(client, edges, zone_a, user_a):
    client.force_login(user_a)
    query = {"zone": zone_a.pk, "year": 2025, "month": 5}
    page = client.get("/projects/statistics/", query)
    assert page.status_code == 200
    assert 'id="statistics-export"' in page.content.decode()
    response = client.get("/projects/statistics/export/", query)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="project-statistics-A001-2025-05.xlsx"'
    rows = sheet_rows(response.content)
    assert rows[0][0] == "甲经济开发区 2025 年 5 月招商项目月度统计"
    table = table_of(rows)
    assert len(table) == 15  # 3 stages × (all + 4 size classes)
    for row in page.context["rows"]:
        key = (str(row["stage_label"]), str(row["size_class"] or "全部"))
        assert table[key] == (
            row["month_count"],
            pytest.approx(float(row["month_investment_yi"])),
            row["year_count"],
            pytest.approx(float(row["year_investment_yi"])),
        )
    # Signed this year: 8 in A and its sub-park (the 2024 one is not new); the edges count as reached.
    assert table[("签约", "全部")][2:] == (8, pytest.approx(176.9999997))
    assert [table[("签约", c)][2] for c in ("1亿元以上", "10亿元以上", "20亿元以上", "100亿元以上")] == [7, 5, 2, 1]
    assert table[("签约", "全部")][:2] == (0, 0)  # nothing signed in May
    assert table[("开工", "10亿元以上")] == (1, pytest.approx(15.0), 1, pytest.approx(15.0))
    assert table[("竣工", "1亿元以上")] == (1, pytest.approx(3.0), 1, pytest.approx(3.0))
    targets = targets_of(rows)
    assert targets["新签约亿元以上项目数"] == (10, 7, pytest.approx(0.7), pytest.approx(151 / 365), "正常")
    assert targets["新开工亿元以上项目数"][:3] == (2, 1, pytest.approx(0.5))
    assert targets["新签约项目总投资（万元）"][:3] == (3000000, pytest.approx(1769999.9997), pytest.approx(0.59))
    assert len(targets) == 3  # B's target is not A's


def test_download_refuses_a_zone_of_b(client, edges, zone_b, user_a):
    client.force_login(user_a)
    response = client.get("/projects/statistics/export/", {"zone": zone_b.pk, "year": 2025, "month": 5})
    assert response.status_code == 400
    assert zone_b.name not in response.content.decode()


def test_command_writes_the_same_workbook_as_the_page(client, edges, zone_a, user_a, tmp_path, capsys):
    out = tmp_path / "月报.xlsx"
    call_command("projects", "report", "--zone", "A001", "--year", "2025", "--month", "5", "--out", str(out))
    assert "本月新签约 0 个" in capsys.readouterr().out
    client.force_login(user_a)
    page = client.get("/projects/statistics/export/", {"zone": zone_a.pk, "year": 2025, "month": 5})
    assert table_of(sheet_rows(out.read_bytes())) == table_of(sheet_rows(page.content))
    assert targets_of(sheet_rows(out.read_bytes())) == targets_of(sheet_rows(page.content))


def test_command_refuses_bad_input_and_other_zones(edges, user_a, tmp_path):
    base = ["projects", "report", "--year", "2025", "--month", "5"]
    with pytest.raises(CommandError, match="no such zone: B001"):
        call_command(*base, "--zone", "B001", "--user", user_a.username, "--out", str(tmp_path / "x.xlsx"))
    with pytest.raises(CommandError, match="invalid month: 13"):
        call_command("projects", "report", "--zone", "A001", "--year", "2025", "--month", "13", "--out", "x.xlsx")
    with pytest.raises(CommandError, match=r"must be an \.xlsx file"):
        call_command(*base, "--zone", "A001", "--out", str(tmp_path / "x.csv"))
    assert not (tmp_path / "x.xlsx").exists()
