"""A zone-evaluation run from stored figures: the reference method on hand-made zones and a peer, the rank change,
the veto, who may run it, stored methods never changing, and the command with its workbook and bulletin."""

from __future__ import annotations

from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from docx import Document

from yuanqu.ranking.models import PeerZone, ZoneEvaluationMethod, ZoneEvaluationResult, ZoneEvaluationRun, ZoneYear
from yuanqu.ranking.services import preset_zone_method, run_zone_evaluation, save_zone_method
from yuanqu.site.tests.imports.conftest import run
from yuanqu.zones.testing import make_zone

# Every figure the reference method reads, at a zone's "size": 1 for all but what a test varies.
BASE = {
    "foreign_investment": 100,
    "trade": 100,
    "gdp": 1000,
    "budget_revenue": 100,
    "industrial_output": 100,
    "rd_spending": 20,
    "high_tech_enterprises": 10,
    "energy_tce": 50,
    "industrial_value_added": 100,
    "employees": 1000,
}


def figures(**changes) -> dict:
    values = {**BASE, **changes}
    values["rd_spending"] = values["gdp"] / 50  # the same R&D intensity everywhere
    return {
        key: (Decimal(str(value)) if key not in ("high_tech_enterprises", "employees") else value)
        for key, value in values.items()
    }


@pytest.fixture
def three_national(db):
    a = make_zone("甲国家级经开区", code="GA", level="national")
    b = make_zone("乙国家级高新区", code="GB", level="national")
    peer = PeerZone.objects.create(name="邻市经开区", code="GX", level="national", city="邻市")
    for year, (a_gdp, b_gdp, peer_gdp) in ((2024, (900, 1000, 800)), (2025, (1200, 1000, 800))):
        ZoneYear.objects.create(zone=a, year=year, **figures(gdp=a_gdp))
        ZoneYear.objects.create(zone=b, year=year, **figures(gdp=b_gdp))
        ZoneYear.objects.create(peer=peer, year=year, **figures(gdp=peer_gdp))
    return a, b, peer


def test_a_run_ranks_the_zones_and_a_peer_with_their_change(three_national, city_admin):
    a, b, peer = three_national
    run_ = run_zone_evaluation(method=preset_zone_method(name="zones-reference"), year=2025, user=city_admin)
    results = {r.name: r for r in ZoneEvaluationResult.objects.filter(run=run_)}
    # Only GDP differs: development quality (30) × share 1/3 × 100·GDP/max GDP; the rest score 100 each.
    assert results[a.name].rank == 1 and results[a.name].total == pytest.approx(100.0, abs=1e-6)
    # b: development quality 30 × (2/3 + 1/3 × 1000/1200); every other category full.
    assert results[b.name].total == pytest.approx(30 + 30 * (2 / 3 + 1000 / 1200 / 3) + 15 + 15 + 10, abs=1e-6)
    assert results[a.name].previous_rank == 2 and results[a.name].rank_change == 1
    assert results[b.name].previous_rank == 1 and results[b.name].rank_change == -1
    assert results[peer.name].peer_id == peer.pk and results[peer.name].zone_id is None
    assert results[a.name].details["why"]["summary_zh"].startswith("2025 年第 1 名，2024 年第 2 名")


def test_an_accident_removes_a_zone_before_the_best_values_are_taken(three_national, city_admin):
    a, b, _peer = three_national
    ZoneYear.objects.filter(zone=a, year=2025).update(safety_accidents=1)
    run_ = run_zone_evaluation(method=preset_zone_method(name="zones-reference"), year=2025, user=city_admin)
    vetoed = ZoneEvaluationResult.objects.get(run=run_, zone=a)
    assert (vetoed.status, vetoed.rank) == ("vetoed", None)
    assert "较大及以上生产安全事故 1 起" in vetoed.reason_zh
    # a's 1,200 no longer sets the best GDP: b's 1,000 does, so b scores full marks.
    assert ZoneEvaluationResult.objects.get(run=run_, zone=b).total == pytest.approx(100.0, abs=1e-6)


def test_only_city_users_run_and_a_year_without_figures_is_refused(three_national, user_a, analyst):
    method = preset_zone_method(name="zones-reference")
    with pytest.raises(PermissionDenied):
        run_zone_evaluation(method=method, year=2025, user=user_a)
    assert run_zone_evaluation(method=method, year=2025, user=analyst).results.count() == 3
    with pytest.raises(ValidationError, match="2019 年没有园区上报的年度数据"):
        run_zone_evaluation(method=method, year=2019, user=analyst)


