"""The projects' section of the cockpit: January–N and the month against the same months of last year, the monthly
table, the pipeline by size, the cumulative lines, the zones side by side and the deadlines overdue by leader, as
the statistics and pipeline pages count them, and only of the zones the user sees."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from yuanqu.core.cockpit import Period
from yuanqu.dashboard.cockpit import scope_for
from yuanqu.projects.cockpit import build
from yuanqu.projects.models import Stage, StageDeadline
from yuanqu.projects.selectors import pipeline
from yuanqu.projects.statistics import monthly_table
from yuanqu.projects.testing import make_project
from yuanqu.zones.testing import make_zone

D = dt.date
MAY = Period(2026, 5, D(2026, 12, 7))


@pytest.fixture
def ledger(zone_a, zone_b):
    sub = make_zone("甲光电产业园", code="A001-S", parent=zone_a)
    # This year: 1.5 亿元 signed in March (in the sub-park), 0.5 亿元 signed in May, 25 亿元 signed in January and
    # started in May.
    make_project(sub, "甲三月", history=[(Stage.SIGNED, D(2026, 3, 10))], total_investment="15000", leader="王市长")
    make_project(zone_a, "甲五月小", history=[(Stage.SIGNED, D(2026, 5, 20))], total_investment="5000")
    make_project(
        zone_a,
        "甲大项目",
        history=[(Stage.SIGNED, D(2026, 1, 5)), (Stage.STARTED, D(2026, 5, 6))],
        total_investment="250000",
        foreign_investment=Decimal("800"),
    )
    # Last year: 2 亿元 signed in March, 3 亿元 signed in July (after May: not like for like), 1.2 亿元 in May.
    make_project(zone_a, "甲去年三月", history=[(Stage.SIGNED, D(2025, 3, 3))], total_investment="20000")
    make_project(zone_a, "甲去年五月", history=[(Stage.SIGNED, D(2025, 5, 9))], total_investment="12000")
    make_project(zone_a, "甲去年七月", history=[(Stage.SIGNED, D(2025, 7, 1))], total_investment="30000")
    # Zone B: 90 亿元 signed in April.
    make_project(zone_b, "乙项目", history=[(Stage.SIGNED, D(2026, 4, 2))], total_investment="900000")
    return sub


def figures(section) -> dict:
    return {figure.key: figure for figure in section.figures}


def table(section, key):
    return next(t for t in section.tables if t.key == key)


def chart(section, key):
    return next(c for c in section.charts if c.key == key)


def test_january_to_may_against_the_same_months_of_last_year(ledger, zone_a, user_a):
    section = build(scope=scope_for(user_a), period=MAY)
    found = figures(section)
    # ≥ 1 亿元 signed: March (1.5 亿) and January (25 亿) this year; March and May last year, July not counted.
    assert (found["signed_count"].value, found["signed_count"].previous) == (2, 2)
    assert found["signed_investment"].value == Decimal("270000")  # 15000 + 5000 + 250000
    assert found["signed_investment"].previous == Decimal("32000")  # 20000 + 12000, not the July 30000
    assert (found["started_count"].value, found["started_count"].previous) == (1, 0)
    assert found["foreign_investment"].value == Decimal("800")


def test_this_month_against_the_same_month_of_last_year(ledger, user_a):
    found = figures(build(scope=scope_for(user_a), period=MAY))
    # May: only the 0.5 亿元 project signed (below 1 亿元); last May the 1.2 亿元 one.
    assert (found["signed_count_month"].value, found["signed_count_month"].previous) == (0, 1)
    assert (found["signed_investment_month"].value, found["signed_investment_month"].previous) == (5000, 12000)
    assert (found["started_count_month"].value, found["started_count_month"].previous) == (1, 0)
    assert found["signed_count_month"].change == Decimal(-100)


def test_monthly_table_is_the_statistics_page_table(ledger, zone_a, user_a):
    section = build(scope=scope_for(user_a), period=MAY)
    rows = table(section, "projects-monthly").rows
    page = monthly_table(user=user_a, zone=zone_a, year=2026, month=5)
    assert [row.cells[2:] for row in rows] == [
        [r["month_count"], r["month_investment_yi"], r["year_count"], r["year_investment_yi"]] for r in page
    ]
    signed_all = rows[0].cells
    assert signed_all[2:] == [1, Decimal("0.5"), 3, Decimal("27")]
    signed_20 = next(row.cells for row in rows if row.cells[0] == "签约" and row.cells[1] == "20亿元以上")
    assert signed_20[4] == 1


def test_pipeline_by_stage_and_size(ledger, user_a):
    section = build(scope=scope_for(user_a), period=MAY)
    funnel = chart(section, "projects-funnel")
    counts = dict(zip(funnel.categories, funnel.series[0].values, strict=True))
    board = {column["label"]: column["count"] for column in pipeline(user=user_a)}
    assert counts["签约"] == board["签约"] == 5
    assert counts["开工"] == board["开工"] == 1
    by_size = chart(section, "projects-stage-size")
    assert [s.name for s in by_size.series] == ["1亿元以下", "1–10亿元", "10–20亿元", "20–100亿元", "100亿元以上"]
    signed = by_size.categories.index("签约")
    # Signed today in zone A: 0.5, 1.5, 2, 1.2 and 3 亿元.
    assert [s.values[signed] for s in by_size.series] == [1, 4, 0, 0, 0]
    started = by_size.categories.index("开工")
    assert [s.values[started] for s in by_size.series] == [0, 0, 0, 1, 0]


def test_cumulative_lines_this_year_to_may_against_last_year(ledger, user_a):
    section = build(scope=scope_for(user_a), period=MAY)
    lines = chart(section, "projects-signed-cumulative")
    assert lines.categories[0] == "1月" and len(lines.categories) == 12
    now, before = lines.series
    assert now.name == "2026" and before.name == "2025"
    assert now.values == [1, 1, 2, 2, 2, *[None] * 7]
    assert before.values == [0, 0, 1, 1, 2, 2, 3, 3, 3, 3, 3, 3]
    money = chart(section, "projects-investment-cumulative")
    assert money.series[0].values[:5] == [25.0, 25.0, 26.5, 26.5, 27.0]


def test_a_zone_user_sees_only_its_zone(ledger, user_b):
    section = build(scope=scope_for(user_b), period=MAY)
    found = figures(section)
    assert (found["signed_count"].value, found["signed_investment"].value) == (1, Decimal("900000"))
    assert found["signed_count"].previous == 0
    assert not any(t.key == "projects-by-zone" for t in section.tables)


def test_city_sees_the_zones_side_by_side(ledger, zone_a, zone_b, city_admin):
    section = build(scope=scope_for(city_admin), period=MAY)
    rows = table(section, "projects-by-zone").rows
    assert [row.cells[:2] for row in rows] == [["甲经济开发区", 2], ["乙高新技术产业开发区", 1]]
    assert rows[0].url.endswith(f"zone={zone_a.pk}")
    assert table(section, "projects-by-zone").total.cells[1] == 3
    assert figures(section)["signed_count"].value == 3


def test_deadlines_overdue_by_leader(ledger, user_a):
    StageDeadline.objects.update(active=False)  # the shipped rules aside: one rule counted by hand
    StageDeadline.objects.update_or_create(
        from_stage=Stage.SIGNED,
        to_stage=Stage.STARTED,
        defaults={"days": 30, "unit": StageDeadline.Unit.CALENDAR, "label": "签约到开工", "active": True},
    )
    section = build(scope=scope_for(user_a), period=MAY)
    late = chart(section, "projects-late")
    # At 31 May, signed more than 30 days ago and not started: 甲三月 (王市长), and last year's three (no leader).
    assert late.categories == ["未指定挂钩领导", "王市长"]
    assert late.series[0].values == [3, 1]
    rows = table(section, "projects-late").rows
    wang = next(row for row in rows if row.cells[0] == "王市长")
    assert wang.cells[1:6] == ["甲三月", "甲光电产业园", "签约到开工", D(2026, 4, 9), "52天"]
    assert all(row.cells[1] != "乙项目" for row in rows)


def test_no_late_items_without_deadline_rules(ledger, user_a):
    StageDeadline.objects.update(active=False)
    section = build(scope=scope_for(user_a), period=MAY)
    assert "projects-late" not in {t.key for t in section.tables} | {c.key for c in section.charts}


def test_the_system_sees_every_zone(ledger):
    """The monthly report run without a user (``--user`` not given) counts every zone."""
    section = build(scope=scope_for(None), period=MAY)
    assert figures(section)["signed_count"].value == 3
    assert [row.cells[1] for row in table(section, "projects-by-zone").rows] == [2, 1]
