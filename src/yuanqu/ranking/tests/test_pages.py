"""The zone-evaluation pages: the runs and a new run, a run's ranking per group (ranks, arrows, bands, totals),
a zone's profile, opening the ranks to the zones, the downloads, and what a zone user sees of it all."""

from __future__ import annotations

import io
import json

import docx
import openpyxl
import pytest
from django.conf import settings

from yuanqu.accounts.testing import make_user
from yuanqu.core.access import Role
from yuanqu.core.models import ChangeLogEntry
from yuanqu.ranking.models import ZoneEvaluationMethod, ZoneEvaluationRun, ZoneYear
from yuanqu.ranking.tests.conftest import page, table_rows, texts

PROVINCIAL = '//table[@data-group="provincial"]'
NATIONAL = '//table[@data-group="national"]'


@pytest.fixture
def zone_user(zone_a):
    return make_user("zone_staff_a", Role.ZONE_STAFF, zones=[zone_a])


# --- the ranking page -------------------------------------------------------------------------------------------


def test_ranking_page_lists_each_group_with_rank_change_band_total_and_scores(client, city_admin, world, run):
    client.force_login(city_admin)
    response = client.get(f"/ranking/runs/{run.pk}/")
    assert response.status_code == 200
    tree = page(response)
    assert texts(tree.xpath("//main//h2[starts-with(@id, 'group-')]")) == ["国家级开发区", "省级开发区"]
    assert table_rows(response, PROVINCIAL) == [
        ["1", "▲1", "1（1–2）", "澄江临港经济开发区 外部园区", "", "82.00", "100.00", "55.00", ""],
        ["2", "▲1", "2（1–2）", "丙经济开发区", "", "80.00", "66.67", "100.00", ""],
        ["3", "▼2", "3（3–3）", "甲经济开发区", "", "70.00", "83.33", "50.00", ""],
        [
            "4",
            "—",
            "4（4–4）",
            "丁经济开发区",
            "摘牌预警",
            "25.00",
            "41.67",
            "0.00",
            "一般公共预算收入：未上报一般公共预算收入，得 0 分",
        ],
    ]
    assert table_rows(response, NATIONAL) == [
        ["1", "—", "1（1–1）", "乙高新技术产业开发区", "", "90.00", "100.00", "75.00", ""],
        ["2", "—", "2（2–2）", "鹭门经济技术开发区 外部园区", "", "85.00", "75.00", "100.00", ""],
        [
            "—",
            "",
            "",
            "戊经济技术开发区",
            "",
            "—",
            "—",
            "—",
            "未参加排名 发生较大及以上生产安全事故（较大及以上生产安全事故 1 起）",
        ],
    ]
    # Up in green, down in red; the category headers carry their weights; zones link to their profiles, peers not.
    up = tree.xpath(f"{PROVINCIAL}/tbody/tr[1]/td[2]")[0]
    down = tree.xpath(f"{PROVINCIAL}/tbody/tr[3]/td[2]")[0]
    assert "rank-up" in up.get("class") and "rank-down" in down.get("class")
    assert texts(tree.xpath(f"{PROVINCIAL}/thead/tr/th"))[6:8] == ["经济规模权重 60", "财政收入权重 40"]
    links = tree.xpath(f"{PROVINCIAL}//a/@href")
    zones = world.zones
    assert links == [f"/ranking/runs/{run.pk}/zones/{zones[key].pk}/" for key in ("C", "A", "D")]
    # The band's bar: places 1–2 of 4 shaded, the rank marked.
    band = tree.xpath(f"{PROVINCIAL}/tbody/tr[2]//svg/rect[@class='band-range']")[0]
    assert (band.get("x"), band.get("width")) == ("0.00", "50.00")