def test_a_stored_method_never_changes_and_a_bad_one_names_its_line(db, city_admin):
    method = preset_zone_method(name="zones-reference")
    method.text = method.text.replace("weight = 30", "weight = 31", 1)
    with pytest.raises(ValidationError):
        method.save()
    text = preset_zone_method(name="zones-reference").text.replace('figure = "gdp"', 'figure = "gpd"')
    with pytest.raises(ValidationError) as raised:
        save_zone_method(name="改过的", text=text, user=city_admin)
    assert "gpd" in " ".join(raised.value.messages) and "行" in " ".join(raised.value.messages)
    assert ZoneEvaluationMethod.objects.count() == 1


def test_the_command_prints_the_ranks_and_writes_the_workbook_and_the_bulletin(three_national, tmp_path):
    out, _err = run(
        "evaluate",
        "zones",
        method="zones-reference",
        year="2025",
        out=str(tmp_path / "r.xlsx"),
        report=str(tmp_path / "r.docx"),
    )
    lines = out.splitlines()
    assert lines[0].startswith("国家级开发区")
    assert "甲国家级经开区  ▲1" in lines[1] and lines[1].lstrip().startswith("1")
    sheet = openpyxl.load_workbook(tmp_path / "r.xlsx").active
    header = [cell.value for cell in sheet[2]]
    categories = ["对外开放得分", "发展质量得分", "科技创新得分", "绿色发展得分", "统筹协调得分"]
    assert header == ["园区代码", "园区名称", "总分", "排名", "上年排名", "位次变化", "预警", *categories, "排名组", "排名区间", "说明"]  # fmt: skip
    assert [cell.value for cell in sheet[3]][:7] == ["GA", "甲国家级经开区", 100, 1, 2, "▲1", ""]
    scores = [cell.value for row in sheet.iter_rows(min_row=3, min_col=8, max_col=12) for cell in row]
    # Category scores to 6 decimals, as the total: 100, not 99.99999999999999.
    assert scores == [100, 100, 100, 100, 100, 100, 94.444444, 100, 100, 100, 100, 88.888889, 100, 100, 100]
    document = Document(str(tmp_path / "r.docx"))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading") or p.style.name == "Title"]
    assert headings[0] == "2025 年度园区综合评价结果通报" and "国家级开发区" in headings and "评价方法" in headings
    assert document.tables[0].rows[1].cells[1].text == "甲国家级经开区"


def test_a_zone_is_compared_with_the_average_of_the_set_chosen(three_national, client, city_admin):
    _a, b, _peer = three_national
    run_ = run_zone_evaluation(method=preset_zone_method(name="zones-reference"), year=2025, user=city_admin)
    client.force_login(city_admin)
    url = f"/ranking/runs/{run_.pk}/zones/{b.pk}/"

    def gdp_row(peers):
        html = client.get(url, {"peers": peers}).content.decode()
        table = html[html.index('id="peer-comparison"') :]
        return table[table.index('data-indicator="gdp"') :].split("</tr>")[0]

    # b's GDP 1,000 against the city's other national zone (a: 1,200), then against the peer outside (800).
    assert "1,200.00" in gdp_row("platform") and "低于平均" in gdp_row("platform")
    assert "800.00" in gdp_row("external") and "优于平均" in gdp_row("external")
    assert "1,000.00" in gdp_row("group") and "—" in gdp_row("group")  # (1,200 + 800) / 2: the same as b
    assert client.get(url, {"peers": "nonsense"}).status_code == 404


def test_the_command_refuses_a_year_without_figures_in_both_languages_and_stores_nothing(three_national):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError) as raised:
        run("evaluate", "zones", method="zones-reference", year="2019")
    assert str(raised.value) == (
        "2019 年没有园区上报的年度数据，无法评价 / No zone reported yearly figures for 2019: nothing to rank"
    )
    assert not ZoneEvaluationRun.objects.exists() and not ZoneEvaluationMethod.objects.exists()


def test_a_new_run_opens_the_ranks_to_the_zones_only_when_the_city_set_it(three_national, city_admin, settings):
    method = preset_zone_method(name="zones-reference")
    assert run_zone_evaluation(method=method, year=2025, user=city_admin).others_visible is False
    settings.YUANQU_RANKING_OPEN_TO_ZONES = True
    assert run_zone_evaluation(method=method, year=2025, user=city_admin).others_visible is True
