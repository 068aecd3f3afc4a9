"""The project form for people: searchable parcel and enterprise pickers with a warning for a parcel in use, the
platform's people proposed as leader and agent, the next stage proposed, a confirmation after each change, and an
admission check that says when no rules are configured."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from yuanqu.accounts.testing import make_user
from yuanqu.core.access import Role
from yuanqu.enterprises.testing import make_enterprise
from yuanqu.land.models import EnterpriseLand
from yuanqu.land.testing import make_parcel
from yuanqu.projects.models import AdmissionCheck, Project, Stage
from yuanqu.projects.testing import make_project

D = dt.date


@pytest.fixture
def client_a(client: Client, user_a) -> Client:
    client.force_login(user_a)
    return client


@pytest.fixture
def land(zone_a, zone_b):
    used = make_parcel(zone_a, "甲-GY-101")
    free = make_parcel(zone_a, "甲-GY-102")
    make_parcel(zone_b, "乙-GY-101")
    firm = make_enterprise(zone_a, "甲精密制造有限公司", uscc="91320500MA1XXXXX01")
    EnterpriseLand.objects.create(enterprise=firm, parcel=used, area_mu=Decimal("10"))
    make_project(zone_a, "甲已有项目", parcel=used, enterprise=firm)
    make_enterprise(zone_b, "乙精密制造有限公司")
    return used, free, firm


def test_parcel_search_finds_part_of_a_code_in_the_users_zones_with_who_uses_it(client_a, land):
    results = client_a.get("/projects/pick/parcels.json", {"q": "GY-10"}).json()["results"]
    assert [r["label"] for r in results] == ["甲-GY-101（甲经济开发区）", "甲-GY-102（甲经济开发区）"]
    assert "甲已有项目" in results[0]["warning"] and "甲精密制造有限公司" in results[0]["warning"]
    assert results[1]["warning"] == ""
    # the project itself does not count as another user of its parcel
    own = Project.objects.get(name="甲已有项目")
    again = client_a.get("/projects/pick/parcels.json", {"q": "101", "project": own.pk}).json()["results"]
    assert "甲已有项目" not in again[0]["warning"] and "甲精密制造有限公司" in again[0]["warning"]


def test_enterprise_search_by_part_of_name_or_credit_code(client_a, land):
    by_name = client_a.get("/projects/pick/enterprises.json", {"q": "精密"}).json()["results"]
    assert [r["label"] for r in by_name] == ["甲精密制造有限公司（91320500MA1XXXXX01）"]
    assert "甲已有项目" in by_name[0]["warning"]
    by_code = client_a.get("/projects/pick/enterprises.json", {"q": "MA1XXXXX"}).json()["results"]
    assert len(by_code) == 1


def test_searches_find_nothing_of_another_zone(client, user_b, land):
    client.force_login(user_b)
    assert client.get("/projects/pick/parcels.json", {"q": "甲"}).json()["results"] == []
    assert client.get("/projects/pick/enterprises.json", {"q": "甲"}).json()["results"] == []
    assert "甲" not in client.get("/projects/pick/parcels.json", {"q": "GY"}).content.decode()


def form_data(zone, **fields) -> dict:
    return {"name": "甲新项目", "zone": zone.pk, "leader": "", "agent": "", "parcel": "", "enterprise": "", **fields}


def test_the_form_takes_the_picked_label_or_a_code_and_warns_of_a_parcel_in_use(client_a, zone_a, land):
    used, free, firm = land
    response = client_a.post(
        "/projects/new/",
        form_data(zone_a, parcel="甲-GY-101（甲经济开发区）", enterprise="91320500MA1XXXXX01"),
        follow=True,
    )
    project = Project.objects.get(name="甲新项目")
    assert (project.parcel, project.enterprise) == (used, firm)
    html = response.content.decode()
    assert "已新建项目：甲新项目" in html and "该地块已被" in html and "甲已有项目" in html
    edited = client_a.post(
        f"/projects/{project.pk}/edit/", form_data(zone_a, parcel="甲-GY-102", enterprise=""), follow=True
    )
    project.refresh_from_db()
    assert project.parcel == free and project.enterprise is None
    assert "已保存" in edited.content.decode() and "该地块已被" not in edited.content.decode()


def test_an_unknown_or_foreign_parcel_is_refused(client_a, zone_a, land):
    response = client_a.post("/projects/new/", form_data(zone_a, parcel="乙-GY-101"))
    assert response.status_code == 400 and "找不到" in response.content.decode()
    assert not Project.objects.filter(name="甲新项目").exists()


def test_the_edit_form_shows_the_linked_parcel_as_its_label(client_a, land):
    project = Project.objects.get(name="甲已有项目")
    html = client_a.get(f"/projects/{project.pk}/edit/").content.decode()
    assert 'value="甲-GY-101（甲经济开发区）"' in html and "data-picker=" in html
    assert "projects/picker.js" in html


def test_leader_and_agent_are_proposed_from_the_platforms_people(client_a, zone_a, zone_b, user_a):
    make_user("wang", Role.LEADER, zones=[zone_a], first_name="副区长", last_name="王")
    make_user("zhao", Role.ZONE_STAFF, zones=[zone_b], first_name="代办", last_name="赵")
    make_project(zone_a, "甲项目", agent="李代办")
    html = client_a.get("/projects/new/").content.decode()
    assert 'list="people-leader"' in html
    assert '<option value="王副区长">' in html and '<option value="李代办">' in html
    assert "赵代办" not in html  # a person of another zone is not proposed
    client_a.post("/projects/new/", form_data(zone_a, leader="随便写的名字"))
    assert Project.objects.get(name="甲新项目").leader == "随便写的名字"


def test_the_stage_form_proposes_the_next_stage_and_confirms(client_a, zone_a):
    project = make_project(zone_a, "甲项目", history=[(Stage.SIGNED, D(2025, 3, 1))])
    html = client_a.get(f"/projects/{project.pk}/").content.decode()
    assert '<option value="registered" selected>' in html
    response = client_a.post(
        f"/projects/{project.pk}/advance/", {"to_stage": "registered", "on": "2025-04-01"}, follow=True
    )
    assert "已记录：注册（2025-04-01）" in response.content.decode()


def test_admission_check_without_rules_says_so(client_a, zone_a):
    project = make_project(zone_a, "甲项目", history=[(Stage.NEGOTIATING, D(2025, 9, 1))])
    html = client_a.get(f"/projects/{project.pk}/").content.decode()
    assert "未配置准入规则" in html and "运行准入检查" not in html
    response = client_a.post(f"/projects/{project.pk}/admission/", follow=True)
    assert "未配置准入规则" in response.content.decode()
    assert not AdmissionCheck.objects.exists()
    from yuanqu.projects.services import run_admission_check

    check = run_admission_check(project=project, user=make_user("city", Role.CITY_ADMIN))
    assert check.passed is False and check.report[0]["zh"] == "未配置准入规则"


def test_project_search_by_part_of_a_name_within_the_zones_asked_and_the_users_own(client_a, zone_a, zone_b):
    from yuanqu.zones.testing import make_zone

    sub = make_zone("甲园", parent=zone_a)
    make_project(zone_a, "年产 5 万吨涂料项目")
    make_project(sub, "年产 3 万吨涂料项目")
    make_project(zone_b, "年产 8 万吨涂料项目")
    found = client_a.get("/projects/pick/projects.json", {"q": "涂料"}).json()["results"]
    assert [r["label"] for r in found] == ["年产 3 万吨涂料项目（甲园）", f"年产 5 万吨涂料项目（{zone_a.name}）"]
    only_sub = client_a.get("/projects/pick/projects.json", {"q": "涂料", "zone": sub.pk}).json()["results"]
    assert [r["label"] for r in only_sub] == ["年产 3 万吨涂料项目（甲园）"]
    asked_b = client_a.get("/projects/pick/projects.json", {"q": "涂料", "zone": zone_b.pk}).json()["results"]
    assert asked_b == []  # another zone's projects are never offered, even when asked for
    assert client_a.get("/projects/pick/projects.json", {"zone": "x"}).status_code == 200
