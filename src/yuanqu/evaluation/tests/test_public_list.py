"""The public list (公示名单) xlsx: every cell of every sheet, for the city and for a zone's user."""

import io

import openpyxl
import pytest
from django.utils import translation

from yuanqu.enterprises.testing import make_enterprise, make_enterprise_year
from yuanqu.evaluation.exporting import write_public_list
from yuanqu.evaluation.services import preset_method, run_evaluation

from .conftest import STARTED


@pytest.fixture
def run(evaluation_world, zone_b, city_admin):
    # Below scale on 2 mu: in no group of the Huangyan method, listed on a sheet of its own.
    small = make_enterprise(zone_b, "乙小微企业", uscc="91330000SMALL0001X", production_started_on=STARTED)
    make_enterprise_year(small, 2024, above_scale=False, land_mu=2)
    return run_evaluation(method=preset_method(name="huangyan-2022"), year=2024, user=city_admin)


def cells(user, run) -> tuple[int, dict[str, list[tuple]]]:
    buffer = io.BytesIO()
    with translation.override("zh-hans"):  # the headers and sheet names are in the active language
        written = write_public_list(buffer, run=run, user=user)
    book = openpyxl.load_workbook(buffer)
    return written, {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}


def uscc(evaluation_world, key, n=None):
    enterprise = evaluation_world[key] if n is None else evaluation_world[key][n]
    return enterprise.uscc


def test_public_list_cells_for_the_city(run, evaluation_world, city_admin, zone_a, zone_b):
    written, sheets = cells(city_admin, run)
    assert written == 8
    assert list(sheets) == ["规上企业", "未分组"]  # the list opens on the graded group; no group comes last
    title = ("黄岩区 2022 年度工业企业亩均效益综合评价",)
    header = ("组别", "等级", "统一社会信用代码", "企业名称", "所属园区", "总分", "组内排名")
    rows = sheets["规上企业"]
    assert rows[0][0] == f"2024 {title[0]}" and rows[1] == header
    body = [(r[0], r[1], r[2], r[3], r[4], None if r[5] is None else round(r[5], 3), r[6]) for r in rows[2:]]
    b1, b2 = sorted([uscc(evaluation_world, "b", 0), uscc(evaluation_world, "b", 1)])
    names_b = {e.uscc: e.name for e in evaluation_world["b"]}
    a = [e.uscc for e in evaluation_world["a"]]
    expected_head = [
        ("规上企业", "A", b1, names_b[b1], zone_b.name, 168.683, 1),
        ("规上企业", "A", b2, names_b[b2], zone_b.name, 168.683, 1),
        ("规上企业", "B", a[1], "甲2号制造有限公司", zone_a.name, 114.111, 3),
    ]
    assert body[:3] == expected_head
    assert [(r[1], r[3], r[6]) for r in body[3:]] == [
        ("B", "甲4号制造有限公司", 4),
        ("C", "甲1号制造有限公司", 5),
        ("C", "甲3号制造有限公司", 6),
        ("T", "甲热电有限公司", None),
    ]
    assert body[4][5] == 59.539 and body[6][5] is not None  # the utility's total is shown for reference
    # Out of scope: no group label, no grade, no total, no rank (blank cells).
    assert sheets["未分组"][2:] == [("未分组", None, "91330000SMALL0001X", "乙小微企业", zone_b.name, None, None)]


def test_public_list_of_a_zone_user_holds_only_the_zone(run, user_a):
    written, sheets = cells(user_a, run)
    assert written == 5
    assert list(sheets) == ["规上企业"]
    assert [r[3] for r in sheets["规上企业"][2:]] == [
        "甲2号制造有限公司",
        "甲4号制造有限公司",
        "甲1号制造有限公司",
        "甲3号制造有限公司",
        "甲热电有限公司",
    ]
    assert {r[4] for r in sheets["规上企业"][2:]} == {"甲经济开发区"}
