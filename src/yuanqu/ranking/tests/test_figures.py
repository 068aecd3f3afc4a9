"""The figures zones report: messy bureau sheets in customary units, every problem named, re-imports, round trips,
the zone's figures page with the platform's own counts beside the report, the measures targets use, isolation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import openpyxl
import pytest
from rest_framework.test import APIClient

from yuanqu.accounts.testing import make_user
from yuanqu.core.exporting import export
from yuanqu.core.importing.pipeline import run_import
from yuanqu.enterprises.testing import make_enterprise, make_enterprise_year
from yuanqu.ranking.importers import PeerYearImporter, ZoneMonthImporter, ZoneYearImporter
from yuanqu.ranking.models import PeerZone, ZoneMonth, ZoneYear
from yuanqu.ranking.selectors import reported_value, year_table


def workbook(path, rows):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(list(row))
    book.save(path)
    return path


HEADERS = [
    "园区代码",
    "年度",
    "地区生产总值（亿元）",
    "税收收入(亿元)",
    "实际使用外资（万美元）",
    "综合能耗(万吨标准煤)",
    "工业用电量（亿千瓦时）",
    "高新技术企业数(家)",
    "较大及以上生产安全事故(起)",
]


def bureau_sheet(path, zone_a, zone_b):
    """As a commerce bureau sends it: a title, a unit line, units in the headers, text numbers, a total row."""
    return workbook(
        path,
        [
            ["2025年各开发区主要经济指标"],
            ["填报单位：市商务局", None, "单位：亿元"],
            [
                "园区代码",
                "年度",
                "地区生产总值（亿元）",
                "税收收入(亿元)",
                "实际使用外资（万美元）",
                "综合能耗(万吨标准煤)",
                "工业用电量（亿千瓦时）",
                "高新技术企业数(家)",
                "较大及以上生产安全事故(起)",
            ],
            [zone_a.code, 2025, "1,234.5", 56.78, "12,000", 1.25, "3.4", "88", 0],
            [zone_b.code, 2025, 600, "20", 5000, "0.5", 1, 40, 1],
            ["合计", None, 1834.5, 76.78, 17000, 1.75, 4.4, 128, 1],
        ],
    )


def test_a_bureau_sheet_in_customary_units_is_stored_in_the_platforms(tmp_path, zone_a, zone_b):
    report = run_import(ZoneYearImporter(), bureau_sheet(tmp_path / "figures.xlsx", zone_a, zone_b))
    assert report.ok and report.created == 2 and len(report.skipped) == 1  # the 合计 row
    a = ZoneYear.objects.get(zone=zone_a, year=2025)
    assert a.gdp == Decimal("12345000")  # 1,234.5 亿元 in 万元
    assert a.tax_revenue == Decimal("567800")
    assert a.foreign_investment == Decimal("12000")  # 万美元 as it came
    assert a.energy_tce == Decimal("12500")  # 1.25 万吨标准煤 in tce
    assert a.industrial_electricity == Decimal("34000")  # 3.4 亿千瓦时 in 万千瓦时
    assert a.high_tech_enterprises == 88 and a.safety_accidents == 0
    notes = " ".join(zh for zh, _en in report.notes)
    assert "1 亿元 = 10000 万元" in notes and "1 万吨标准煤 = 10000 吨标准煤" in notes


def test_a_sheet_with_both_the_zones_code_and_name_finds_the_zone_by_its_code(tmp_path, zone_a, zone_b):
    # Bureau sheets list 园区代码 and 园区名称 side by side, the name often abbreviated: the code decides.
    path = workbook(
        tmp_path / "both.xlsx",
        [
            ["园区代码", "园区名称", "年度", "月份", "地区生产总值（亿元）"],
            [zone_a.code, "甲园区（简称）", "2025", "6", "12.5"],
            [zone_b.code, zone_b.name, 2025, 6, 3],
        ],
    )
    report = run_import(ZoneMonthImporter(), path)
    assert report.ok and report.created == 2, report.problems
    assert ZoneMonth.objects.get(zone=zone_a, year=2025, month=6).gdp == Decimal("125000")
    assert ZoneMonth.objects.get(zone=zone_b, year=2025, month=6).gdp == Decimal("30000")


def test_periods_as_bureaus_write_them_are_read_and_others_named(tmp_path, zone_a, zone_b):
    path = workbook(
        tmp_path / "months.xlsx",
        [
            ["2025年1-6月各开发区主要经济指标"],
            ["园区代码", "年度", "月份", "地区生产总值（亿元）"],
            [zone_a.code, "2025年", "1-6月", "12.5"],
            [zone_b.code, "2025年度", "1–3月累计", 3],
            [zone_b.code, 2025, "7月份", 4],
            [zone_a.code, 2025.0, 9.0, 5],
        ],
    )
    report = run_import(ZoneMonthImporter(), path)
    assert report.ok and report.created == 4, report.problems
    stored = sorted(ZoneMonth.objects.values_list("zone__code", "year", "month", "gdp"))
    assert stored == [
        (zone_a.code, 2025, 6, Decimal("125000")),
        (zone_a.code, 2025, 9, Decimal("50000")),
        (zone_b.code, 2025, 3, Decimal("30000")),
        (zone_b.code, 2025, 7, Decimal("40000")),
    ]
    bad = workbook(
        tmp_path / "bad-months.xlsx",
        [
            ["园区代码", "年度", "月份", "地区生产总值(亿元)"],
            [zone_a.code, "二〇二五", "上半年", 1],
            [zone_a.code, 2025, 13, 1],
        ],
    )
    report = run_import(ZoneMonthImporter(), bad)
    assert not report.ok and ZoneMonth.objects.count() == 4
    assert [(p.row, p.column, p.value, p.reason_en) for p in report.problems] == [
        (2, "年度", "二〇二五", "not a year (write 2025 or 2025年)"),
        (2, "月份", "上半年", "not a month (write 6, 6月 or 1-6月)"),
        (3, "月份", "13", "the month must be 1–12"),
    ]


def test_a_sheet_with_only_the_zones_name_finds_the_zone_by_its_name(tmp_path, zone_a, zone_b):
    path = workbook(tmp_path / "names.xlsx", [["园区名称", "年度", "地区生产总值(亿元)"], [zone_b.name, 2025, 2]])
    report = run_import(ZoneYearImporter(), path)
    assert report.ok and report.created == 1
    assert ZoneYear.objects.get(zone=zone_b, year=2025).gdp == Decimal("20000")


def test_a_sheet_without_a_zone_column_or_with_an_empty_zone_is_refused(tmp_path, zone_a, zone_b):
    path = workbook(tmp_path / "nozone.xlsx", [["年度", "地区生产总值(亿元)"], [2025, 2]])
    report = run_import(ZoneYearImporter(), path)
    assert not report.ok and ZoneYear.objects.count() == 0
    assert [(p.column, p.reason_zh) for p in report.problems] == [("园区代码", "缺少必填列（园区代码或园区名称）")]
    path = workbook(
        tmp_path / "empty.xlsx",
        [
            ["园区代码", "园区名称", "年度", "地区生产总值(亿元)"],
            [None, zone_a.name, 2025, 2],
            [zone_b.code, None, 2025, 1],
        ],
    )
    report = run_import(ZoneYearImporter(), path)
    assert not report.ok and ZoneYear.objects.count() == 0
    assert [(p.row, p.column, p.reason_en) for p in report.problems] == [(2, "园区代码", "required value is empty")]


def test_every_problem_is_named_and_nothing_is_written(tmp_path, zone_a, zone_b):
    path = workbook(
        tmp_path / "bad.xlsx",
        [
            ["园区代码", "年度", "地区生产总值(亿元)", "税收收入(亿元)"],
            ["NOPE", 2025, 10, 1],
            [zone_a.code, 1800, 10, 1],
            [zone_a.code, 2025, -3, 1],
            [zone_a.code, 2025, 10, "abc"],
        ],
    )
    report = run_import(ZoneYearImporter(), path)
    found = {(p.row, p.column, p.value) for p in report.problems}
    assert (2, "园区代码", "NOPE") in found
    assert (3, "年度", "1800") in found
    assert (4, "地区生产总值(亿元)", "-3") in found
    assert (5, "税收收入(亿元)", "abc") in found
    assert (5, "园区代码", zone_a.code) in found  # the same zone and year as row 4
    assert len(found) == 5
    assert ZoneYear.objects.count() == 0


def test_a_month_outside_the_year_and_a_repeated_period_are_problems(tmp_path, zone_a):
    path = workbook(
        tmp_path / "months.xlsx",
        [["园区代码", "年度", "月份", "税收收入(亿元)"], [zone_a.code, 2026, 13, 1], [zone_a.code, 2026, 3, 1], [zone_a.code, 2026, 3, 2]],
    )  # fmt: skip
    report = run_import(ZoneMonthImporter(), path)
    assert [(p.row, p.column) for p in report.problems] == [(2, "月份"), (4, "园区代码")]
    assert ZoneMonth.objects.count() == 0


def test_a_re_import_updates_only_what_changed_and_an_export_re_imports_unchanged(tmp_path, zone_a, zone_b):
    run_import(ZoneYearImporter(), bureau_sheet(tmp_path / "figures.xlsx", zone_a, zone_b))
    again = run_import(ZoneYearImporter(), bureau_sheet(tmp_path / "figures.xlsx", zone_a, zone_b))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    exported = tmp_path / "export.xlsx"
    export("zone-years", exported, suffix=".xlsx")
    back = run_import(ZoneYearImporter(), exported)
    assert (back.created, back.updated, back.unchanged) == (0, 0, 2)


def test_a_zone_user_imports_only_his_zone_and_no_peers(tmp_path, zone_a, zone_b, user_a):
    report = run_import(ZoneYearImporter(), bureau_sheet(tmp_path / "figures.xlsx", zone_a, zone_b), user=user_a)
    assert [(p.row, p.value) for p in report.problems] == [(5, zone_b.code)]
    peers = workbook(tmp_path / "peers.xlsx", [["园区名称", "年度", "地区生产总值(亿元)"], ["邻市经开区", 2025, 500]])
    refused = run_import(PeerYearImporter(), peers, user=user_a)
    assert not refused.ok and PeerZone.objects.count() == 0


def test_peers_are_created_with_their_years_and_a_platform_zone_is_not_a_peer(tmp_path, zone_a, city_admin):
    path = workbook(
        tmp_path / "peers.xlsx",
        [
            ["园区名称", "级别", "所在城市", "年度", "地区生产总值(亿元)"],
            ["邻市经开区", "国家级", "邻市", 2024, 480],
            ["邻市经开区", "国家级", "邻市", 2025, 500],
            [zone_a.name, "省级", "本市", 2025, 1],
        ],
    )
    report = run_import(PeerYearImporter(), path, user=city_admin)
    assert [(p.row, p.column) for p in report.problems] == [(4, "园区名称")]
    path = workbook(tmp_path / "peers2.xlsx", [["园区名称", "级别", "所在城市", "年度", "地区生产总值(亿元)"], ["邻市经开区", "国家级", "邻市", 2024, 480], ["邻市经开区", "国家级", "邻市", 2025, 500]])  # fmt: skip
    assert run_import(PeerYearImporter(), path, user=city_admin).created == 2
    peer = PeerZone.objects.get()
    assert (peer.level, peer.city) == ("national", "邻市")
    assert list(peer.years.order_by("year").values_list("gdp", flat=True)) == [Decimal("4800000"), Decimal("5000000")]


def test_the_report_stands_beside_the_platforms_own_count_and_a_large_difference_is_flagged(zone_a, city_admin):
    for tax in ("300", "200"):
        make_enterprise_year(make_enterprise(zone_a), 2025, tax=Decimal(tax))
    near = ZoneYear.objects.create(zone=zone_a, year=2025, tax_revenue=Decimal("550"))
    (line,) = [
        line for line in year_table(user=city_admin, zone=zone_a, rows=[near]) if line.figure.key == "tax_revenue"
    ]
    assert line.cells[0].own.value == Decimal("500") and line.cells[0].own.difference == Decimal("0.1")
    assert not line.cells[0].own.flagged
    near.tax_revenue = Decimal("700")
    (line,) = [
        line for line in year_table(user=city_admin, zone=zone_a, rows=[near]) if line.figure.key == "tax_revenue"
    ]
    assert line.cells[0].own.flagged  # 40 % above what the zone's enterprises paid


def test_the_monthly_figures_compare_like_for_like(client, zone_a, city_admin):
    ZoneMonth.objects.create(zone=zone_a, year=2025, month=6, gdp=Decimal("100"))
    ZoneMonth.objects.create(zone=zone_a, year=2025, month=12, gdp=Decimal("250"))
    ZoneMonth.objects.create(zone=zone_a, year=2026, month=6, gdp=Decimal("110"))
    client.force_login(city_admin)
    html = client.get(f"/ranking/zones/{zone_a.pk}/figures/", {"year": 2026}).content.decode()
    table = html[html.index('id="month-figures"') :]
    assert "1–6月" in table and "+10.0%" in table  # against January–June 2025, not the whole year
    assert client.get(f"/ranking/zones/{zone_a.pk}/figures/", {"year": 1999}).status_code == 404


def test_reported_value_is_the_year_once_over_else_january_to_date_else_nothing(zone_a):
    ZoneMonth.objects.create(zone=zone_a, year=2026, month=3, tax_revenue=Decimal("30"))
    ZoneMonth.objects.create(zone=zone_a, year=2026, month=5, tax_revenue=Decimal("55"))
    ZoneYear.objects.create(zone=zone_a, year=2025, tax_revenue=Decimal("130"))
    value = "tax_revenue"
    assert reported_value(value, user=None, zone=zone_a, year=2026, as_of=dt.date(2026, 4, 30)) == Decimal("30")
    assert reported_value(value, user=None, zone=zone_a, year=2026, as_of=dt.date(2026, 6, 30)) == Decimal("55")
    assert reported_value(value, user=None, zone=zone_a, year=2025, as_of=dt.date(2025, 12, 31)) == Decimal("130")
    assert reported_value(value, user=None, zone=zone_a, year=2024, as_of=dt.date(2024, 12, 31)) is None


@pytest.mark.parametrize("url", ["/ranking/zones/{b}/figures/", "/api/zone-years/{year_b}/"])
def test_a_zone_user_sees_nothing_of_another_zones_figures(client, zone_a, zone_b, user_a, url):
    year_b = ZoneYear.objects.create(zone=zone_b, year=2025, gdp=Decimal("1"))
    client.force_login(user_a)
    assert client.get(url.format(b=zone_b.pk, year_b=year_b.pk)).status_code == 404


def test_the_api_lists_a_zone_users_own_years_and_no_peers(zone_a, zone_b, user_a, analyst):
    own = ZoneYear.objects.create(zone=zone_a, year=2025, gdp=Decimal("1"))
    ZoneYear.objects.create(zone=zone_b, year=2025, gdp=Decimal("2"))
    peer = PeerZone.objects.create(name="邻市经开区")
    ZoneYear.objects.create(peer=peer, year=2025, gdp=Decimal("3"))
    api = APIClient()
    api.force_authenticate(user_a)
    assert [row["id"] for row in api.get("/api/zone-years/").json()["results"]] == [own.pk]
    assert api.get("/api/peer-zones/").status_code == 404
    api.force_authenticate(analyst)
    assert api.get("/api/zone-years/", {"peers": "true"}).json()["count"] == 1
    assert api.get("/api/peer-zones/").json()["count"] == 1


def test_a_zone_user_may_not_write_another_zones_year_through_the_api(zone_a, zone_b):
    staff = make_user("staff_x", "zone_staff", zones=[zone_a])
    api = APIClient()
    api.force_authenticate(staff)
    created = api.post("/api/zone-years/", {"zone": zone_a.pk, "year": 2025, "gdp": "10"}, format="json")
    assert created.status_code == 201
    refused = api.post("/api/zone-years/", {"zone": zone_b.pk, "year": 2025, "gdp": "10"}, format="json")
    assert refused.status_code == 400 and ZoneYear.objects.filter(zone=zone_b).count() == 0


def test_the_figures_list_names_the_latest_period_in_either_language(client, zone_a, city_admin):
    from django.conf import settings

    ZoneYear.objects.create(zone=zone_a, year=2025, gdp=Decimal("1"))
    ZoneMonth.objects.create(zone=zone_a, year=2026, month=5, gdp=Decimal("1"))
    client.force_login(city_admin)
    assert "2026年1–5月" in client.get("/ranking/figures/").content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "2026, months 1–5" in client.get("/ranking/figures/").content.decode()
