"""The enterprise list (filters, search, sorting, pagination, query count) and an enterprise's page."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from yuanqu.enterprises.testing import make_enterprise, make_enterprise_year
from yuanqu.land.models import EnterpriseLand
from yuanqu.zones.testing import make_zone

ROW = re.compile(r'<tr>\s*<td class="code">')


def rows(html: str) -> int:
    return len(ROW.findall(html))


def names_in_order(html: str, names: list[str]) -> list[str]:
    return sorted((n for n in names if n in html), key=html.index)


@pytest.fixture
def staff(client: Client, user_a) -> Client:
    client.force_login(user_a)
    return client


def test_list_filters_by_zone_including_sub_parks(staff, zone_a):
    park = make_zone("甲园区新材料产业园", parent=zone_a)
    other = make_zone("甲园区物流园", parent=zone_a)
    make_enterprise(zone_a, "甲总部有限公司")
    make_enterprise(park, "甲新材料有限公司")
    make_enterprise(other, "甲物流有限公司")
    html = staff.get("/enterprises/", {"zone": park.pk}).content.decode()
    assert "甲新材料有限公司" in html
    assert "甲总部有限公司" not in html
    assert "甲物流有限公司" not in html
    html = staff.get("/enterprises/", {"zone": zone_a.pk}).content.decode()
    assert rows(html) == 3


def test_list_filters_by_industry_division(staff, zone_a):
    make_enterprise(zone_a, "甲电子有限公司", industry_code="3981", industry_section="C", industry_division="39")
    make_enterprise(zone_a, "甲软件有限公司", industry_code="6513", industry_section="I", industry_division="65")
    html = staff.get("/enterprises/", {"industry_division": "65"}).content.decode()
    assert "甲软件有限公司" in html
    assert "甲电子有限公司" not in html
    assert "I6513 软件和信息技术服务业" in html


def test_above_scale_filter_uses_the_chosen_year(staff, zone_a):
    grown = make_enterprise(zone_a, "甲成长有限公司")
    make_enterprise_year(grown, 2023, above_scale=False)
    make_enterprise_year(grown, 2024, above_scale=True)
    small = make_enterprise(zone_a, "甲小微有限公司")
    make_enterprise_year(small, 2024, above_scale=False)
    html = staff.get("/enterprises/", {"above_scale": "true"}).content.decode()  # latest year, 2024
    assert "甲成长有限公司" in html
    assert "甲小微有限公司" not in html
    html = staff.get("/enterprises/", {"above_scale": "false", "year": 2023}).content.decode()
    assert "甲成长有限公司" in html
    assert "甲小微有限公司" not in html  # no 2023 figures: neither above nor below scale


def test_search_by_name_or_lower_case_credit_code(staff, zone_a, enterprise_a):
    make_enterprise(zone_a, "甲化工有限公司")
    assert rows(staff.get("/enterprises/", {"q": "精密"}).content.decode()) == 1
    html = staff.get("/enterprises/", {"q": enterprise_a.uscc[-8:].lower()}).content.decode()
    assert rows(html) == 1
    assert enterprise_a.name in html


def test_sorting_by_tax_and_tax_per_mu(staff, zone_a):
    figures = {"甲低税有限公司": ("100", "10"), "甲高税有限公司": ("900", "300"), "甲中税有限公司": ("500", "5")}
    for name, (tax, land) in figures.items():
        make_enterprise_year(make_enterprise(zone_a, name), 2024, tax=Decimal(tax), land_mu=Decimal(land))
    make_enterprise(zone_a, "甲无数据有限公司")
    names = [*figures, "甲无数据有限公司"]
    html = staff.get("/enterprises/", {"sort": "-tax"}).content.decode()
    assert names_in_order(html, names) == ["甲高税有限公司", "甲中税有限公司", "甲低税有限公司", "甲无数据有限公司"]
    html = staff.get("/enterprises/", {"sort": "-tax_per_mu"}).content.decode()
    # 500/5 = 100, 100/10 = 10, 900/300 = 3
    assert names_in_order(html, names) == ["甲中税有限公司", "甲低税有限公司", "甲高税有限公司", "甲无数据有限公司"]
    assert '<td class="num">100.00</td>' in html


def test_sixty_enterprises_make_two_pages_the_second_with_ten_rows(staff, zone_a):
    for n in range(60):
        make_enterprise(zone_a, f"甲企业{n:02d}有限公司")
    first = staff.get("/enterprises/").content.decode()
    second = staff.get("/enterprises/", {"page": 2}).content.decode()
    assert rows(first) == 50
    assert rows(second) == 10
    assert "甲企业59有限公司" in second
    assert 'href="?page=2"' in first
    assert '<span class="current" aria-current="page">2</span>' in second
    assert rows(staff.get("/enterprises/", {"page": "abc"}).content.decode()) == 50  # a bad page number: page 1


def _list_queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/enterprises/", {"sort": "-tax"})
    assert response.status_code == 200
    return len(queries)


def test_query_count_does_not_grow_with_the_page(staff, zone_a):
    for n in range(10):
        make_enterprise_year(make_enterprise(zone_a, f"甲企业{n:02d}有限公司"), 2024)
    ten = _list_queries(staff)
    for n in range(10, 60):
        make_enterprise_year(make_enterprise(zone_a, f"甲企业{n:02d}有限公司"), 2024)
    assert _list_queries(staff) == ten


def test_htmx_request_gets_the_table_alone(staff, enterprise_a):
    response = staff.get("/enterprises/", {"q": "精密"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="enterprise-table">')
    assert "<html" not in html
    assert enterprise_a.name in html


def test_list_shows_the_latest_years_tax_and_tax_per_mu(staff, enterprise_a):
    make_enterprise_year(enterprise_a, 2023, tax=Decimal("999"), land_mu=Decimal("10"))
    make_enterprise_year(enterprise_a, 2024, tax=Decimal("1234.5"), land_mu=Decimal("12.5"))
    html = staff.get("/enterprises/").content.decode()
    assert "年度 2024" in html
    assert '<td class="num">1,234.50</td>' in html
    assert '<td class="num">98.76</td>' in html  # 1234.5 / 12.5
    assert enterprise_a.uscc in html
    assert "C3981 计算机、通信和其他电子设备制造业" in html


def test_enterprise_page_shows_yearly_figures_with_units_and_ratios(staff, zone_a, enterprise_a):
    make_enterprise_year(
        enterprise_a,
        2024,
        above_scale=True,
        land_mu=Decimal("12.5"),
        tax=Decimal("1234.5"),
        revenue=Decimal("45678.9"),
        industrial_output=Decimal("50000"),
        value_added=Decimal("8000"),
        energy_tce=Decimal("3200"),
        electricity=Decimal("850.25"),
        emissions=Decimal("1.5"),
        rd_spending=Decimal("1500"),
        employees=321,
        high_tech=True,
    )
    make_enterprise_year(enterprise_a, 2023, tax=Decimal("1000"), land_mu=Decimal("12.5"))
    html = staff.get(f"/enterprises/{enterprise_a.pk}/").content.decode()
    table = html[html.index('id="yearly-figures"') : html.index("</table>", html.index('id="yearly-figures"'))]
    assert table.index(">2023") < table.index(">2024")
    for label, value in [
        ("用地面积（亩）", "12.50"),
        ("实缴税收（万元）", "1,234.50"),
        ("营业收入（万元）", "45,678.90"),
        ("工业总产值（万元）", "50,000.00"),
        ("工业增加值（万元）", "8,000.00"),
        ("综合能耗（吨标准煤）", "3,200.00"),
        ("用电量（万千瓦时）", "850.25"),
        ("主要污染物排放量（吨）", "1.50"),
        ("研发经费（万元）", "1,500.00"),
        ("从业人员（人）", "321"),
        ("亩均税收（万元/亩）", "98.76"),
        ("亩均营业收入（万元/亩）", "3,654.31"),
        ("单位能耗增加值（万元/吨标准煤）", "2.50"),
    ]:
        row = table[table.index(f">{label}</th>") : table.index("</tr>", table.index(f">{label}</th>"))]
        assert f'<td class="num">{value}</td>' in row, label
    high_tech = table[table.index(">高新技术企业</th>") :]
    assert high_tech.index("否") < high_tech.index("是")  # 2023 no, 2024 yes
    assert '<div id="enterprise-chart" class="chart"' in html
    assert '"tax_per_mu": [80.0, 98.76]' in html


def test_enterprise_page_lists_land_used_with_parcel_links(staff, world_a):
    rented = EnterpriseLand.objects.create(
        enterprise=world_a.enterprise, parcel=world_a.sub_parcel, area_mu=Decimal("3.5"), tenure="rented"
    )
    html = staff.get(f"/enterprises/{world_a.enterprise.pk}/").content.decode()
    land = html[html.index('id="land-used"') :]
    assert f'href="/land/parcels/{world_a.parcel.pk}/">{world_a.parcel.code}</a>' in land
    assert f'href="/land/parcels/{rented.parcel_id}/">{world_a.sub_parcel.code}</a>' in land
    assert "租用" in land
    assert '<td class="num">3.50</td>' in land


def test_enterprise_page_without_figures_says_so(staff, enterprise_a):
    html = staff.get(f"/enterprises/{enterprise_a.pk}/").content.decode()
    assert "暂无年度数据。" in html
    assert "enterprise-chart" not in html
