"""A chain's coverage from the live data: which firms land on which link, nested counts, corrections kept over a
recomputation, gaps and weak links, projects per link; and the coverage command's workbook."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command

from yuanqu.chains.models import ChainFirm, ChainNode
from yuanqu.chains.selectors import chain_coverage
from yuanqu.chains.services import correct_firm, tag_project
from yuanqu.chains.testing import battery_chain
from yuanqu.enterprises.testing import make_enterprise, make_enterprise_year
from yuanqu.projects.testing import make_project


@pytest.fixture
def firms(zone_a, zone_b):
    cell = make_enterprise(zone_a, "甲电芯有限公司", industry_code="3841", main_products="动力电池、电芯")
    bms = make_enterprise(zone_a, "甲汽车电子有限公司", industry_code="3670", main_products="电池管理系统、车灯")
    cathode = make_enterprise(zone_a, "甲新材料有限公司", industry_code="3985", main_products="正极材料、三元材料")
    other = make_enterprise(zone_a, "甲纺织有限公司", industry_code="1711", main_products="棉纱")
    foreign = make_enterprise(zone_b, "乙电芯有限公司", industry_code="3841", main_products="电芯")
    make_enterprise_year(cell, 2024, revenue=Decimal("50000"), tax=Decimal("2000"), land_mu=Decimal("100"))
    make_enterprise_year(bms, 2024, revenue=Decimal("8000"), tax=Decimal("300"), land_mu=Decimal("20"))
    return {"cell": cell, "bms": bms, "cathode": cathode, "other": other, "foreign": foreign}


def links_of(result):
    return {link.node.code: link for link in result.links}


def names(result, code, firms):
    by_id = {f.pk: key for key, f in firms.items()}
    return sorted(by_id[e] for e in links_of(result)[code].enterprise_ids)


def test_firms_land_on_links_by_class_and_keyword_and_gaps_show(zone_a, zone_b, user_a, firms):
    chain = battery_chain([zone_a, zone_b])
    result = chain_coverage(chain, user=user_a)
    links = links_of(result)
    assert result.year == 2024
    assert names(result, "M1", firms) == ["cell"]  # by class 3841; zone B's firm is not user A's
    assert names(result, "M3", firms) == ["bms"]  # by keyword 电池管理系统
    assert names(result, "U2", firms) == ["cathode"]  # by keyword 正极材料 (its class 3985 is not U2's)
    assert names(result, "M", firms) == ["bms", "cell"]
    assert links["M"].revenue == pytest.approx(58000.0)
    assert links["M"].tax == pytest.approx(2300.0)
    assert links["M"].tax_per_mu == pytest.approx(2300.0 / 120.0)
    assert [code for code, link in links.items() if link.gap] == ["U5", "D1"]
    assert [code for code, link in links.items() if link.weak] == ["U", "U2", "M", "M1", "M3"]  # below 3
    assert links["M1"].matched_by == {firms["cell"].pk: "class"}


def test_the_city_sees_both_zones_and_a_zone_filter_narrows(zone_a, zone_b, city_admin, firms):
    chain = battery_chain([zone_a, zone_b])
    assert names(chain_coverage(chain, user=city_admin), "M1", firms) == ["cell", "foreign"]
    assert names(chain_coverage(chain, user=city_admin, zone_ids=[zone_b.pk]), "M1", firms) == ["foreign"]


def test_corrections_survive_a_recomputation(zone_a, user_a, firms):
    chain = battery_chain([zone_a])
    u5 = ChainNode.objects.get(chain=chain, code="U5")
    m3 = ChainNode.objects.get(chain=chain, code="M3")
    correct_firm(node=u5, enterprise=firms["other"], decision="include", user=user_a, note="人工确认")
    correct_firm(node=m3, enterprise=firms["bms"], decision="exclude", user=user_a)
    for _ in range(2):
        result = chain_coverage(chain, user=user_a)
        assert names(result, "U5", firms) == ["other"]
        assert names(result, "M3", firms) == []
        assert links_of(result)["M3"].gap
        assert links_of(result)["U5"].matched_by == {firms["other"].pk: "manual"}
    assert ChainFirm.objects.count() == 2
    correct_firm(node=m3, enterprise=firms["bms"], decision=None, user=user_a)
    assert names(chain_coverage(chain, user=user_a), "M3", firms) == ["bms"]


def test_a_gap_with_a_project_in_negotiation_differs_from_an_empty_gap(zone_a, user_a, firms):
    chain = battery_chain([zone_a])
    d1 = ChainNode.objects.get(chain=chain, code="D1")
    project = make_project(
        zone_a, "甲电池回收项目", history=[("lead", dt.date(2025, 1, 2)), ("negotiating", dt.date(2025, 2, 3))]
    )
    tag_project(project=project, node=d1, kind="fill", user=user_a)
    links = links_of(chain_coverage(chain, user=user_a))
    assert links["D1"].state == "gap_in_progress"
    assert links["U5"].state == "gap"
    assert links["M1"].state == "weak"


def test_the_weak_threshold_is_the_chains(zone_a, user_a, firms):
    chain = battery_chain([zone_a])
    chain.weak_below = 1
    chain.save()
    links = links_of(chain_coverage(chain, user=user_a))
    assert not any(link.weak for link in links.values())


def test_coverage_command_writes_links_and_firm_sheet(tmp_path, zone_a, firms):
    chain = battery_chain([zone_a])
    path = tmp_path / "coverage.xlsx"
    call_command("chains", "coverage", "--chain", chain.name, "--year", "2024", "--out", str(path))
    book = openpyxl.load_workbook(path)
    rows = list(book["环节"].iter_rows(values_only=True))
    assert rows[1][:8] == (
        "环节编号",
        "环节名称",
        "环节类型",
        "上级环节编号",
        "企业数",
        "营业收入（万元）",
        "实缴税收（万元）",
        "亩均税收（万元/亩）",
    )
    by_code = {r[0]: r for r in rows[2:]}
    assert by_code["M1"][4] == 1 and by_code["M1"][5] == 50000 and by_code["M1"][6] == 2000
    assert by_code["U5"][-2:] == ("是", "否")
    assert by_code["M"][-2:] == ("否", "是")
    firm_rows = list(book["企业×环节"].iter_rows(values_only=True))
    assert (
        "M3",
        "电池管理系统",
        firms["bms"].uscc,
        "甲汽车电子有限公司",
        "3670",
        "电池管理系统、车灯",
        "产品关键词",
    ) in firm_rows


def test_gap_land_lists_available_parcels_of_the_chains_zones(zone_a, zone_b, user_a, firms):
    from yuanqu.chains.selectors import candidate_land, gap_land_geojson
    from yuanqu.land.testing import make_parcel

    chain = battery_chain([zone_a, zone_b])
    idle_a = make_parcel(zone_a, "甲-GY-闲置", approved_on=dt.date(2019, 1, 1))
    make_parcel(zone_b, "乙-GY-闲置", approved_on=dt.date(2019, 1, 1))
    rows = candidate_land(chain, user=user_a, as_of=dt.date(2025, 6, 30))
    assert [(row["code"], row["status"]) for row in rows] == [(idle_a.code, "approved_unsupplied")]
    layer = gap_land_geojson(user=user_a, as_of=dt.date(2025, 6, 30))
    assert all("乙" not in feature["properties"]["name"] for feature in layer["features"])
    assert [f["properties"]["name"] for f in layer["features"]] == [idle_a.code]
    assert "动力电池" in layer["features"][0]["properties"]["chains"]


def test_land_for_a_gap_names_the_control_indicators_of_its_strictest_division(db):
    from yuanqu.analytics.land_status import LandRules
    from yuanqu.chains.selectors import land_indicators

    rules = LandRules()
    both = ChainNode(code="X", name="电解液与隔膜", industry_codes="2614，3841")  # chemicals 0.6, electrical 0.7
    assert land_indicators(both, rules) == (
        land_indicators(both, rules).__class__(plot_ratio_min=0.7, building_coverage_min=0.3, divisions=("26", "38"))
    )
    assert land_indicators(ChainNode(code="Y", name="研发", industry_codes=""), rules).plot_ratio_min == 0.7
    assert land_indicators(both, rules).building_coverage_percent == "30%"
    stricter = LandRules(plot_ratio_min_by_division={"26": 1.2})
    assert land_indicators(both, stricter).plot_ratio_min == 1.2


def test_the_coverage_workbook_from_the_chain_page_is_a_job_whose_file_only_its_user_gets(
    client, settings, tmp_path, zone_a, zone_b, user_a, user_b, firms
):
    from django.urls import reverse

    from yuanqu.core.jobs import services
    from yuanqu.core.jobs.models import Job

    settings.MEDIA_ROOT = tmp_path
    chain = battery_chain([zone_a, zone_b])
    client.force_login(user_a)
    url = reverse("chains:chain-coverage-export", args=[chain.pk])
    page = client.get(reverse("chains:chain-detail", args=[chain.pk])).content.decode()
    assert f'action="{url}"' in page
    assert client.get(url).status_code == 405  # asking for it writes a job: a POST
    assert client.post(url, {"zone": zone_b.pk}).status_code == 404  # another's zone, as if it did not exist
    assert not Job.objects.exists()
    response = client.post(url, {"zone": zone_a.pk, "year": "2024"})
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("jobs:job-detail", args=[job.pk])
    assert (job.kind, job.user, job.params["zone"], job.params["year"]) == ("chain-coverage", user_a, zone_a.pk, 2024)
    assert job.label == f"产业链覆盖表：{chain.name} · {zone_a.name} · 2024"
    assert services.execute(job.pk) == "succeeded"
    job.refresh_from_db()
    download = reverse("jobs:job-file", args=[job.pk])
    assert job.result["url"] == download and (job.result["gaps"], job.result["weak"]) == (2, 5)
    assert f'href="{download}"' in client.get(reverse("jobs:job-detail", args=[job.pk])).content.decode()
    response = client.get(download)
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    import io

    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    by_code = {r[0]: r for r in list(book["环节"].iter_rows(values_only=True))[2:]}
    assert by_code["M1"][4] == 1 and by_code["M1"][5] == 50000 and by_code["U5"][-2:] == ("是", "否")
    client.force_login(user_b)
    assert client.get(download).status_code == 404  # the file is its user's alone


def test_the_coverage_job_speaks_the_language_it_was_asked_in(client, settings, tmp_path, zone_a, user_a, firms):
    from django.urls import reverse

    from yuanqu.core.jobs import services
    from yuanqu.core.jobs.models import Job

    settings.MEDIA_ROOT = tmp_path
    chain = battery_chain([zone_a])
    client.force_login(user_a)
    client.cookies["django_language"] = "en"
    client.post(reverse("chains:chain-coverage-export", args=[chain.pk]))
    job = Job.objects.get()
    assert job.label == f"Chain coverage table: {chain.name}" and job.params["language"] == "en"
    assert services.execute(job.pk) == "succeeded"
    job.refresh_from_db()
    assert job.result["label"] == "Download the coverage table"
    page = client.get(reverse("jobs:job-detail", args=[job.pk])).content.decode()
    assert "Download the coverage table" in page and "Done" in page
    assert "已完成" not in page  # the worker's closing word is not repeated beside the state in another language
