"""Zone and parcel pages, the home page, login, error pages and the admin."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client

from yuanqu.accounts.models import User
from yuanqu.accounts.testing import PASSWORD, make_user
from yuanqu.core.access import Role
from yuanqu.core.models import ChangeLogEntry
from yuanqu.enterprises.models import Enterprise
from yuanqu.enterprises.testing import make_enterprise
from yuanqu.land.testing import make_parcel
from yuanqu.zones.testing import make_zone


@pytest.fixture
def staff(client: Client, user_a) -> Client:
    client.force_login(user_a)
    return client


def test_login_form_logs_in_and_logout_logs_out(client: Client, user_a):
    assert client.get("/").status_code == 302
    response = client.post("/login/", {"username": "staff_a", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert "staff_a" in client.get("/").content.decode()
    assert client.post("/logout/").status_code == 302
    assert client.get("/")["Location"] == "/login/?next=/"


def test_wrong_password_says_so(client: Client, user_a):
    html = client.post("/login/", {"username": "staff_a", "password": "wrong"}).content.decode()
    assert "用户名或密码不正确。" in html


def test_zone_list_puts_sub_parks_under_their_parents(staff, zone_a, world_a):
    deeper = make_zone("甲光电产业园一期", parent=world_a.sub_park)
    html = staff.get("/zones/").content.decode()
    assert html.index(zone_a.name + "</a>") < html.index(world_a.sub_park.name) < html.index(deeper.name)
    assert f'<td class="depth-1"><span class="muted">└ </span><a href="/zones/{world_a.sub_park.pk}/">' in html
    assert f'<td class="depth-2"><span class="muted">└ </span><a href="/zones/{deeper.pk}/">' in html


def test_zone_list_filters_by_level_and_kind(staff, zone_a):
    make_zone("甲综合保税区", parent=zone_a, level="national", kind="bonded")
    html = staff.get("/zones/", {"kind": "bonded"}).content.decode()
    assert "甲综合保税区" in html
    assert f"{zone_a.name}</a>" not in html
    assert staff.get("/zones/", {"level": "galactic"}).status_code == 400


def test_zone_page_counts_include_sub_parks_and_link_to_filtered_lists(staff, world_a):
    zone = world_a.zone
    html = staff.get(f"/zones/{zone.pk}/").content.decode()
    assert f'<a id="zone-enterprises" href="/enterprises/?zone={zone.pk}">2</a>' in html
    assert f'<a id="zone-parcels" href="/land/parcels/?zone={zone.pk}">2</a>' in html
    assert "30.00" in html
    assert world_a.sub_park.name in html
    assert "省级" in html
    assert "省级开发区" in html


def test_parcel_list_filters_and_shows_who_uses_each_parcel(staff, world_a):
    make_parcel(world_a.zone, "甲-SF-009", land_use="commercial")
    html = staff.get("/land/parcels/", {"land_use": "commercial"}).content.decode()
    assert "甲-SF-009" in html
    assert world_a.parcel.code not in html
    html = staff.get("/land/parcels/", {"q": "gy-001"}).content.decode()
    assert 'id="result-count">1<' in html
    assert f'<a href="/enterprises/{world_a.enterprise.pk}/">{world_a.enterprise.name}</a>' in html
    html = staff.get("/land/parcels/", {"zone": world_a.sub_park.pk}).content.decode()
    assert world_a.sub_parcel.code in html
    assert world_a.parcel.code not in html


def test_parcel_list_query_count_does_not_grow_with_the_page(staff, world_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count():
        with CaptureQueriesContext(connection) as queries:
            staff.get("/land/parcels/")
        return len(queries)

    few = count()
    for n in range(30):
        parcel = make_parcel(world_a.zone, f"甲-X-{n:03d}")
        enterprise = make_enterprise(world_a.zone, f"甲用地企业{n}")
        enterprise.land.create(parcel=parcel, area_mu=Decimal("15"))
    assert count() == few


def test_home_page_without_zones_says_whom_to_ask(client: Client, db):
    client.force_login(make_user("lonely", Role.ZONE_STAFF))
    html = client.get("/").content.decode()
    assert "您还没有可查看的园区" in html
    assert '<div class="figure" id="count-zones">0</div>' in html


def test_not_found_page_in_chinese_and_english(staff):
    response = staff.get("/enterprises/999999/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()
    staff.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = staff.get("/enterprises/999999/")
    assert "Page not found" in response.content.decode()


def test_menus_show_only_pages_that_exist_and_no_capability_codes(staff):
    html = staff.get("/").content.decode()
    top = html[html.index('<nav class="capabilities"') : html.index("</nav>")]
    assert [label for label in ("一张图", "土地起底", "项目全生命周期", "亩均评价") if label in top] == [
        "一张图",
        "土地起底",
        "项目全生命周期",
        "亩均评价",
    ]
    assert "履约" not in top and "C1" not in top  # no placeholder of a capability, no internal code
    assert "用户管理" not in html  # staff do not manage users
    assert staff.get("/capability/C1/").status_code == 404


def test_read_only_roles_have_no_import_in_their_menu(client: Client, staff, db):
    assert 'href="/imports/"' in staff.get("/").content.decode()
    client.force_login(make_user("reader", Role.LEADER))
    html = client.get("/").content.decode()
    assert 'href="/imports/"' not in html
    assert 'href="/enterprises/"' in html  # the rest of the menu is there


def test_the_english_side_menu_names_its_lists_in_the_plural(staff):
    staff.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = staff.get("/").content.decode()
    side = html[html.index('<aside class="sidebar">') : html.index("</aside>")]
    for label in ("Zones", "Enterprises", "Parcels", "Industry chains", "Responsibility letters"):
        assert f">{label}</a>" in side


# The admin


@pytest.fixture
def city(client: Client, city_admin) -> Client:
    client.force_login(city_admin)
    return client


def test_admin_edit_goes_through_the_service_and_logs_page(city, city_admin, enterprise_a):
    response = city.post(
        f"/admin/enterprises/enterprise/{enterprise_a.pk}/change/",
        {
            "uscc": enterprise_a.uscc.lower(),
            "name": "甲精密机械（集团）有限公司",
            "zone": enterprise_a.zone_id,
            "status": "active",
            "industry_code": "C3311",
            "years-TOTAL_FORMS": "0",
            "years-INITIAL_FORMS": "0",
            "land-TOTAL_FORMS": "0",
            "land-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    enterprise = Enterprise.objects.get(pk=enterprise_a.pk)
    assert (enterprise.name, enterprise.industry_division, enterprise.uscc) == (
        "甲精密机械（集团）有限公司",
        "33",
        enterprise_a.uscc,
    )
    entry = ChangeLogEntry.objects.get(
        object_id=str(enterprise_a.pk), content_type__model="enterprise", action="update"
    )
    assert (entry.source, entry.user) == ("page", city_admin)


def test_admin_shows_a_bad_industry_code_on_the_form(city, enterprise_a):
    response = city.post(
        f"/admin/enterprises/enterprise/{enterprise_a.pk}/change/",
        {
            "uscc": enterprise_a.uscc,
            "name": enterprise_a.name,
            "zone": enterprise_a.zone_id,
            "status": "active",
            "industry_code": "9999",
            "years-TOTAL_FORMS": "0",
            "years-INITIAL_FORMS": "0",
            "land-TOTAL_FORMS": "0",
            "land-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "不存在的行业大类 99" in response.content.decode()


def test_admin_delete_goes_through_the_service_and_is_logged(city, city_admin, zone_a):
    enterprise = make_enterprise(zone_a, "甲待删除有限公司")
    response = city.post(f"/admin/enterprises/enterprise/{enterprise.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Enterprise.objects.filter(pk=enterprise.pk).exists()
    entry = ChangeLogEntry.objects.get(object_id=str(enterprise.pk), content_type__model="enterprise", action="delete")
    assert (entry.source, entry.user) == ("page", city_admin)


def test_admin_zone_filter_offers_only_the_users_zones(client: Client, zone_a, zone_b, world_a):
    client.force_login(make_user("staff_admin", Role.ZONE_ADMIN, zones=[zone_a], is_staff=True))
    html = client.get("/admin/enterprises/enterprise/").content.decode()
    assert world_a.sub_park.name in html
    assert zone_b.name not in html


def test_change_log_is_read_only_in_the_admin(city, enterprise_a):
    entry = ChangeLogEntry.objects.filter(object_id=str(enterprise_a.pk), content_type__model="enterprise").first()
    html = city.get(f"/admin/core/changelogentry/{entry.pk}/change/").content.decode()
    assert enterprise_a.name in html
    assert 'name="_save"' not in html
    assert city.get("/admin/core/changelogentry/add/").status_code == 403


def test_zone_admin_in_the_admin_manages_only_its_zone_users(client: Client, zone_a, zone_b, user_a, user_b):
    admin = make_user("staff_admin", Role.ZONE_ADMIN, zones=[zone_a], is_staff=True)
    client.force_login(admin)
    html = client.get("/admin/accounts/user/").content.decode()
    assert user_a.username in html
    assert user_b.username not in html
    assert client.get(f"/admin/accounts/user/{user_b.pk}/change/", follow=True).redirect_chain == [("/admin/", 302)]
    response = client.post(
        "/admin/accounts/user/add/",
        {
            "username": "new_by_admin",
            "role": "zone_staff",
            "zones": [zone_b.pk],
            "usable_password": "true",
            "password1": "a-long-password",
            "password2": "a-long-password",
        },
    )
    assert response.status_code == 200  # zone B is not a choice
    assert not User.objects.filter(username="new_by_admin").exists()
    response = client.post(
        "/admin/accounts/user/add/",
        {
            "username": "new_by_admin",
            "role": "zone_staff",
            "zones": [zone_a.pk],
            "usable_password": "true",
            "password1": "a-long-password",
            "password2": "a-long-password",
        },
    )
    assert response.status_code == 302
    created = User.objects.get(username="new_by_admin")
    assert list(created.zones.all()) == [zone_a]
    assert created.check_password("a-long-password")


def test_server_error_page_renders_without_a_request_context(rf):
    from django.utils import translation
    from django.views.defaults import server_error

    with translation.override("zh-hans"):
        response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "服务器错误" in response.content.decode()


def test_forbidden_page_names_the_reason(client: Client, zone_a, enterprise_a):
    client.force_login(make_user("leader_a", Role.LEADER, zones=[zone_a]))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(f"/enterprises/{enterprise_a.pk}/edit/")
    html = response.content.decode()
    assert response.status_code == 403
    assert "Access denied" in html
    assert "not allowed to change data of this zone" in html
