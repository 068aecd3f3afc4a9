"""Creating, editing and deleting projects and their agreements in the web, and the lead screening on the page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from yuanqu.accounts.testing import make_user
from yuanqu.core.access import Role
from yuanqu.enterprises.testing import make_enterprise
from yuanqu.land.testing import make_parcel
from yuanqu.projects.models import Agreement, Project, Stage, StageEvent
from yuanqu.projects.testing import make_project
from yuanqu.zones.testing import make_zone

D = dt.date


@pytest.fixture
def client_a(client: Client, user_a) -> Client:
    client.force_login(user_a)
    return client


def form_data(zone, **fields) -> dict:
    return {
        "name": "甲氢能装备项目",
        "zone": zone.pk,
        "investor": "某氢能科技有限公司",
        "investor_origin": "上海",
        "industry_code": "C3441",
        "total_investment": "150000",
        "fixed_asset_investment": "120000",
        "foreign_investment": "",
        "land_mu": "200",
        "lead_source": "驻沪招商分局",
        "contact_verified": "on",
        "investor_capacity": "strong",
        "is_top500": "on",
        "leader": "王副市长",
        "agent": "李代办",
        "parcel": "",
        "enterprise": "",
        **fields,
    }


def test_list_offers_new_project_to_editors_only(client_a, client, zone_a):
    assert 'id="project-create"' in client_a.get("/projects/").content.decode()
    client.force_login(make_user("leader_a", Role.LEADER, zones=[zone_a]))
    assert 'id="project-create"' not in client.get("/projects/").content.decode()
    assert client.get("/projects/new/").status_code == 403


def test_create_saves_every_field_and_starts_the_timeline(client_a, zone_a, user_a):
    parcel = make_parcel(zone_a, "甲-GY-009")
    enterprise = make_enterprise(zone_a, "甲氢能装备有限公司")
    response = client_a.post("/projects/new/", form_data(zone_a, parcel=parcel.pk, enterprise=enterprise.pk))
    assert response.status_code == 302
    project = Project.objects.get(name="甲氢能装备项目")
    assert response["Location"] == f"/projects/{project.pk}/"
    assert (project.industry_code, project.industry_section, project.industry_division) == ("3441", "C", "34")
    assert (project.total_investment, project.land_mu) == (Decimal("150000"), Decimal("200"))
    assert (project.contact_verified, project.investor_capacity, project.is_top500) == (True, "strong", True)
    assert (project.parcel, project.enterprise, project.stage) == (parcel, enterprise, "lead")
    assert list(StageEvent.objects.filter(project=project).values_list("to_stage", "recorded_by")) == [
        ("lead", user_a.pk)
    ]
    html = client_a.get(f"/projects/{project.pk}/").content.decode()
    assert "15.00" in html and "实力强" in html and "甲-GY-009" in html  # 150000 万元 shown as 15.00 亿元


def test_bad_input_rerenders_with_bilingual_messages_and_saves_nothing(client_a, zone_a):
    response = client_a.post("/projects/new/", form_data(zone_a, industry_code="C99X", total_investment="-5"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "C99X：行业代码应为 2–4 位数字，可带门类字母（如 C3981） / an industry code is 2 to 4 digits" in html
    response = client_a.post("/projects/new/", form_data(zone_a, name="甲二号项目", industry_code="A3441"))
    assert "门类字母 A 与大类 34 不符（应为 C）" in response.content.decode()
    assert not Project.objects.filter(name="甲二号项目").exists()


def test_negative_investment_is_refused(client_a, zone_a):
    response = client_a.post("/projects/new/", form_data(zone_a, total_investment="-5"))
    assert response.status_code == 400
    assert not Project.objects.exists()


def test_zone_a_staff_cannot_create_in_zone_b_nor_link_b_parcels(client_a, zone_a, zone_b):
    response = client_a.post("/projects/new/", form_data(zone_b))
    assert response.status_code == 400
    assert "选择一个有效的选项" in response.content.decode()  # zone B is not among the choices
    parcel_b = make_parcel(zone_b, "乙-GY-001")
    response = client_a.post("/projects/new/", form_data(zone_a, parcel=parcel_b.pk))
    assert response.status_code == 400
    assert "乙-GY-001" not in response.content.decode()
    assert not Project.objects.exists()


def test_parcel_of_another_zone_of_the_user_is_refused_with_both_names(client, zone_a, zone_b):
    client.force_login(make_user("both", Role.ZONE_STAFF, zones=[zone_a, zone_b]))
    parcel_b = make_parcel(zone_b, "乙-GY-001")
    response = client.post("/projects/new/", form_data(zone_a, parcel=parcel_b.pk))
    assert response.status_code == 400
    assert (
        "地块“乙-GY-001”不属于所选园区“甲经济开发区” / the parcel 乙-GY-001 is not in the chosen zone 甲经济开发区"
        in response.content.decode()
    )


def test_a_parcel_of_a_sub_park_may_be_chosen(client_a, zone_a):
    sub_park = make_zone("甲光电产业园", code="A001-S", parent=zone_a)
    parcel = make_parcel(sub_park, "甲-GY-010")
    assert client_a.post("/projects/new/", form_data(zone_a, parcel=parcel.pk)).status_code == 302
    assert Project.objects.get().parcel == parcel


def test_create_warns_of_possible_duplicates_until_saved_anyway(client_a, zone_a):
    existing = make_project(zone_a, "甲氢能装备一期项目")
    response = client_a.post("/projects/new/", form_data(zone_a))
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="possible-duplicates"' in html and f'href="/projects/{existing.pk}/"' in html
    assert not Project.objects.filter(name="甲氢能装备项目").exists()
    response = client_a.post("/projects/new/", form_data(zone_a, save_anyway="1"))
    assert response.status_code == 302
    assert Project.objects.filter(name="甲氢能装备项目").count() == 1


def test_edit_changes_fields_and_shows_the_current_investment_in_yi(client_a, zone_a):
    project = make_project(zone_a, "甲氢能项目", total_investment="250000", industry_code="3441")
    html = client_a.get(f"/projects/{project.pk}/edit/").content.decode()
    assert "当前 25.00 亿元" in html and 'value="3441"' in html
    response = client_a.post(
        f"/projects/{project.pk}/edit/", form_data(zone_a, name="甲氢能装备项目", industry_code="3442")
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.name, project.industry_code, project.total_investment, project.stage) == (
        "甲氢能装备项目",
        "3442",
        Decimal("150000"),
        "lead",
    )
    assert project.events.count() == 1  # editing is not a stage change


def test_leader_cannot_edit_delete_or_enter_the_agreement(client, zone_a):
    project = make_project(zone_a, "甲氢能项目")
    client.force_login(make_user("leader_a", Role.LEADER, zones=[zone_a]))
    assert 'id="project-actions"' not in client.get(f"/projects/{project.pk}/").content.decode()
    for url in ("edit", "delete", "agreement"):
        assert client.get(f"/projects/{project.pk}/{url}/").status_code == 403
    assert client.post(f"/projects/{project.pk}/delete/", {"confirm": "on"}).status_code == 403
    assert Project.objects.filter(pk=project.pk).exists()


def test_agreement_is_created_then_edited_through_the_form(client_a, zone_a):
    project = make_project(zone_a, "甲氢能项目", history=[(Stage.LEAD, D(2025, 1, 2)), (Stage.SIGNED, D(2025, 3, 3))])
    assert "录入投资协议" in client_a.get(f"/projects/{project.pk}/").content.decode()
    data = {"signed_on": "2025-03-03", "total_investment": "150000", "intensity": "500", "start_by": "2025-09-30"}
    assert client_a.post(f"/projects/{project.pk}/agreement/", data).status_code == 302
    agreement = Agreement.objects.get(project=project)
    assert (agreement.intensity, agreement.start_by) == (Decimal("500"), D(2025, 9, 30))
    response = client_a.post(f"/projects/{project.pk}/agreement/", {**data, "start_by": "not a date"})
    assert response.status_code == 200 and "有效的日期" in response.content.decode()
    client_a.post(f"/projects/{project.pk}/agreement/", {**data, "tax_per_mu": "30"})
    assert Agreement.objects.filter(project=project).count() == 1
    assert Agreement.objects.get(project=project).tax_per_mu == Decimal("30")


def test_delete_needs_the_confirmation(client_a, zone_a):
    project = make_project(zone_a, "甲氢能项目")
    assert "确认删除该项目及其全部进度记录" in client_a.get(f"/projects/{project.pk}/delete/").content.decode()
    assert client_a.post(f"/projects/{project.pk}/delete/", {}).status_code == 400
    assert Project.objects.filter(pk=project.pk).exists()
    response = client_a.post(f"/projects/{project.pk}/delete/", {"confirm": "on"})
    assert response.status_code == 302 and response["Location"] == "/projects/"
    assert not Project.objects.filter(pk=project.pk).exists()
    assert not StageEvent.objects.filter(project_id=project.pk).exists()


def test_lead_page_lists_what_screening_lacks_and_the_possible_duplicates(client_a, zone_a):
    other = make_project(zone_a, "甲氢能装备一期项目")
    lead = make_project(zone_a, "甲氢能装备项目", investor="某氢能")
    html = client_a.get(f"/projects/{lead.pk}/").content.decode()
    screening = html.split('id="screening"')[1].split("</div>")[0]
    assert "缺少：信息来源、行业代码、联系人核实、投资方实力判断" in screening
    assert f'href="/projects/{other.pk}/"' in screening and "甲氢能装备一期项目" in screening


def test_advance_form_needs_the_not_duplicate_confirmation(client_a, zone_a):
    make_project(zone_a, "甲氢能装备一期项目")
    lead = make_project(
        zone_a,
        "甲氢能装备项目",
        investor="某氢能",
        lead_source="推介会",
        industry_code="3441",
        contact_verified=True,
        investor_capacity="adequate",
    )
    response = client_a.post(f"/projects/{lead.pk}/advance/", {"to_stage": "negotiating", "on": "2025-03-01"})
    assert response.status_code == 400
    assert "可能与已有项目重复：甲氢能装备一期项目" in response.content.decode()
    response = client_a.post(
        f"/projects/{lead.pk}/advance/", {"to_stage": "negotiating", "on": "2025-03-01", "not_duplicate": "on"}
    )
    assert response.status_code == 302
    lead.refresh_from_db()
    assert lead.stage == "negotiating"
    html = client_a.get(f"/projects/{lead.pk}/").content.decode()
    assert "不是重复项目（已比对：甲氢能装备一期项目）" in html.split('id="timeline"')[1]


def test_the_lead_date_starts_the_timeline_and_cannot_be_in_the_future(client_a, zone_a):
    response = client_a.post("/projects/new/", form_data(zone_a, lead_on="2999-01-01"))
    assert response.status_code == 400
    assert "日期 2999-01-01 在今天之后 / the date 2999-01-01 is in the future" in response.content.decode()
    assert client_a.post("/projects/new/", form_data(zone_a, lead_on="2025-04-01")).status_code == 302
    project = Project.objects.get()
    assert list(project.events.values_list("to_stage", "on")) == [("lead", D(2025, 4, 1))]
    assert "lead_on" not in client_a.get(f"/projects/{project.pk}/edit/").content.decode()


def test_project_page_hides_a_parcel_linked_from_a_zone_the_user_cannot_see(client_a, zone_a, zone_b):
    parcel_b = make_parcel(zone_b, "乙-GY-001")
    parcel_a = make_parcel(zone_a, "甲-GY-001")
    hidden = make_project(zone_a, "甲跨区项目", parcel=parcel_b)  # linked by a city administrator
    shown = make_project(zone_a, "甲本区项目", parcel=parcel_a, history=[(Stage.SIGNED, D(2025, 3, 3))])
    html = client_a.get(f"/projects/{hidden.pk}/").content.decode()
    assert "乙-GY-001" not in html and 'name="not_duplicate"' in html  # a lead: the box is there
    html = client_a.get(f"/projects/{shown.pk}/").content.decode()
    assert f'href="/land/parcels/{parcel_a.pk}/">甲-GY-001<' in html and 'name="not_duplicate"' not in html