def test_ranking_page_in_english(client, city_admin, world, run):
    client.force_login(city_admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(f"/ranking/runs/{run.pk}/")
    tree = page(response)
    assert texts(tree.xpath("//h1"))[0].startswith("Zone evaluation 2025")
    assert texts(tree.xpath("//main//h2[starts-with(@id, 'group-')]")) == ["National zones", "Provincial zones"]
    rows = table_rows(response, PROVINCIAL)
    assert rows[0][:6] == ["1", "▲1", "1 (1–2)", "澄江临港经济开发区 peer zone", "", "82.00"]
    assert [rows[3][4], rows[3][8]] == [
        "Warning: loss of status",
        "Budget revenue: general public budget revenue not reported, scores 0",
    ]
    assert texts(tree.xpath(f"{PROVINCIAL}/thead/tr/th"))[:6] == [
        "Rank",
        "Rank change",
        "Rank band",
        "Zone",
        "Warning",
        "Total score",
    ]
    html = response.content.decode()
    assert "Rank band: the best and worst rank when each category weight moves by up to 10%;" in html
    for chinese in ("排名区间", "位次变化", "外部园区", "国家级开发区", "摘牌预警", "未参加排名"):
        assert chinese not in html


def test_ranking_page_shows_one_group_and_refuses_an_unknown_one(client, city_admin, world, run):
    client.force_login(city_admin)
    response = client.get(f"/ranking/runs/{run.pk}/", {"group": "national"})
    assert [table.key for table in response.context["tables"]] == ["national"]
    refused = client.get(f"/ranking/runs/{run.pk}/", {"group": "<script>"})
    assert refused.status_code == 400
    assert refused.context["tables"] == []
    assert "筛选条件无效" in refused.content.decode()
    assert client.get("/ranking/runs/999999/").status_code == 404


def test_zone_user_sees_only_his_zone_until_the_city_opens_the_ranks(client, zone_user, world, run):
    client.force_login(zone_user)
    response = client.get(f"/ranking/runs/{run.pk}/")
    html = response.content.decode()
    assert [[row.result.name for row in t.rows] for t in response.context["tables"]] == [["甲经济开发区"]]
    assert table_rows(response, PROVINCIAL) == [
        ["3", "▼2", "3（3–3）", "甲经济开发区", "", "70.00", "83.33", "50.00", ""]
    ]
    for name in ("丙经济开发区", "丁经济开发区", "澄江临港经济开发区", "乙高新技术产业开发区", "戊经济技术开发区"):
        assert name not in html
    assert "市里尚未公开其他园区的排名" in html
    for key in ("C", "D", "B", "E"):
        assert client.get(f"/ranking/runs/{run.pk}/zones/{world.zones[key].pk}/").status_code == 404
    assert client.get(f"/ranking/runs/{run.pk}/zones/{world.zones['A'].pk}/").status_code == 200


def test_zone_user_sees_the_others_names_totals_and_ranks_only_once_opened(client, zone_user, world, run):
    ZoneEvaluationRun.objects.filter(pk=run.pk).update(others_visible=True)
    client.force_login(zone_user)
    response = client.get(f"/ranking/runs/{run.pk}/")
    html = response.content.decode()
    assert table_rows(response, PROVINCIAL) == [
        ["1", "", "", "澄江临港经济开发区 外部园区", "", "82.00", "", "", ""],
        ["2", "", "", "丙经济开发区", "", "80.00", "", "", ""],
        ["3", "▼2", "3（3–3）", "甲经济开发区", "", "70.00", "83.33", "50.00", ""],
        ["4", "", "", "丁经济开发区", "", "25.00", "", "", ""],
    ]
    assert table_rows(response, NATIONAL) == [
        ["1", "", "", "乙高新技术产业开发区", "", "90.00", "", "", ""],
        ["2", "", "", "鹭门经济技术开发区 外部园区", "", "85.00", "", "", ""],
    ]
    # Not the others' scores, reasons, warnings, bands, nor the zone removed from the ranking (an accident).
    for detail in ("66.67", "41.67", "摘牌预警", "未上报一般公共预算收入", "1（1–2）", "戊经济技术开发区"):
        assert detail not in html
    assert page(response).xpath(f"{PROVINCIAL}//a/@href") == [f"/ranking/runs/{run.pk}/zones/{world.zones['A'].pk}/"]
    for key in ("C", "D", "B"):
        assert client.get(f"/ranking/runs/{run.pk}/zones/{world.zones[key].pk}/").status_code == 404


def test_a_city_analyst_sees_every_zone_and_cannot_open_the_ranks(client, analyst, world, run):
    client.force_login(analyst)
    response = client.get(f"/ranking/runs/{run.pk}/")
    assert len(table_rows(response, PROVINCIAL)) == 4
    assert "向各园区公开排名" not in response.content.decode()
    assert client.post(f"/ranking/runs/{run.pk}/visibility/", {"others_visible": "1"}).status_code == 403
    run.refresh_from_db()
    assert run.others_visible is False


def test_a_city_administrator_opens_and_closes_the_ranks_and_the_change_is_logged(client, city_admin, world, run):
    client.force_login(city_admin)
    response = client.post(f"/ranking/runs/{run.pk}/visibility/", {"others_visible": "1"})
    assert response.status_code == 302 and response["Location"] == f"/ranking/runs/{run.pk}/"
    run.refresh_from_db()
    assert run.others_visible is True
    entry = ChangeLogEntry.objects.filter(object_id=str(run.pk), content_type__model="zoneevaluationrun").latest("pk")
    assert (entry.action, entry.user_id, entry.after["others_visible"]) == ("update", city_admin.pk, True)
    assert "不再向各园区公开排名" in client.get(f"/ranking/runs/{run.pk}/").content.decode()
    client.post(f"/ranking/runs/{run.pk}/visibility/", {"others_visible": "0"})
    run.refresh_from_db()
    assert run.others_visible is False
    assert client.get(f"/ranking/runs/{run.pk}/visibility/").status_code == 405


@pytest.mark.parametrize("role", [Role.ZONE_ADMIN, Role.ZONE_STAFF, Role.LEADER])
def test_zone_users_cannot_open_the_ranks(client, zone_a, world, run, role):
    client.force_login(make_user("someone", role, zones=[zone_a]))
    assert client.post(f"/ranking/runs/{run.pk}/visibility/", {"others_visible": "1"}).status_code == 403
    run.refresh_from_db()
    assert run.others_visible is False


# --- the zone profile -------------------------------------------------------------------------------------------


def test_zone_profile_shows_rank_band_change_indicators_why_and_what_would_move_it(client, city_admin, world, run):
    zone = world.zones["A"]
    client.force_login(city_admin)
    response = client.get(f"/ranking/runs/{run.pk}/zones/{zone.pk}/")
    assert response.status_code == 200
    tree = page(response)
    facts = [texts(tree.xpath(f"//*[@id='profile-{name}']"))[0] for name in ("total", "rank", "band", "change")]
    assert facts == ["70.00", "3 / 4", "3（3–3）", "▼2"]
    assert table_rows(response, "//table[@id='indicator-table']") == [
        ["经济规模", "地区生产总值", "100.00", "万元", "83.33", "50.00", "60.00", ""],
        ["财政收入", "一般公共预算收入", "10.00", "万元", "50.00", "20.00", "40.00", ""],
    ]
    # Why it fell from first to third: revenue −20 points, then GDP −10 (the group's best GDP rose to 120).
    assert table_rows(response, "//table[@id='why-table']") == [
        ["一般公共预算收入", "20.00", "10.00", "万元", "40.00", "20.00", "−20.00"],
        ["地区生产总值", "100.00", "100.00", "万元", "60.00", "50.00", "−10.00"],
    ]
    assert texts(tree.xpath("//*[@id='why-summary']"))[0].startswith("2025 年第 3 名，2024 年第 1 名（下降 2 位 ▼2）")
    # To pass 丙 (80.00): GDP 120.02 (it becomes the best and lowers 丙's GDP score), or revenue 15.003.
    assert texts(tree.xpath("//*[@id='move-summary']")) == [
        "要超过上一名（第 2 名 丙经济开发区，总分 80.00），只改变一项指标时最少需要："
    ]
    assert table_rows(response, "//table[@id='move-table']") == [
        ["地区生产总值", "100.00", "120.02", "+20.02", "万元", "+20.0%"],
        ["一般公共预算收入", "10.00", "15.003", "+5.003", "万元", "+50.0%"],
    ]
    assert table_rows(response, "//table[@id='history-table']") == [
        ["2025", "two-categories", "3 / 4", "▼2", "70.00"],
        ["2024", "two-categories", "1 / 4", "", "100.00"],
    ]
    chart = json.loads(tree.xpath("//script[@id='zone-profile-data']")[0].text)
    radar = chart["radar"]
    assert [i["name"] for i in radar["indicators"]] == ["经济规模", "财政收入"]
    assert [round(v, 3) for v in radar["zone"]] == [83.333, 50.0]
    # The group's average over P, C, A, D: (100 + 66.67 + 83.33 + 41.67) ÷ 4 and (55 + 100 + 50 + 0) ÷ 4.
    assert [round(v, 3) for v in radar["average"]] == [72.917, 51.25]
    assert radar["best"] == [100.0, 100.0]
    assert chart["history"] == {"years": ["2024", "2025"], "ranks": [1, 3], "sizes": [4, 4]}
    assert tree.xpath("//*[@id='zone-radar']") and tree.xpath("//*[@id='zone-rank-history']")
    scripts = tree.xpath("//script/@src")
    assert "/static/vendor/echarts/echarts.min.js" in scripts and "/static/ranking/profile.js" in scripts


def test_zone_profile_figures_and_run_list_in_english_show_english_units_and_titles(client, city_admin, world, run):
    zone = world.zones["A"]
    client.force_login(city_admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(f"/ranking/runs/{run.pk}/zones/{zone.pk}/")
    assert table_rows(response, "//table[@id='indicator-table']") == [
        ["Economic scale", "GDP", "100.00", "10k yuan", "83.33", "50.00", "60.00", ""],
        ["Revenue", "Budget revenue", "10.00", "10k yuan", "50.00", "20.00", "40.00", ""],
    ]
    assert [row[3] for row in table_rows(response, "//table[@id='why-table']")] == ["10k yuan", "10k yuan"]
    assert [row[4] for row in table_rows(response, "//table[@id='move-table']")] == ["10k yuan", "10k yuan"]
    assert "万元" not in response.content.decode()
    response = client.get(f"/ranking/zones/{zone.pk}/figures/")
    html = response.content.decode()
    assert response.status_code == 200 and "万元" not in html and "10k yuan" in html
    response = client.get("/ranking/")
    html = response.content.decode()
    assert "Two-category test method" in html and "两类别测试方法" not in html
    vetoed = page(client.get(f"/ranking/runs/{run.pk}/zones/{world.zones['E'].pk}/"))
    assert texts(vetoed.xpath("//*[@id='profile-unranked']")) == [
        "Not ranked: A major work-safety accident (major work-safety accidents: 1)"
    ]


def test_zone_profile_of_the_first_a_vetoed_zone_and_a_missing_one(client, city_admin, world, run):
    client.force_login(city_admin)
    first = page(client.get(f"/ranking/runs/{run.pk}/zones/{world.zones['B'].pk}/"))
    assert texts(first.xpath("//*[@id='move-summary']")) == ["已是组内第一名。"]
    vetoed = client.get(f"/ranking/runs/{run.pk}/zones/{world.zones['E'].pk}/")
    tree = page(vetoed)
    assert texts(tree.xpath("//*[@id='profile-unranked']")) == [
        "未参加排名：发生较大及以上生产安全事故（较大及以上生产安全事故 1 起）"
    ]
    assert not tree.xpath("//*[@id='zone-radar']")
    d = page(client.get(f"/ranking/runs/{run.pk}/zones/{world.zones['D'].pk}/"))
    assert texts(d.xpath("//*[@id='profile-warning']")) == ["摘牌预警"]
    assert (
        table_rows(
            client.get(f"/ranking/runs/{run.pk}/zones/{world.zones['D'].pk}/"), "//table[@id='indicator-table']"
        )[1][-1]
        == "一般公共预算收入：未上报一般公共预算收入，得 0 分"
    )
    # A sub-park is not ranked; a peer has no profile; nor has a zone in another run's place.
    sub_park = world.zones["A"].children.get()
    assert client.get(f"/ranking/runs/{run.pk}/zones/{sub_park.pk}/").status_code == 404
    assert client.get(f"/ranking/runs/{run.pk}/zones/999999/").status_code == 404


def test_zone_profile_of_a_zone_user_names_the_zone_above_only_when_opened(client, zone_user, world, run):
    client.force_login(zone_user)
    url = f"/ranking/runs/{run.pk}/zones/{world.zones['A'].pk}/"
    closed = page(client.get(url))
    assert texts(closed.xpath("//*[@id='move-summary']")) == ["要超过上一名（第 2 名），只改变一项指标时最少需要："]
    assert "丙经济开发区" not in client.get(url).content.decode()
    ZoneEvaluationRun.objects.filter(pk=run.pk).update(others_visible=True)
    opened = page(client.get(url))
    assert "丙经济开发区" in texts(opened.xpath("//*[@id='move-summary']"))[0]


def test_zone_page_panel_shows_the_latest_rank_and_links_to_the_profile(client, zone_user, world, run):
    client.force_login(zone_user)
    zone = world.zones["A"]
    tree = page(client.get(f"/zones/{zone.pk}/"))
    panel = texts(tree.xpath("//*[@id='zone-rank-panel']"))[0]
    assert panel.startswith("2025 年综合评价（省级开发区）： 第 3 名 / 4 ▼2 · 总分 70.00")
    assert tree.xpath("//*[@id='zone-rank-panel']//a/@href") == [f"/ranking/runs/{run.pk}/zones/{zone.pk}/"]


# --- runs -------------------------------------------------------------------------------------------------------


def test_run_list_shows_the_runs_and_the_form_to_those_who_may_run(client, analyst, zone_user, world, run):
    client.force_login(analyst)
    response = client.get("/ranking/")
    rows = table_rows(response, "//table[@id='run-table']")
    assert [row[0] for row in rows] == ["2025", "2024"]
    assert rows[0][4] == "否"
    form = response.context["form"]
    assert [value for value, _label in form.fields["year"].choices] == [2025, 2024]
    assert "preset:zones-reference" in str(form.fields["method"].choices)
    assert f"method:{world.method.pk}" in str(form.fields["method"].choices)
    client.force_login(zone_user)
    response = client.get("/ranking/")
    assert response.context["form"] is None and 'id="run-form"' not in response.content.decode()
    assert client.get("/ranking/runs/new/").status_code == 403
    assert client.post("/ranking/runs/new/", {"method": "preset:zones-reference", "year": "2025"}).status_code == 403


def test_starting_a_run_ranks_the_year_and_shows_it(client, analyst, world):
    client.force_login(analyst)
    response = client.post("/ranking/runs/new/", {"method": f"method:{world.method.pk}", "year": "2025"})
    run = ZoneEvaluationRun.objects.latest("pk")
    assert response.status_code == 302 and response["Location"] == f"/ranking/runs/{run.pk}/"
    assert (run.year, run.method_id, run.created_by_id, run.results.count()) == (2025, world.method.pk, analyst.pk, 7)
    preset = client.post("/ranking/runs/new/", {"method": "preset:zones-reference", "year": "2024"})
    assert preset.status_code == 302
    assert ZoneEvaluationRun.objects.latest("pk").method.preset == "zones-reference"


def test_a_year_without_zones_figures_is_refused_on_the_form(client, analyst, world):
    ZoneYear.objects.create(zone=world.zones["A"].children.get(), year=2019)  # a sub-park's figures only
    client.force_login(analyst)
    runs, methods = ZoneEvaluationRun.objects.count(), ZoneEvaluationMethod.objects.count()
    response = client.post("/ranking/runs/new/", {"method": "preset:zones-reference", "year": "2019"})
    assert response.status_code == 400
    assert "2019 年没有园区上报的年度数据，无法评价" in response.content.decode()
    assert (ZoneEvaluationRun.objects.count(), ZoneEvaluationMethod.objects.count()) == (runs, methods)
    for data in ({"method": "preset:nope", "year": "2025"}, {"method": "method:999", "year": "2025"}, {"year": "1900"}):
        assert client.post("/ranking/runs/new/", data).status_code == 400
    assert ZoneEvaluationRun.objects.count() == runs


# --- downloads --------------------------------------------------------------------------------------------------


def _sheet(response) -> list[tuple]:
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    return list(book["综合评价结果"].iter_rows(values_only=True))


def test_ranking_workbook_has_the_columns_and_values(client, city_admin, world, run):
    client.force_login(city_admin)
    response = client.get(f"/ranking/runs/{run.pk}/ranking.xlsx")
    assert response["Content-Disposition"] == f'attachment; filename="zone-ranking-2025-{run.pk}.xlsx"'
    rows = _sheet(response)
    assert rows[0][0] == "2025 年园区综合评价结果（两类别测试方法）"
    assert rows[1] == (
        "园区代码",
        "园区名称",
        "总分",
        "排名",
        "上年排名",
        "位次变化",
        "预警",
        "经济规模得分",
        "财政收入得分",
        "排名组",
        "排名区间",
        "说明",
    )
    by_name = {row[1]: row for row in rows[2:]}
    assert [row[1] for row in rows[2:]] == [
        "乙高新技术产业开发区",
        "鹭门经济技术开发区（外部园区）",
        "戊经济技术开发区",
        "澄江临港经济开发区（外部园区）",
        "丙经济开发区",
        "甲经济开发区",
        "丁经济开发区",
    ]
    a = by_name["甲经济开发区"]
    assert a[:7] == ("A001", "甲经济开发区", 70.0, 3, 1, "▼2", "")
    assert round(a[7], 3) == 83.333 and a[8] == 50.0
    assert a[9:] == ("省级开发区", "3–3", "")
    assert by_name["丁经济开发区"][6] == "摘牌预警"
    assert by_name["丁经济开发区"][11] == "一般公共预算收入：未上报一般公共预算收入，得 0 分"
    assert by_name["戊经济技术开发区"][2:4] == (None, None)


def test_ranking_workbook_of_a_zone_user_holds_what_he_may_see(client, zone_user, world, run):
    client.force_login(zone_user)
    assert [row[1] for row in _sheet(client.get(f"/ranking/runs/{run.pk}/ranking.xlsx"))[2:]] == ["甲经济开发区"]
    ZoneEvaluationRun.objects.filter(pk=run.pk).update(others_visible=True)
    rows = {row[1]: row for row in _sheet(client.get(f"/ranking/runs/{run.pk}/ranking.xlsx"))[2:]}
    assert set(rows) == {
        "乙高新技术产业开发区",
        "鹭门经济技术开发区（外部园区）",
        "澄江临港经济开发区（外部园区）",
        "丙经济开发区",
        "甲经济开发区",
        "丁经济开发区",
    }
    # Another zone: its name, total, rank and group, nothing else.
    assert rows["丁经济开发区"] == ("", "丁经济开发区", 25.0, 4, None, None, None, None, None, "省级开发区", None, None)
    assert rows["甲经济开发区"][4:6] == (1, "▼2") and rows["甲经济开发区"][10] == "3–3"


def _document(response):
    document = docx.Document(io.BytesIO(response.content))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    tables = [[[cell.text for cell in row.cells] for row in table.rows] for table in document.tables]
    return document, headings, tables


def test_bulletin_has_its_headings_and_tables(client, city_admin, world, run):
    client.force_login(city_admin)
    response = client.get(f"/ranking/runs/{run.pk}/bulletin.docx")
    assert response["Content-Disposition"] == f'attachment; filename="zone-ranking-bulletin-2025-{run.pk}.docx"'
    document, headings, tables = _document(response)
    assert headings == [
        "2025 年度园区综合评价结果通报",
        "国家级开发区",
        "省级开发区",
        "未参加排名的园区",
        "预警",
        "位次变化的原因与提升方向",
        "评价方法",
    ]
    header = ["排名", "园区", "总分", "上年排名", "位次变化", "排名区间", "预警"]
    assert tables[0] == [header, ["1", "乙高新技术产业开发区", "90.00", "1", "—", "1–1", "—"],
                         ["2", "鹭门经济技术开发区（外部）", "85.00", "2", "—", "2–2", "—"]]  # fmt: skip
    assert tables[1][1:] == [
        ["1", "澄江临港经济开发区（外部）", "82.00", "2", "▲1", "1–2", "—"],
        ["2", "丙经济开发区", "80.00", "3", "▲1", "1–2", "—"],
        ["3", "甲经济开发区", "70.00", "1", "▼2", "3–3", "—"],
        ["4", "丁经济开发区", "25.00", "4", "—", "4–4", "摘牌预警"],
    ]
    assert tables[2] == [["类别", "权重", "指标", "类内占比", "方向"], ["经济规模", "60", "地区生产总值", "1", "越高越好"],
                         ["财政收入", "40", "一般公共预算收入", "1", "越高越好"]]  # fmt: skip
    text = "\n".join(p.text for p in document.paragraphs)
    assert "戊经济技术开发区：发生较大及以上生产安全事故（较大及以上生产安全事故 1 起）" in text
    assert "丁经济开发区：摘牌预警" in text
    assert (
        "超过上一名（第 2 名），最少需要其一：地区生产总值达到 120.02 万元（+20.0%）；一般公共预算收入达到 15.003 万元（+50.0%）。"
        in text
    )


def test_bulletin_of_a_zone_user_with_the_ranks_opened(client, zone_user, world, run):
    ZoneEvaluationRun.objects.filter(pk=run.pk).update(others_visible=True)
    client.force_login(zone_user)
    document, headings, tables = _document(client.get(f"/ranking/runs/{run.pk}/bulletin.docx"))
    assert "未参加排名的园区" not in headings  # the vetoed zone is another zone's affair
    assert tables[1][1:] == [
        ["1", "澄江临港经济开发区（外部）", "82.00", "", "", "", ""],
        ["2", "丙经济开发区", "80.00", "", "", "", ""],
        ["3", "甲经济开发区", "70.00", "1", "▼2", "3–3", "—"],
        ["4", "丁经济开发区", "25.00", "", "", "", ""],
    ]
    text = "\n".join(p.text for p in document.paragraphs)
    assert "戊经济技术开发区" not in text and "丁经济开发区：" not in text


def test_a_zone_is_compared_with_one_other_citys_zones_of_its_level(client, city_admin, world, run):
    # 甲 (provincial, GDP 100 in 2025) against 澄江市's provincial zones: its one peer P, GDP 120.
    client.force_login(city_admin)
    url = f"/ranking/runs/{run.pk}/zones/{world.zones['A'].pk}/"
    response = client.get(url, {"peers": "city:澄江市"})
    tree = page(response)
    assert tree.xpath("//select[@name='peers']/option/@value")[3:] == ["city:澄江市"]  # 鹭门市's peer is national
    assert tree.xpath("//select[@name='peers']/option[@selected]/@value") == ["city:澄江市"]
    rows = table_rows(response, "//table[@id='peer-comparison']")
    assert rows[0] == ["地区生产总值", "100.00", "120.00", "1", "低于平均"]
    assert client.get(url, {"peers": "city:鹭门市"}).status_code == 404
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    options = texts(page(client.get(url)).xpath("//select[@name='peers']/option"))
    assert options[3] == "澄江市's zones of its level"


def test_a_sub_parks_figures_page_sends_the_reader_to_its_zone(client, city_admin, world):
    from yuanqu.zones.testing import make_zone

    zone = world.zones["C"]
    sub_park = make_zone("丙经济开发区新材料园", code="C001-S", parent=zone)
    client.force_login(city_admin)
    tree = page(client.get(f"/ranking/zones/{sub_park.pk}/figures/"))
    assert texts(tree.xpath("//*[@id='sub-park-note']")) == ["分园区不单独上报，其数据计入所属园区 丙经济开发区。"]
    assert tree.xpath("//*[@id='sub-park-note']/a/@href") == [f"/ranking/zones/{zone.pk}/figures/"]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    tree = page(client.get(f"/ranking/zones/{sub_park.pk}/figures/"))
    assert texts(tree.xpath("//*[@id='sub-park-note']")) == [
        "A sub-park does not report on its own: its figures are in those of its zone, 丙经济开发区."
    ]
    assert not page(client.get(f"/ranking/zones/{zone.pk}/figures/")).xpath("//*[@id='sub-park-note']")


def test_a_presets_source_and_notes_are_in_english_on_english_pages(client, analyst):
    client.force_login(analyst)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    tree = page(client.get("/ranking/methods/presets/zones-reference/"))
    assert texts(tree.xpath("//*[@id='method-source']"))[0].startswith(
        "yuanqu's reference method: the category weights"
    )
    assert texts(tree.xpath("//*[@id='method-notes']"))[0].startswith("The veto and the loss-of-status warning")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    tree = page(client.get("/ranking/methods/presets/zones-reference/"))
    assert texts(tree.xpath("//*[@id='method-source']"))[0].startswith("yuanqu 参考方法：类别权重取自商务部")


def test_the_run_form_and_the_peers_list_punctuate_in_english(client, city_admin, world):
    client.force_login(city_admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    options = texts(page(client.get("/ranking/")).xpath("//select[@name='method']//option"))
    assert "Zone evaluation: yuanqu's reference method (zones-reference)" in options
    rows = table_rows(client.get("/ranking/peers/"), "//main//table")
    assert [row[4] for row in rows] == ["2024, 2025", "2024, 2025"]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    rows = table_rows(client.get("/ranking/peers/"), "//main//table")
    assert [row[4] for row in rows] == ["2024、2025", "2024、2025"]
