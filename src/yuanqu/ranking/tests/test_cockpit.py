"""The ranking app's cockpit sections: the reported figures January to the month against the same months of last
year, "未报送" for a zone that has not reported the month (and then no total), and the zones' latest ranking with
its arrows, as far as the user may see it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from yuanqu.core.cockpit import NOT_REPORTED, Period
from yuanqu.dashboard.cockpit import scope_for
from yuanqu.ranking import selectors
from yuanqu.ranking.cockpit import KEY_FIGURES, build_ranking, build_reported
from yuanqu.ranking.models import ZoneMonth, ZoneYear

MAY = Period(2026, 5, dt.date(2026, 12, 7))


@pytest.fixture
def reports(zone_a, zone_b):
    """Zone A reported April and May of both years; zone B April this year (not May) and May last year."""
    for zone, year, month, gdp, tax in [
        (zone_a, 2026, 4, "800", "80"),
        (zone_a, 2026, 5, "1100", "110"),
        (zone_a, 2025, 4, "700", "70"),
        (zone_a, 2025, 5, "1000", "100"),
        (zone_b, 2026, 4, "500", "50"),
        (zone_b, 2025, 5, "400", None),
    ]:
        ZoneMonth.objects.create(
            zone=zone, year=year, month=month, gdp=Decimal(gdp), tax_revenue=None if tax is None else Decimal(tax)
        )


def figures(section) -> dict:
    return {figure.key: figure for figure in section.figures}


def test_a_zone_that_has_not_reported_the_month_shows_not_reported_and_no_total(reports, city_admin):
    section = build_reported(scope=scope_for(city_admin), period=MAY)
    gdp = figures(section)["reported_gdp"]
    assert gdp.value is None and gdp.missing == NOT_REPORTED
    assert gdp.note == "2个园区中1个已报送5月数据"
    table = section.tables[0]
    assert table.key == "reported-figures"
    a_row, b_row = table.rows
    assert a_row.cells[:5] == ["A001", "甲经济开发区", Decimal("1100"), Decimal("1000"), Decimal("10")]
    # Zone B: nothing for May (its April figure is not shown instead), last year's May is there.
    assert b_row.cells[:5] == ["B001", "乙高新技术产业开发区", NOT_REPORTED, Decimal("400"), None]
    assert table.total.cells[2:4] == [NOT_REPORTED, Decimal("1400")]
    assert "2个园区中1个已报送5月数据" in table.note
    assert section.fresh == "数据截至5月"


def test_reported_table_columns(reports, city_admin):
    table = build_reported(scope=scope_for(city_admin), period=MAY).tables[0]
    labels = [str(column.label) for column in table.columns]
    assert labels[:5] == [
        "园区代码",
        "园区名称",
        "地区生产总值 本年累计",
        "地区生产总值 上年同期",
        "地区生产总值 同比(%)",
    ]
    assert len(labels) == 2 + 3 * len(KEY_FIGURES)


def test_a_zone_user_sees_its_zone_like_for_like(reports, zone_a, user_a):
    section = build_reported(scope=scope_for(user_a), period=MAY)
    found = figures(section)
    assert (found["reported_gdp"].value, found["reported_gdp"].previous) == (Decimal("1100"), Decimal("1000"))
    assert found["reported_gdp"].change == Decimal("10")
    assert found["reported_tax_revenue"].value == Decimal("110")
    assert [row.cells[0] for row in section.tables[0].rows] == ["A001"]
    assert section.url == f"/ranking/zones/{zone_a.pk}/figures/?year=2026"
    # The zone figures page's January–May cell is the same report and the same change.
    months, lines = selectors.month_table(user=user_a, zone=zone_a, year=2026)
    cell = next(line for line in lines if line.figure.key == "gdp").cells[months.index(5)]
    assert (cell.value, cell.change * 100) == (found["reported_gdp"].value, found["reported_gdp"].change)


def test_zone_b_user_sees_not_reported(reports, user_b):
    found = figures(build_reported(scope=scope_for(user_b), period=MAY))
    assert found["reported_gdp"].missing == NOT_REPORTED
    assert found["reported_gdp"].note == ""  # one zone: nothing to count
    april = figures(build_reported(scope=scope_for(user_b), period=Period(2026, 4, dt.date(2026, 12, 7))))
    assert april["reported_gdp"].value == Decimal("500")


def test_the_total_is_shown_once_every_zone_reported(reports, zone_b, city_admin):
    ZoneMonth.objects.create(zone=zone_b, year=2026, month=5, gdp=Decimal("600"), tax_revenue=Decimal("60"))
    section = build_reported(scope=scope_for(city_admin), period=MAY)
    gdp = figures(section)["reported_gdp"]
    assert (gdp.value, gdp.previous, gdp.missing) == (Decimal("1700"), Decimal("1400"), "")
    assert section.tables[0].total.cells[2:4] == [Decimal("1700"), Decimal("1400")]
    assert section.tables[0].note == "同比为与上年1–5月相比。"
    # Last year's May tax of zone B was not reported: no total to compare with.
    assert figures(section)["reported_tax_revenue"].previous is None


def test_cumulative_lines_by_month(reports, user_a):
    section = build_reported(scope=scope_for(user_a), period=MAY)
    line = next(chart for chart in section.charts if chart.key == "reported-gdp")
    assert line.series[0].values == [None, None, None, 800.0, 1100.0, *[None] * 7]
    assert line.series[1].values[3:5] == [700.0, 1000.0]


# --- ranking ----------------------------------------------------------------------------------------------------


def test_ranking_with_arrows_for_the_city(world, city_admin):
    section = build_ranking(scope=scope_for(city_admin), period=MAY)
    table = section.tables[0]
    assert table.key == "ranking"
    cells = {row.cells[2]: row for row in table.rows}
    # 2025 provincial: P 82, C 80, A 70, D 25; 2024: A 1, P 2, C 3, D 4.
    assert cells["甲经济开发区"].cells[1:] == [3, "甲经济开发区", 70.0, "▼2"]
    assert cells["甲经济开发区"].marks[4] == "red"
    assert cells["丙经济开发区"].cells[4] == "▲1" and cells["丙经济开发区"].marks[4] == "green"
    assert cells["澄江临港经济开发区"].cells[1] == 1
    assert cells["戊经济技术开发区"].cells[1] is None  # vetoed
    chart = section.charts[0]
    assert chart.kind == "hbar"
    position = chart.categories.index("甲经济开发区")
    assert (chart.series[0].values[position], chart.extra["arrows"][position]) == (70.0, "▼2")
    # The same rows as the run's page.
    page = selectors.ranking_results(run=world.runs[2025], user=city_admin)
    assert [row.cells[2] for row in table.rows] == [row.result.name for row in page]


def test_a_zone_user_sees_only_its_rank_unless_the_city_opened_the_ranking(world, user_a):
    section = build_ranking(scope=scope_for(user_a), period=MAY)
    assert [row.cells[2] for row in section.tables[0].rows] == ["甲经济开发区"]
    rank = figures(section)["zone_rank"]
    assert (rank.value, rank.note) == (3, "组内4个 ▼2")
    run = world.runs[2025]
    run.others_visible = True
    run.save()
    opened = build_ranking(scope=scope_for(user_a), period=MAY)
    rows = {row.cells[2]: row for row in opened.tables[0].rows}
    assert rows["丙经济开发区"].cells[1] == 2
    assert rows["丙经济开发区"].cells[4] == ""  # the other zones' change is not the zone user's to see
    assert rows["甲经济开发区"].cells[4] == "▼2"


def test_no_ranking_section_before_any_run(zone_a, city_admin):
    assert build_ranking(scope=scope_for(city_admin), period=MAY) is None


def test_the_system_sees_every_zone(reports):
    section = build_reported(scope=scope_for(None), period=Period(2026, 4, dt.date(2026, 12, 7)))
    gdp = figures(section)["reported_gdp"]
    # April: A 800 and B 500 this year; last April only A reported, so there is no total to compare with.
    assert (gdp.value, gdp.previous, gdp.change) == (Decimal("1300"), None, None)


def test_the_years_figures_stand_for_a_december_not_reported_monthly(reports, zone_a, user_a):
    ZoneYear.objects.create(zone=zone_a, year=2025, gdp=Decimal("2500"))
    ZoneMonth.objects.create(zone=zone_a, year=2026, month=12, gdp=Decimal("2600"))
    december = Period(2026, 12, dt.date(2027, 1, 20))
    gdp = figures(build_reported(scope=scope_for(user_a), period=december))["reported_gdp"]
    assert (gdp.value, gdp.previous) == (Decimal("2600"), Decimal("2500"))
    # November last year has no year's figure to stand for it.
    november = figures(build_reported(scope=scope_for(user_a), period=Period(2026, 11, dt.date(2027, 1, 20))))
    assert november["reported_gdp"].previous is None


def test_no_section_where_nothing_was_reported(zone_a, city_admin):
    assert build_reported(scope=scope_for(city_admin), period=MAY) is None
