"""The cockpit's pages (/cockpit/ and its big screen): the sections' figures with their like-for-like change,
the period and the zone chosen by parameters that never fail, drill-down within the user's zones only, and every
kind of table and chart a section may describe."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone

from yuanqu.accounts.testing import make_user
from yuanqu.core import registry
from yuanqu.core.access import Role
from yuanqu.core.cockpit import (
    AMBER,
    GREEN,
    NOT_REPORTED,
    Chart,
    Column,
    Figure,
    Row,
    Section,
    Series,
    Table,
)
from yuanqu.projects.models import Stage
from yuanqu.projects.testing import make_project
from yuanqu.zones.testing import make_zone


def signed(zone, name, on, investment=20000):
    return make_project(zone, name, history=[(Stage.SIGNED, on)], total_investment=investment)


@pytest.fixture
def ledger(zone_a, zone_b):
    """Projects of 1 亿元 (10,000 万元) or more signed: in A three from January to June 2025 (and one in July), two
    from January to June 2024 (and one in November); in B one in April 2025 and none in 2024."""
    for on in (dt.date(2025, 3, 3), dt.date(2025, 5, 9), dt.date(2025, 6, 30), dt.date(2025, 7, 1)):
        signed(zone_a, f"甲签约项目{on:%m%d}", on)
    for on in (dt.date(2024, 2, 1), dt.date(2024, 6, 15), dt.date(2024, 11, 5)):
        signed(zone_a, f"甲去年项目{on:%m%d}", on)
    signed(zone_a, "甲小项目", dt.date(2025, 4, 1), investment=5000)  # under 1 亿元: counted in investment only
    signed(zone_b, "乙签约项目", dt.date(2025, 4, 20), investment=30000)


@pytest.fixture
def leader(db):
    return make_user("leader_all", Role.LEADER)


def figure_html(html: str, section: str, key: str) -> str:
    match = re.search(rf'<a class="cockpit-figure[^"]*" id="figure-{section}-{key}".*?</a>', html, re.S)
    assert match, f"no figure {section}/{key}"
    return match.group(0)


def number(card: str) -> str:
    return re.search(r'<span class="number">([^<]*)</span>', card).group(1)


def test_projects_signed_from_january_to_june_with_their_change_against_last_years_same_months(client, leader, ledger):
    client.force_login(leader)
    html = client.get("/cockpit/", {"year": 2025, "month": 6}).content.decode()
    card = figure_html(html, "projects", "signed_count")
    # A: March, May, June 30 (July is outside); B: April. Last year January–June: February and June in A.
    assert number(card) == "4"
    assert '<span class="change up" title="同比">▲ 同比 +100.0%</span>' in card
    assert "上年同期 2 个" in card
    assert 'href="/projects/statistics/?year=2025&amp;month=6"' in card
    investment = figure_html(html, "projects", "signed_investment")
    # 3 × 20,000 + 5,000 (the small one) + 30,000 in B; last year 2 × 20,000.
    assert number(investment) == "95,000"
    assert "+137.5%" in investment and "上年同期 40,000 万元" in investment
    assert 'id="cockpit-period">2025 年 1–6 月<' in html
    # The city sees its zones side by side, each a way down to its own cockpit.
    drill = html[html.index('id="zone-drill"') :]
    assert drill.index("甲经济开发区") < drill.index("乙高新技术产业开发区")


def test_a_zone_drilled_into_shows_its_own_figures_and_the_way_back(client, leader, ledger, zone_a):
    sub = make_zone("甲一园", parent=zone_a)
    signed(sub, "分园签约项目", dt.date(2025, 2, 2))
    client.force_login(leader)
    html = client.get("/cockpit/", {"year": 2025, "month": 6, "zone": zone_a.pk}).content.decode()
    assert number(figure_html(html, "projects", "signed_count")) == "4"  # A's three and its sub-park's one
    assert "+100.0%" in figure_html(html, "projects", "signed_count")
    crumbs = html[html.index('id="cockpit-crumbs"') :]
    crumbs = crumbs[: crumbs.index("</nav>")]
    assert '<a href="/cockpit/?year=2025&amp;month=6">全市</a>' in crumbs
    assert '<span aria-current="page">甲经济开发区</span>' in crumbs
    assert f'<a href="/cockpit/?year=2025&amp;month=6&amp;zone={sub.pk}">甲一园</a>' in html  # one level down
    assert "乙高新技术产业开发区" not in html
    assert f'name="zone" value="{zone_a.pk}"' in html  # the period form keeps the zone


def test_the_zone_table_rows_drill_into_each_zone(client, leader, ledger, zone_a, zone_b):
    client.force_login(leader)
    html = client.get("/cockpit/", {"year": 2025, "month": 6}).content.decode()
    table = html[html.index('id="table-projects-projects-by-zone"') :]
    table = table[: table.index("</table>")]
    assert f'<tr data-drill="/cockpit/?year=2025&amp;month=6&amp;zone={zone_a.pk}">' in table
    assert f'<a href="/cockpit/?year=2025&amp;month=6&amp;zone={zone_b.pk}" class="drill"' in table
    total = table[table.index("<tfoot>") :]
    assert re.findall(r'<td class="num">([^<]*)</td>', total)[:2] == ["4", "0"]


@pytest.mark.parametrize(
    "params",
    [
        {"year": "abc", "month": "13"},
        {"year": "9" * 20, "month": "0"},
        {"year": "١٢", "month": "²"},
        {"year": "", "month": "", "zone": "x" * 200 + "\x00"},
        {"zone": "9" * 20},
        {"zone": "0"},
    ],
)
@pytest.mark.parametrize("url", ["/cockpit/", "/cockpit/screen/"])
def test_bad_parameters_fall_back_to_the_current_month_and_the_whole_scope(client, leader, ledger, params, url):
    client.force_login(leader)
    response = client.get(url, params)
    assert response.status_code == 200
    today = timezone.localdate()
    html = response.content.decode()
    period = f"{today.year} 年 1–{today.month} 月" if today.month > 1 else f"{today.year} 年 1 月"
    assert period in html
    if url == "/cockpit/":
        assert "乙高新技术产业开发区" in html and "甲经济开发区" in html
    else:
        assert "<h1>全市 · 数据大屏</h1>" in html


def test_a_zone_user_sees_only_its_zone_and_cannot_drill_into_another(client, ledger, zone_a, zone_b):
    user = make_user("staff_of_a", Role.ZONE_STAFF, zones=[zone_a])
    client.force_login(user)
    for url in ("/cockpit/", "/cockpit/screen/"):
        for params in ({"year": 2025, "month": 6}, {"year": 2025, "month": 6, "zone": zone_b.pk}):
            response = client.get(url, params)
            html = response.content.decode()
            assert response.status_code == 200
            assert "乙" not in html  # zone B's name, its project, nothing of it
            assert "全部园区" in html or "甲经济开发区" in html
            if url == "/cockpit/":
                assert number(figure_html(html, "projects", "signed_count")) == "3"
                assert "+50.0%" in figure_html(html, "projects", "signed_count")
            else:
                assert re.search(
                    r'id="screen-figure-projects-signed_count".*?<span class="number">3</span>', html, re.S
                )


def test_a_user_without_zones_sees_no_cockpit(client, zone_a):
    user = make_user("nobody", Role.ZONE_STAFF)
    client.force_login(user)
    html = client.get("/cockpit/").content.decode()
    assert 'id="cockpit-empty"' in html and "data-section" not in html
    assert 'href="/cockpit/"' not in client.get("/").content.decode()


def test_the_menu_and_the_home_page_lead_to_the_cockpit(client, leader):
    client.force_login(leader)
    html = client.get("/").content.decode()
    assert '<a class="card cockpit-card" id="cockpit-card" href="/cockpit/">' in html
    assert '<a href="/cockpit/">驾驶舱</a>' in html
    client.cookies["django_language"] = "en"
    html = client.get("/").content.decode()
    assert '<a href="/cockpit/">Cockpit</a>' in html


# --- a section of every kind, registered for these tests only ---------------------------------------------------

SQUARE = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {"name": "东片"},
            "geometry": {"type": "Polygon", "coordinates": [[[120, 31], [120.1, 31], [120.1, 31.1], [120, 31]]]},
        }
    ],
}


def every_kind(*, scope, period):
    """Figures (one missing, one against a target), a table with marks and a total, a chart of every kind."""
    figures = [
        Figure(
            "reported", "上报产值", Decimal("1234.5"), "亿元", places=1, previous=Decimal("1000"), fresh="数据截至6月"
        ),
        Figure("late", "未报送园区产值", None, "亿元", missing=NOT_REPORTED),
        Figure("paced", "目标项目", 6, "个", target=10, colour=AMBER, url="/projects/"),
        Figure("fell", "下降指标", Decimal("80"), "%", places=2, previous=Decimal("100")),
        Figure("grade", "评价等级", "A", previous="B", target=1),  # text: shown as it is, no change
    ]
    table = Table(
        "marks",
        "带标记的表",
        [Column("园区", numeric=False), Column("得分", "分", 2), Column("位次", numeric=False)],
        [Row([zone.name, Decimal("91.5"), "1"], url="/zones/", marks=["", GREEN, 2]) for zone in scope.zones],
        total=Row(["合计", Decimal("183"), ""]),
        note="表注",
    )
    months = ["1月", "2月", "3月"]
    charts = [
        Chart("bars", "柱状", "bar", ["甲", "乙"], [Series("本年", [1, 2]), Series("上年", [2, 1])], unit="个"),
        Chart(
            "hbars", "条形", "hbar", ["甲", "乙"], [Series("得分", [Decimal("91.5"), 80])], extra={"arrows": [2, -1]}
        ),
        Chart("lines", "累计", "line", months, [Series("本年", [1, 3, 6]), Series("上年", [1, 2, None])]),
        Chart("pie", "等级", "pie", ["A", "B", "C"], [Series("企业数", [3, 5, 2])]),
        Chart("funnel", "阶段", "funnel", ["签约", "开工", "竣工"], [Series("项目数", [9, 5, 2])]),
        Chart(
            "stacked",
            "堆叠",
            "bar",
            ["甲", "乙"],
            [
                Series("闲置", [1, 2], stack="land"),
                Series("低效", [3, 4], stack="land"),
                Series("合计", [4, 6], kind="line"),
            ],
        ),
        Chart("map", "闲置土地", "map", ["东片"], [Series("亩", [12])], unit="亩", extra={"geojson": SQUARE}),
    ]
    return Section(
        "every-kind",
        "全部种类",
        figures=figures,
        tables=[table],
        charts=charts,
        source="测试",
        fresh="今天",
        url="/zones/",
    )


def tables_only(*, scope, period):
    table = Table("only", "只有表", [Column("名称", numeric=False), Column("数", "个")], [Row(["一", 1])])
    return Section("tables-only", "只有表的部分", tables=[table])


def charts_only(*, scope, period):
    chart = Chart("only", "只有图", "pie", ["甲"], [Series("数", [1])])
    return Section("charts-only", "只有图的部分", charts=[chart])


@pytest.fixture
def test_sections():
    items = [
        registry.CockpitSection("every-kind", "全部种类", every_kind, order=1),
        registry.CockpitSection("tables-only", "只有表", tables_only, order=2),
        registry.CockpitSection("charts-only", "只有图", charts_only, order=3),
    ]
    for item in items:
        registry.cockpit_sections.register(item)
    yield
    for item in items:
        registry.cockpit_sections.unregister(item.key)


OURS = ("chart-every-kind-", "chart-charts-only-")  # the test sections' charts, beside those of the apps


def chart_blocks(html: str) -> dict[str, dict]:
    blocks = re.findall(r'<script id="(chart-[^"]+)-data" type="application/json">(.*?)</script>', html, re.S)
    return {key: json.loads(text) for key, text in blocks}


def test_a_section_of_every_kind_renders_its_figures_tables_and_charts(client, leader, zone_a, zone_b, test_sections):
    client.force_login(leader)
    html = client.get("/cockpit/", {"year": 2025, "month": 6}).content.decode()
    order = [html.index(f'id="section-{key}"') for key in ("every-kind", "tables-only", "charts-only", "projects")]
    assert order == sorted(order)
    reported = figure_html(html, "every-kind", "reported")
    assert number(reported) == "1,234.5" and '<span class="unit">亿元</span>' in reported
    assert "▲ 同比 +23.5%" in reported and "上年同期 1,000.0 亿元" in reported and "数据截至6月" in reported
    late = figure_html(html, "every-kind", "late")
    assert "missing" in late and number(late) == "未报送" and "unit" not in late
    paced = figure_html(html, "every-kind", "paced")
    assert "pace-amber" in paced and "目标 10 个 · 完成 60.0%" in paced and 'href="/projects/"' in paced
    assert '<span class="change down" title="同比">▼ 同比 -20.0%</span>' in figure_html(html, "every-kind", "fell")
    grade = figure_html(html, "every-kind", "grade")
    assert number(grade) == "A" and "上年同期 B" in grade and "change" not in grade
    table = html[html.index('id="table-every-kind-marks"') :]
    table = table[: table.index("</table>")]
    assert '<th class="num">得分（分）</th>' in table
    assert '<td class="num mark-green">91.50</td>' in table and '<span class="arrow up">▲2</span>' in table
    assert '<tfoot><tr class="total"><td class="">合计</td><td class="num">183.00</td>' in table
    assert 'id="table-tables-only-only"' in html and 'id="chart-charts-only-only"' in html
    charts = {key: chart for key, chart in chart_blocks(html).items() if key.startswith(OURS)}
    kinds = {key: chart["kind"] for key, chart in charts.items()}
    assert kinds == {
        "chart-every-kind-bars": "bar",
        "chart-every-kind-hbars": "hbar",
        "chart-every-kind-lines": "line",
        "chart-every-kind-pie": "pie",
        "chart-every-kind-funnel": "funnel",
        "chart-every-kind-stacked": "bar",
        "chart-every-kind-map": "map",
        "chart-charts-only-only": "pie",
    }
    assert charts["chart-every-kind-hbars"]["series"][0]["values"] == [91.5, 80]
    assert charts["chart-every-kind-hbars"]["extra"] == {"arrows": [2, -1]}
    assert charts["chart-every-kind-lines"]["series"][1]["values"] == [1, 2, None]
    assert [s["stack"] for s in charts["chart-every-kind-stacked"]["series"]] == ["land", "land", ""]
    assert charts["chart-every-kind-stacked"]["series"][2]["kind"] == "line"
    assert charts["chart-every-kind-map"]["extra"]["geojson"]["features"][0]["properties"] == {"name": "东片"}
    assert "<script>" not in html  # data only in json_script blocks, code only in files


def test_the_big_screen_shows_the_same_numbers_and_refreshes_itself(client, leader, ledger, test_sections):
    client.force_login(leader)
    page = client.get("/cockpit/", {"year": 2025, "month": 6}).content.decode()
    screen = client.get("/cockpit/screen/", {"year": 2025, "month": 6}).content.decode()
    assert '<meta http-equiv="refresh" content="300">' in screen
    assert 'data-theme="dark"' in screen
    for section, key in (("projects", "signed_count"), ("projects", "signed_investment"), ("every-kind", "reported")):
        shown = re.search(rf'id="screen-figure-{section}-{key}".*?<span class="number">([^<]*)</span>', screen, re.S)
        assert shown.group(1) == number(figure_html(page, section, key))
    panels = len(re.findall(r'<section class="screen-panel', screen))
    columns = 2 if panels <= 4 else 3 if panels <= 6 else 4
    assert f"--columns: {columns};" in screen  # two by two up to four sections, then three, then four a row
    shown = {key for key in chart_blocks(screen) if key.startswith(OURS)}
    if columns <= 2:
        assert shown == {
            "chart-every-kind-bars",
            "chart-every-kind-hbars",
            "chart-every-kind-lines",
            "chart-charts-only-only",
        }
    else:  # panels three or four a row show two charts each
        assert shown == {"chart-every-kind-bars", "chart-every-kind-hbars", "chart-charts-only-only"}
    assert 'href="/cockpit/screen/?year=2025&amp;month=6"' in page


def test_the_monthly_report_buttons_appear_once_the_report_exists(client, leader, ledger, settings, zone_a):
    client.force_login(leader)
    settings.ROOT_URLCONF = "yuanqu.dashboard.tests.report_urls_without"
    html = client.get("/cockpit/", {"year": 2025, "month": 6, "zone": zone_a.pk}).content.decode()
    assert "report-link" not in html and 'id="screen-link"' in html
    settings.ROOT_URLCONF = "yuanqu.dashboard.tests.report_urls"
    html = client.get("/cockpit/", {"year": 2025, "month": 6, "zone": zone_a.pk}).content.decode()
    assert f'action="/cockpit/report/?year=2025&amp;month=6&amp;zone={zone_a.pk}&amp;format=docx"' in html
    assert f'action="/cockpit/report/?year=2025&amp;month=6&amp;zone={zone_a.pk}&amp;format=xlsx"' in html


def test_the_cockpit_in_english(client, leader, ledger, test_sections):
    client.force_login(leader)
    client.cookies["django_language"] = "en"
    html = client.get("/cockpit/", {"year": 2025, "month": 6}).content.decode()
    assert "<h1>Cockpit" in html
    assert 'id="cockpit-period">2025, months 1–6<' in html
    card = figure_html(html, "projects", "signed_count")
    assert "same months last year" in card.lower()
    screen = client.get("/cockpit/screen/", {"year": 2025, "month": 6}).content.decode()
    assert "Big screen" in screen


def test_a_target_sits_beside_its_figure_with_its_share_and_the_colour_of_its_pace(
    client, leader, zone_a, test_sections
):
    def targets(*, scope, period):
        return {"reported": (Decimal("2000"), GREEN)}

    # As registry.CockpitTargets (whose ``order``, which every registry item needs, another branch adds).
    registry.cockpit_targets.register(SimpleNamespace(key="test-targets", targets=targets, order=100))
    try:
        client.force_login(leader)
        html = client.get("/cockpit/", {"year": 2025, "month": 6}).content.decode()
        card = figure_html(html, "every-kind", "reported")
        assert "pace-green" in card and "目标 2,000.0 亿元 · 完成 61.7%" in card  # 1,234.5 of 2,000
        screen = client.get("/cockpit/screen/", {"year": 2025, "month": 6}).content.decode()
        assert re.search(r'class="screen-figure pace-green" id="screen-figure-every-kind-reported"', screen)
        assert "完成目标 61.7%" in screen
    finally:
        registry.cockpit_targets.unregister("test-targets")


def test_a_section_served_while_it_is_rebuilt_says_when_its_figures_were_built():
    import zoneinfo

    from yuanqu.dashboard.display import section_view

    section = every_kind(scope=SimpleNamespace(zones=()), period=None)
    section.stale = dt.datetime(2026, 6, 30, 1, 5, tzinfo=zoneinfo.ZoneInfo("UTC"))
    with timezone.override("Asia/Shanghai"):
        assert section_view(section, {}).stale == "2026-06-30 09:05"
    section.stale = None
    assert section_view(section, {}).stale == ""
