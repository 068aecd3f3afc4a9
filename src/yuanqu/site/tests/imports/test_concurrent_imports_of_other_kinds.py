"""Lost updates beyond the enterprises' years: every importer that updates rows writes only what its file changes.
The zones' figures are refused at the web's confirmation when a row changed since the report; zones, chain links
and target firms, which their importers save whole through the services, keep what someone else changed in
other fields between the check and the write, and are refused when that change is to a field the file changes."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from yuanqu.accounts.testing import PASSWORD
from yuanqu.chains.importers import ChainImporter, TargetFirmImporter
from yuanqu.chains.models import Chain, ChainNode, TargetFirm
from yuanqu.chains.testing import make_chain, make_node
from yuanqu.core.importing.pipeline import prepare_import, run_import, write_import
from yuanqu.ranking.importers import PeerYearImporter, ZoneYearImporter
from yuanqu.ranking.models import PeerZone, ZoneYear
from yuanqu.site.tests.imports.conftest import write_xlsx
from yuanqu.zones.importers import ZoneImporter

CHANGED = "changed by someone else after the file was read; import it again"
GDP, TAX = "地区生产总值(万元)", "税收收入(万元)"


@pytest.fixture
def client_a(admin_a):
    client = Client()
    client.login(username="admin_a", password=PASSWORD)
    return client


def report_token(client, kind: str, path) -> str:
    with open(path, "rb") as handle:
        response = client.post(reverse("imports:import-start"), {"kind": kind, "file": handle})
    assert response.status_code == 200, response.content.decode()[-2000:]
    return re.search(r"/imports/confirm/([0-9a-f]{32})/", response.content.decode())[1]


@pytest.fixture
def zone_year(zone_a):
    return ZoneYear.objects.create(zone=zone_a, year=2025, gdp=Decimal("1000"), tax_revenue=Decimal("100"))


def test_a_zone_years_confirmation_does_not_undo_a_figure_imported_after_the_report(
    tmp_path, client_a, zone_a, zone_year
):
    # Two files read at the same time: each carries both figures, changing one.
    mine = write_xlsx(tmp_path / "mine.xlsx", [["园区代码", "年度", GDP, TAX], ["A001", 2025, 1000, 120]])
    theirs = write_xlsx(tmp_path / "theirs.xlsx", [["园区代码", "年度", GDP, TAX], ["A001", 2025, 1500, 100]])
    token = report_token(client_a, "zone-years", mine)
    assert run_import(ZoneYearImporter(), theirs).written

    response = client_a.post(reverse("imports:import-confirm", args=[token]))

    assert response.status_code == 422
    page = response.content.decode()
    assert '<tr><td class="num">2</td>' in page and "该记录在读取文件后已被他人修改，请重新导入" in page
    zone_year.refresh_from_db()
    assert (zone_year.gdp, zone_year.tax_revenue) == (Decimal("1500.0000"), Decimal("100.0000"))


def test_peer_years_plans_name_their_rows_for_the_confirmation(tmp_path, db):
    peer = PeerZone.objects.create(name="外省经开区")
    ZoneYear.objects.create(peer=peer, year=2025, gdp=Decimal("1000"))
    path = write_xlsx(tmp_path / "p.xlsx", [["园区名称", "年度", GDP], ["新园区", 2025, 5], ["外省经开区", 2025, 2000]])
    report = prepare_import(PeerYearImporter(), path).plan
    assert [(change.row, change.values) for change in report.updates] == [(3, {"gdp": Decimal("2000")})]
    assert [change.row for change in report.creates] == [2]


def test_a_peer_created_by_someone_else_since_the_file_was_read_is_refused_naming_its_rows(tmp_path, db):
    path = write_xlsx(
        tmp_path / "p.xlsx", [["园区名称", "年度", GDP], ["新园区", 2024, 5], ["新园区", 2025, 6], ["旧园区", 2025, 7]]
    )
    prepared = prepare_import(PeerYearImporter(), path)
    assert run_import(
        PeerYearImporter(), write_xlsx(tmp_path / "q.xlsx", [["园区名称", "年度", GDP], ["新园区", 2025, 9]])
    ).written

    report = write_import(prepared)

    assert not report.written
    created = "created by someone else after the file was read; import it again"
    assert [(p.row, p.value, p.reason_en) for p in report.problems] == [
        (2, "新园区 2024", created),
        (3, "新园区 2025", created),
    ]
    assert list(ZoneYear.objects.filter(peer__name="新园区").values_list("year", "gdp")) == [(2025, Decimal("9.0000"))]
    assert not PeerZone.objects.filter(name="旧园区").exists()


def test_a_zone_import_keeps_a_field_someone_else_changed_meanwhile(tmp_path, zone_a):
    path = write_xlsx(tmp_path / "z.xlsx", [["园区代码", "园区名称", "主导产业"], ["A001", zone_a.name, "新材料"]])
    prepared = prepare_import(ZoneImporter(), path)
    zone_a.short_name = "甲开发区"
    zone_a.save()

    assert write_import(prepared).written

    zone_a.refresh_from_db()
    assert (zone_a.leading_industries, zone_a.short_name) == ("新材料", "甲开发区")


@pytest.fixture
def node(zone_a):
    return make_node(make_chain([zone_a], "动力电池"), "M1", "电芯", keywords="电芯", nbs_category="")


def test_a_chain_import_keeps_a_field_someone_else_changed_meanwhile(tmp_path, node):
    path = write_xlsx(
        tmp_path / "c.xlsx", [["产业链", "环节编号", "环节名称", "关键词"], ["动力电池", "M1", "电芯", "电芯,动力电池"]]
    )
    prepared = prepare_import(ChainImporter(), path)
    ChainNode.objects.filter(pk=node.pk).update(nbs_category="新能源汽车")

    assert write_import(prepared).written

    node.refresh_from_db()
    assert (node.keywords, node.nbs_category) == ("电芯,动力电池", "新能源汽车")


def test_a_chain_import_changing_a_link_changed_since_it_was_read_is_refused(tmp_path, node):
    path = write_xlsx(
        tmp_path / "c.xlsx", [["产业链", "环节编号", "环节名称", "关键词"], ["动力电池", "M1", "电芯", "电芯,动力电池"]]
    )
    prepared = prepare_import(ChainImporter(), path)
    ChainNode.objects.filter(pk=node.pk).update(keywords="锂电池")

    report = write_import(prepared)

    assert not report.written
    assert [(p.row, p.value, p.reason_en) for p in report.problems] == [(2, "动力电池 M1 电芯", CHANGED)]
    node.refresh_from_db()
    assert node.keywords == "锂电池"


def test_a_chain_import_changing_an_owner_changed_since_it_was_read_is_refused(tmp_path, node):
    path = write_xlsx(
        tmp_path / "c.xlsx", [["产业链", "环节编号", "环节名称", "链长"], ["动力电池", "M1", "电芯", "王副市长"]]
    )
    prepared = prepare_import(ChainImporter(), path)
    Chain.objects.filter(pk=node.chain_id).update(owner="李副市长")

    report = write_import(prepared)

    assert not report.written
    assert [(p.row, p.value, p.reason_en) for p in report.problems] == [(2, "动力电池", CHANGED)]
    assert Chain.objects.get(pk=node.chain_id).owner == "李副市长"


def test_a_chain_confirmation_does_not_undo_an_owner_imported_after_the_report(tmp_path, client_a, node):
    rows = [["产业链", "环节编号", "环节名称", "链长"], ["动力电池", "M1", "电芯", "王副市长"]]
    token = report_token(client_a, "chains", write_xlsx(tmp_path / "mine.xlsx", rows))
    rows[1][3] = "李副市长"
    assert run_import(ChainImporter(), write_xlsx(tmp_path / "theirs.xlsx", rows)).written

    response = client_a.post(reverse("imports:import-confirm", args=[token]))

    assert response.status_code == 422
    assert Chain.objects.get(pk=node.chain_id).owner == "李副市长"


TARGET_HEADERS = ["产业链", "环节编号", "园区", "企业名称", "推荐理由", "状态"]


@pytest.fixture
def target(node, zone_a):
    return TargetFirm.objects.create(node=node, zone=zone_a, name="华科电池", reason="旧理由", status="to_contact")


def test_a_target_firm_import_keeps_a_status_set_meanwhile(tmp_path, target):
    path = write_xlsx(tmp_path / "t.xlsx", [TARGET_HEADERS, ["动力电池", "M1", "A001", "华科电池", "新理由", "待联系"]])
    prepared = prepare_import(TargetFirmImporter(), path)
    TargetFirm.objects.filter(pk=target.pk).update(location="南京市")

    assert write_import(prepared).written

    target.refresh_from_db()
    assert (target.reason, target.status, target.location) == ("新理由", "to_contact", "南京市")


def test_a_target_firm_confirmation_does_not_undo_a_status_imported_after_the_report(tmp_path, client_a, target):
    mine = write_xlsx(
        tmp_path / "mine.xlsx", [TARGET_HEADERS, ["动力电池", "M1", "A001", "华科电池", "新理由", "待联系"]]
    )
    theirs = write_xlsx(
        tmp_path / "theirs.xlsx", [TARGET_HEADERS, ["动力电池", "M1", "A001", "华科电池", "旧理由", "已联系"]]
    )
    token = report_token(client_a, "chain-targets", mine)
    assert run_import(TargetFirmImporter(), theirs).written

    response = client_a.post(reverse("imports:import-confirm", args=[token]))

    assert response.status_code == 422
    assert "该记录在读取文件后已被他人修改，请重新导入" in response.content.decode()
    target.refresh_from_db()
    assert (target.reason, target.status) == ("旧理由", "contacted")
