"""Editing through the pages: saves go through the services, land in the change log as "page", and show
in the object's history; mistakes come back as form errors, missing rights as 403."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from yuanqu.accounts.models import User
from yuanqu.core.access import Role
from yuanqu.core.models import ChangeLogEntry
from yuanqu.enterprises.models import Enterprise, EnterpriseYear
from yuanqu.enterprises.testing import make_enterprise_year, make_uscc
from yuanqu.land.models import Parcel


def enterprise_form(enterprise, **changes) -> dict:
    data = {
        "uscc": enterprise.uscc,
        "name": enterprise.name,
        "zone": enterprise.zone_id,
        "status": enterprise.status,
        "industry_code": enterprise.industry_code,
        "production_started_on": "",
    }
    data.update(changes)
    return data


@pytest.fixture
def staff(client: Client, user_a) -> Client:
    client.force_login(user_a)
    return client


def test_editing_an_enterprise_logs_the_change_as_page_and_shows_it_in_history(staff, user_a, enterprise_a):
    url = f"/enterprises/{enterprise_a.pk}/edit/"
    response = staff.post(url, enterprise_form(enterprise_a, name="甲精密机械股份有限公司", industry_code="C3311"))
    assert response.status_code == 302
    assert response["Location"] == f"/enterprises/{enterprise_a.pk}/"
    enterprise = Enterprise.objects.get(pk=enterprise_a.pk)
    assert enterprise.name == "甲精密机械股份有限公司"
    assert (enterprise.industry_code, enterprise.industry_section, enterprise.industry_division) == ("3311", "C", "33")
    entry = ChangeLogEntry.objects.get(
        object_id=str(enterprise_a.pk), content_type__model="enterprise", action="update"
    )
    assert (entry.source, entry.user, entry.username) == ("page", user_a, "staff_a")
    assert entry.before["name"] == "甲精密机械有限公司"
    assert entry.after["name"] == "甲精密机械股份有限公司"

    html = staff.get(f"/enterprises/{enterprise_a.pk}/").content.decode()
    history = html[html.index('id="history"') :]
    assert "已保存。" in html
    assert '<td class="source">页面</td>' in history
    assert "staff_a" in history
    assert "<del>甲精密机械有限公司</del> → <ins>甲精密机械股份有限公司</ins>" in history
    assert "<del>3981</del> → <ins>3311</ins>" in history


def test_bad_credit_code_and_industry_code_come_back_as_form_errors(staff, enterprise_a):
    # The factory's code is valid, so any other last character is a wrong check character (a fixed "0" was the
    # right one for some factory counts).
    wrong = "1" if enterprise_a.uscc[-1] == "0" else "0"
    response = staff.post(
        f"/enterprises/{enterprise_a.pk}/edit/",
        enterprise_form(enterprise_a, uscc=enterprise_a.uscc[:-1] + wrong, industry_code="9999"),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "统一社会信用代码校验位错误" in html
    assert "不存在的行业大类 99" in html
    assert Enterprise.objects.get(pk=enterprise_a.pk).uscc == enterprise_a.uscc
    assert not ChangeLogEntry.objects.filter(
        object_id=str(enterprise_a.pk), content_type__model="enterprise", action="update"
    ).exists()


def test_a_credit_code_taken_by_another_enterprise_is_a_form_error(staff, zone_a, enterprise_a):
    other = Enterprise.objects.create(uscc=make_uscc(99999), name="甲另一家有限公司", zone=zone_a)
    html = staff.post(f"/enterprises/{enterprise_a.pk}/edit/", enterprise_form(enterprise_a, uscc=other.uscc)).content
    assert "具有 统一社会信用代码 的 企业 已存在。" in html.decode()


def test_lower_case_credit_code_is_normalised(staff, enterprise_a):
    staff.post(f"/enterprises/{enterprise_a.pk}/edit/", enterprise_form(enterprise_a, uscc=enterprise_a.uscc.lower()))
    assert Enterprise.objects.get(pk=enterprise_a.pk).uscc == enterprise_a.uscc


def test_zone_choices_on_the_edit_form_are_the_users_editable_zones(staff, zone_a, zone_b, enterprise_a):
    html = staff.get(f"/enterprises/{enterprise_a.pk}/edit/").content.decode()
    assert zone_a.name in html
    assert zone_b.name not in html
    response = staff.post(f"/enterprises/{enterprise_a.pk}/edit/", enterprise_form(enterprise_a, zone=zone_b.pk))
    assert response.status_code == 200
    assert Enterprise.objects.get(pk=enterprise_a.pk).zone_id == zone_a.pk


def test_leader_and_analyst_see_no_edit_links_and_get_403(client: Client, zone_a, analyst, enterprise_a, world_a):
    from yuanqu.accounts.testing import make_user

    leader = make_user("leader_a", Role.LEADER, zones=[zone_a])
    for reader in (leader, analyst):
        client.force_login(reader)
        html = client.get(f"/enterprises/{enterprise_a.pk}/").content.decode()
        assert f"/enterprises/{enterprise_a.pk}/edit/" not in html
        assert "/years/add/" not in html
        assert (
            f"/land/parcels/{world_a.parcel.pk}/edit/"
            not in client.get(f"/land/parcels/{world_a.parcel.pk}/").content.decode()
        )
        response = client.post(f"/enterprises/{enterprise_a.pk}/edit/", enterprise_form(enterprise_a, name="改名"))
        assert response.status_code == 403
        assert "无权访问" in response.content.decode()
        assert client.get(f"/land/parcels/{world_a.parcel.pk}/edit/").status_code == 403
        assert client.get(f"/enterprises/years/{world_a.year.pk}/edit/").status_code == 403
    assert Enterprise.objects.get(pk=enterprise_a.pk).name == enterprise_a.name


def test_adding_and_editing_a_year(staff, enterprise_a):
    response = staff.post(
        f"/enterprises/{enterprise_a.pk}/years/add/",
        {"year": 2024, "above_scale": "on", "land_mu": "20", "tax": "600", "employees": "45"},
    )
    assert response.status_code == 302
    year = EnterpriseYear.objects.get(enterprise=enterprise_a, year=2024)
    assert (year.tax, year.land_mu, year.employees, year.above_scale) == (Decimal("600"), Decimal("20"), 45, True)

    staff.post(f"/enterprises/years/{year.pk}/edit/", {"year": 2024, "land_mu": "20", "tax": "800"})
    year.refresh_from_db()
    assert year.tax == Decimal("800")
    assert year.above_scale is False
    html = staff.get(f"/enterprises/{enterprise_a.pk}/").content.decode()
    assert "<del>600</del> → <ins>800</ins>" in html
    assert '<td class="num">40.00</td>' in html  # 800 / 20 tax per mu


def test_a_second_row_for_the_same_year_is_a_form_error(staff, enterprise_a):
    make_enterprise_year(enterprise_a, 2024)
    response = staff.post(f"/enterprises/{enterprise_a.pk}/years/add/", {"year": 2024, "tax": "1"})
    assert response.status_code == 200
    assert "包含 企业 和 年度 的 企业年度数据 已经存在。" in response.content.decode()
    assert EnterpriseYear.objects.filter(enterprise=enterprise_a).count() == 1


def test_negative_employees_and_text_in_numbers_are_form_errors(staff, enterprise_a):
    response = staff.post(f"/enterprises/{enterprise_a.pk}/years/add/", {"year": 2024, "employees": "-3", "tax": "abc"})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('class="error"') >= 2
    assert not EnterpriseYear.objects.filter(enterprise=enterprise_a).exists()


def test_editing_a_parcel_keeps_its_polygon_and_logs_the_change(staff, user_a, world_a):
    parcel = world_a.parcel
    response = staff.post(
        f"/land/parcels/{parcel.pk}/edit/",
        {
            "zone": parcel.zone_id,
            "code": parcel.code,
            "land_use": "warehouse",
            "supplied_on": "2021-03-01",
            "agreed_start_on": "2021-09-01",
            "delay_cause": "holder",
            "total_investment": "12000.5",
        },
    )
    assert response.status_code == 302
    saved = Parcel.objects.get(pk=parcel.pk)
    assert (saved.land_use, str(saved.supplied_on), saved.delay_cause) == ("warehouse", "2021-03-01", "holder")
    assert saved.total_investment == Decimal("12000.5")
    assert bytes(saved.geometry) == bytes(parcel.geometry)
    assert saved.area_mu == parcel.area_mu
    entry = ChangeLogEntry.objects.get(object_id=str(parcel.pk), content_type__model="parcel", action="update")
    assert entry.source == "page"
    assert entry.user == user_a
    html = staff.get(f"/land/parcels/{parcel.pk}/").content.decode()
    assert "<del>工业用地</del> → <ins>仓储用地</ins>" in html
    assert "12,000.50" in html


def test_parcel_page_has_a_map_of_its_polygon_without_external_urls(staff, world_a):
    html = staff.get(f"/land/parcels/{world_a.parcel.pk}/").content.decode()
    assert '<div id="parcel-map" class="map"' in html
    assert '"type": "Polygon"' in html
    assert "/static/vendor/maplibre-gl/maplibre-gl.js" in html
    assert "http://" not in html.replace("http://www.w3.org", "")
    assert "https://" not in html
    assert "15.00" in html  # area in mu of the 100 m square


def test_zone_admin_creates_a_user_of_its_zone(client: Client, admin_a, zone_a, zone_b):
    client.force_login(admin_a)
    form = client.get("/users/add/").content.decode()
    assert zone_a.name in form
    assert zone_b.name not in form
    assert "市级管理员" not in form
    response = client.post(
        "/users/add/",
        {"username": "new_staff", "role": "zone_staff", "zones": [zone_a.pk], "password": "a-long-password"},
    )
    assert response.status_code == 302
    user = User.objects.get(username="new_staff")
    assert (user.role, list(user.zones.all())) == ("zone_staff", [zone_a])
    assert user.check_password("a-long-password")
    assert "new_staff" in client.get("/users/").content.decode()


def test_zone_admin_cannot_bind_a_user_to_another_zone_or_make_a_city_admin(client: Client, admin_a, zone_b):
    client.force_login(admin_a)
    response = client.post(
        "/users/add/",
        {"username": "intruder", "role": "city_admin", "zones": [zone_b.pk], "password": "a-long-password"},
    )
    assert response.status_code == 200
    assert not User.objects.filter(username="intruder").exists()


def test_user_pages_are_refused_to_staff(client: Client, user_a):
    client.force_login(user_a)
    assert client.get("/users/").status_code == 403
    assert client.get("/users/add/").status_code == 403
    assert "/users/" not in client.get("/").content.decode()


def test_zone_admin_changes_a_users_role_and_password(client: Client, admin_a, user_a, zone_a):
    client.force_login(admin_a)
    form = client.get(f"/users/{user_a.pk}/edit/").content.decode()
    assert 'value="staff_a"' in form
    response = client.post(
        f"/users/{user_a.pk}/edit/",
        {
            "username": "ignored",
            "role": "leader",
            "zones": [zone_a.pk],
            "password": "another-long-pw",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(pk=user_a.pk)
    assert (user.username, user.role, user.is_active) == ("staff_a", "leader", True)
    assert user.check_password("another-long-pw")
    entry = ChangeLogEntry.objects.filter(content_type__model="user", object_id=str(user.pk), action="update").first()
    assert (entry.source, entry.user) == ("page", admin_a)
