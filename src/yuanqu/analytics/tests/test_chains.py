"""Chain coverage: matching by class and keyword, nested counting without double counting, corrections, gaps."""

from __future__ import annotations

import polars as pl
import pytest

from yuanqu.analytics.chains import coverage, direct_matches, split_list

# 1 电池 (midstream) ⊃ 2 电芯, 3 电池管理系统; 4 正极材料 (upstream); 5 回收 (downstream)
NODES = pl.DataFrame(
    {
        "node_id": [1, 2, 3, 4, 5],
        "parent_id": [None, 1, 1, None, None],
        "code": ["B", "B1", "B2", "U1", "D1"],
        "classes": [["3841"], ["3841"], [], ["3985", "2613"], ["4210"]],
        "keywords": [[], ["电芯"], ["电池管理系统", "BMS"], ["正极材料"], []],
    }
)
FIRMS = pl.DataFrame(
    {
        "enterprise_id": [10, 11, 12, 13, 14],
        "industry_code": ["3841", "3670", "3985", "3841", "3312"],
        "main_products": ["动力电池、电芯", "电池管理系统、车灯", "负极材料", None, "bms 控制板"],
        "revenue": [1000.0, 500.0, 200.0, None, 50.0],
        "tax": [100.0, 30.0, 20.0, None, 5.0],
        "land_mu": [50.0, 10.0, 10.0, None, 0.0],
        "grade": ["A", "B", "C", None, "D"],
    }
)


def by_code(table: pl.DataFrame) -> dict[str, dict]:
    return {row["code"]: row for row in table.iter_rows(named=True)}


def test_split_list_takes_chinese_and_ascii_separators():
    assert split_list("3841, 3849，2613、3841") == ["3841", "3849", "2613"]
    assert split_list(None) == []


def test_firms_match_by_class_or_by_keyword_in_main_products():
    matches = direct_matches(NODES, FIRMS)
    assert sorted(matches.iter_rows()) == [
        (1, 10, "class"),
        (1, 13, "class"),
        (2, 10, "class"),
        (2, 13, "class"),
        (3, 11, "keyword"),
        (3, 14, "keyword"),  # "bms" matches "BMS": case does not matter
        (4, 12, "class"),
    ]


def test_a_link_counts_its_sub_links_firms_once_with_their_figures():
    links, members = coverage(NODES, FIRMS, weak_below=3)
    rows = by_code(links)
    # B holds 10 and 13 by class and 11, 14 through B2; 10 is in B and B1 and counted once.
    assert rows["B"]["firms"] == 4
    assert rows["B"]["direct_firms"] == 2
    assert rows["B"]["revenue"] == pytest.approx(1550.0)
    assert rows["B"]["tax"] == pytest.approx(135.0)
    assert rows["B"]["tax_per_mu"] == pytest.approx(135.0 / 60.0)  # 14 reports 0 mu, 13 none
    assert (rows["B"]["grade_A"], rows["B"]["grade_B"], rows["B"]["grade_D"]) == (1, 1, 1)
    assert members.filter(pl.col("node_id") == 1)["enterprise_id"].to_list() == [10, 11, 13, 14]
    assert (rows["U1"]["firms"], rows["U1"]["weak"], rows["U1"]["gap"]) == (1, True, False)
    assert (rows["D1"]["firms"], rows["D1"]["gap"], rows["D1"]["weak"]) == (0, True, False)
    assert rows["D1"]["revenue"] is None and rows["D1"]["tax_per_mu"] is None
    assert (rows["B"]["weak"], rows["B"]["gap"]) == (False, False)


def test_corrections_include_and_exclude_over_the_match():
    corrections = pl.DataFrame(
        {"node_id": [2, 5, 5], "enterprise_id": [13, 12, 999], "decision": ["exclude", "include", "include"]}
    )
    links, members = coverage(NODES, FIRMS, corrections, weak_below=2)
    rows = by_code(links)
    assert members.filter(pl.col("node_id") == 2)["enterprise_id"].to_list() == [10]
    # 13 stays on B by its own class match; 999 is no known firm and is left out.
    assert members.filter(pl.col("node_id") == 1)["enterprise_id"].to_list() == [10, 11, 13, 14]
    assert members.filter(pl.col("node_id") == 5).select("enterprise_id", "by").rows() == [(12, "manual")]
    assert (rows["D1"]["gap"], rows["D1"]["weak"]) == (False, True)
    assert (rows["B1"]["firms"], rows["B1"]["weak"]) == (1, True)


def test_threshold_per_link_from_a_column():
    nodes = NODES.with_columns(pl.Series("weak_below", [5, 1, 1, 1, 1]))
    rows = by_code(coverage(nodes, FIRMS, weak_below="weak_below")[0])
    assert rows["B"]["weak"] is True
    assert rows["B1"]["weak"] is False


def test_no_firms_at_all_makes_every_link_a_gap():
    empty = pl.DataFrame(schema={"enterprise_id": pl.Int64, "industry_code": pl.String, "main_products": pl.String})
    links, members = coverage(NODES, empty)
    assert links["gap"].to_list() == [True] * 5
    assert members.height == 0
