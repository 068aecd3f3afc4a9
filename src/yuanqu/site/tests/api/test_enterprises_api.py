"""Enterprises and their yearly figures through the API: validation, industry codes, filters, change log."""

from __future__ import annotations

from decimal import Decimal

import pytest

from yuanqu.accounts.testing import make_user
from yuanqu.core.access import Role
from yuanqu.core.models import ChangeLogEntry
from yuanqu.enterprises.models import Enterprise
from yuanqu.enterprises.testing import make_enterprise, make_enterprise_year, make_uscc

from .conftest import token_client


@pytest.fixture
def staff(zone_a):
    return make_user("staff_api", Role.ZONE_STAFF, zones=[zone_a])


def test_post_enterprise_with_valid_uscc_and_sectioned_industry_code(zone_a, staff):
    uscc = make_uscc(4242)
    response = token_client(staff).post(
        "/api/enterprises/",
        {"uscc": uscc.lower(), "name": "甲智能终端有限公司", "zone": zone_a.pk, "industry_code": "C3981"},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["uscc"] == uscc
    assert body["industry_code"] == "3981"
    assert body["industry_section"] == "C"
    assert body["industry_division"] == "39"
    assert body["industry_label"] == "C3981 计算机、通信和其他电子设备制造业"
    assert body["zone_name"] == zone_a.name
    stored = Enterprise.objects.get(uscc=uscc)
    assert (stored.industry_section, stored.industry_division) == ("C", "39")


def test_post_enterprise_with_wrong_check_character_is_400_naming_it(zone_a, staff):
    good = make_uscc(4243)
    wrong_check = good[:17] + ("0" if good[17] != "0" else "1")
    response = token_client(staff).post(
        "/api/enterprises/", {"uscc": wrong_check, "name": "坏代码公司", "zone": zone_a.pk}, format="json"
    )
    assert response.status_code == 400
    (message,) = response.json()["uscc"]
    assert "校验位" in message
    assert "check character" in message
    assert not Enterprise.objects.filter(name="坏代码公司").exists()


def test_post_enterprise_with_short_uscc_says_it_needs_18_characters(zone_a, staff):
    response = token_client(staff).post(
        "/api/enterprises/", {"uscc": "91320500", "name": "短代码公司", "zone": zone_a.pk}, format="json"
    )
    assert response.status_code == 400
    assert "18" in response.json()["uscc"][0]


def test_unknown_industry_division_is_400_in_both_languages(zone_a, staff):
    response = token_client(staff).post(
        "/api/enterprises/",
        {"uscc": make_uscc(4244), "name": "未知行业公司", "zone": zone_a.pk, "industry_code": "9901"},
        format="json",
    )
    assert response.status_code == 400
    (message,) = response.json()["industry_code"]
    assert "不存在的行业大类 99" in message
    assert "no such industry division 99" in message


def test_duplicate_uscc_written_differently_is_refused(zone_a, staff, enterprise_a):
    response = token_client(staff).post(
        "/api/enterprises/",
        {"uscc": f" {enterprise_a.uscc.lower()} ", "name": "重复公司", "zone": zone_a.pk},
        format="json",
    )
    assert response.status_code == 400
    assert "already exists" in response.json()["uscc"][0]
    assert Enterprise.objects.count() == 1


def test_patch_industry_code_rederives_section_and_division(staff, enterprise_a):
    response = token_client(staff).patch(
        f"/api/enterprises/{enterprise_a.pk}/", {"industry_code": "2710"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert (response.json()["industry_section"], response.json()["industry_division"]) == ("C", "27")


def test_enterprise_found_by_uscc_in_any_case(staff, enterprise_a):
    response = token_client(staff).get(f"/api/enterprises/by-uscc/{enterprise_a.uscc.lower()}/")
    assert response.status_code == 200
    assert response.json()["name"] == "甲精密机械有限公司"


def test_malformed_uscc_in_lookup_is_400_not_500(staff):
    response = token_client(staff).get("/api/enterprises/by-uscc/NOT-A-CODE/")
    assert response.status_code == 400
    assert "18" in response.json()["uscc"][0]


@pytest.fixture
def three_firms(zone_a):
    above = make_enterprise(zone_a, "规上公司", industry_code="2710", industry_section="C", industry_division="27")
    below = make_enterprise(zone_a, "规下公司", status=Enterprise.Status.SUSPENDED)
    earlier = make_enterprise(zone_a, "去年规上公司")
    make_enterprise_year(above, 2024, above_scale=True)
    make_enterprise_year(below, 2024, above_scale=False)
    make_enterprise_year(earlier, 2023, above_scale=True)
    return above, below, earlier


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"above_scale": "true", "year": "2024"}, ["规上公司"]),
        ({"above_scale": "false", "year": "2024"}, ["规下公司"]),
        ({"above_scale": "true", "year": "2023"}, ["去年规上公司"]),
        ({"year": "2024"}, ["规上公司", "规下公司"]),
        ({"above_scale": "true"}, ["规上公司"]),  # the latest year on record
        ({"industry_division": "27"}, ["规上公司"]),
        ({"industry_section": "c", "status": "suspended"}, ["规下公司"]),
        ({"search": "去年"}, ["去年规上公司"]),
    ],
)
def test_enterprise_filters(three_firms, staff, query, expected):
    response = token_client(staff).get("/api/enterprises/", query)
    assert [row["name"] for row in response.json()["results"]] == expected


def test_search_by_uscc(three_firms, staff):
    above = three_firms[0]
    response = token_client(staff).get("/api/enterprises/", {"search": above.uscc[-8:]})
    assert [row["id"] for row in response.json()["results"]] == [above.pk]


def test_enterprise_years_filtered_by_uscc_and_year(three_firms, staff):
    above = three_firms[0]
    make_enterprise_year(above, 2023, tax=Decimal("900"))
    client = token_client(staff)
    rows = client.get("/api/enterprise-years/", {"uscc": above.uscc, "ordering": "year"}).json()["results"]
    assert [(row["year"], row["tax"]) for row in rows] == [(2023, "900.0000"), (2024, "1200.0000")]
    assert rows[1]["tax_per_mu"] == "24.0000"  # 1200 万元 ÷ 50 亩
    rows = client.get("/api/enterprise-years/", {"year": 2024, "above_scale": "false"}).json()["results"]
    assert [row["enterprise_name"] for row in rows] == ["规下公司"]


def test_patching_tax_is_logged_with_api_source_and_token_user(staff, enterprise_a):
    year = make_enterprise_year(enterprise_a, 2024, tax=Decimal("1200"))
    response = token_client(staff).patch(f"/api/enterprise-years/{year.pk}/", {"tax": "1350.5"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["tax"] == "1350.5000"
    entry = ChangeLogEntry.objects.get(object_id=str(year.pk), content_type__model="enterpriseyear", action="update")
    assert entry.source == "api"
    assert entry.user == staff
    assert entry.username == "staff_api"
    ((field, before, after),) = entry.changes()
    assert (field, Decimal(before), Decimal(after)) == ("tax", Decimal("1200"), Decimal("1350.5"))


def test_second_row_for_same_enterprise_and_year_is_400(staff, enterprise_a):
    make_enterprise_year(enterprise_a, 2024)
    response = token_client(staff).post(
        "/api/enterprise-years/", {"enterprise": enterprise_a.pk, "year": 2024}, format="json"
    )
    assert response.status_code == 400
    assert enterprise_a.years.count() == 1


def test_implausible_year_is_400(staff, enterprise_a):
    response = token_client(staff).post(
        "/api/enterprise-years/", {"enterprise": enterprise_a.pk, "year": 1800}, format="json"
    )
    assert response.status_code == 400
    assert "year" in response.json()


def test_enterprise_land_created_and_listed_with_codes(staff, enterprise_a, zone_a):
    from yuanqu.land.testing import make_parcel

    parcel = make_parcel(zone_a, "JA-77")
    client = token_client(staff)
    created = client.post(
        "/api/enterprise-land/",
        {"enterprise": enterprise_a.pk, "parcel": parcel.pk, "tenure": "rented", "area_mu": "7.5"},
        format="json",
    )
    assert created.status_code == 201, created.content
    rows = client.get("/api/enterprise-land/", {"uscc": enterprise_a.uscc}).json()["results"]
    assert [(row["parcel_code"], row["tenure"], row["area_mu"]) for row in rows] == [("JA-77", "rented", "7.5000")]


def test_deleting_enterprise_removes_it_and_logs_it(staff, enterprise_a):
    response = token_client(staff).delete(f"/api/enterprises/{enterprise_a.pk}/")
    assert response.status_code == 204
    assert not Enterprise.objects.exists()
    entry = ChangeLogEntry.objects.get(object_id=str(enterprise_a.pk), action="delete")
    assert (entry.source, entry.user) == ("api", staff)
