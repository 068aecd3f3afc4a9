"""The projects API beyond isolation: creating, the size class, and stage changes with their refusals."""

from __future__ import annotations

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from yuanqu.projects.models import Project


@pytest.fixture
def api(user_a) -> APIClient:
    client = APIClient()
    client.force_authenticate(user_a)
    return client


def test_create_then_advance_and_step_back(api, zone_a):
    created = api.post(
        "/api/projects/",
        {
            "name": "甲芯片项目",
            "zone": zone_a.pk,
            "industry_code": "3973",
            "total_investment": "120000",
            "investor": "某芯片有限公司",
            "lead_source": "驻外招商分局",
            "contact_verified": True,
            "investor_capacity": "adequate",
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["stage"], body["size_class"], body["industry_section"]) == ("lead", "10亿元以上", "C")
    assert (body["contact_verified"], body["investor_capacity"]) == (True, "adequate")
    url = f"/api/projects/{body['id']}/advance/"
    today = timezone.localdate().isoformat()  # a new project's timeline starts today
    assert api.post(url, {"to_stage": "signed", "on": today}, format="json").status_code == 200
    refused = api.post(url, {"to_stage": "negotiating", "on": today}, format="json")
    assert refused.status_code == 400
    assert "退回到洽谈阶段须说明原因" in refused.content.decode()
    backwards = api.post(url, {"to_stage": "registered", "on": "2025-09-01"}, format="json")
    assert backwards.status_code == 400 and "日期不能早于上一次阶段变更" in backwards.content.decode()
    assert api.post(url, {"to_stage": "signed", "on": "tomorrow"}, format="json").status_code == 400
    ok = api.post(url, {"to_stage": "negotiating", "on": today, "reason": "重新谈价格"}, format="json")
    assert ok.status_code == 200
    assert [(e["to_stage"], e["reason"]) for e in ok.json()["events"]][-1] == ("negotiating", "重新谈价格")


def test_stage_cannot_be_set_by_patch(api, zone_a):
    project = Project.objects.create(zone=zone_a, name="甲项目")
    response = api.patch(f"/api/projects/{project.pk}/", {"stage": "at_capacity"}, format="json")
    assert response.status_code == 200
    project.refresh_from_db()
    assert project.stage == "lead"


def test_agreement_put_then_compliance_in_the_project(api, zone_a):
    project = Project.objects.create(zone=zone_a, name="甲项目", stage="signed")
    url = f"/api/projects/{project.pk}/agreement/"
    assert api.get(url).status_code == 404
    put = api.put(url, {"start_by": "2025-03-01", "tax_per_mu": "20"}, format="json")
    assert put.status_code == 200, put.content
    assert put.json()["start_by"] == "2025-03-01"
    body = api.get(f"/api/projects/{project.pk}/").json()
    assert body["agreement"]["tax_per_mu"] == "20.0000"
    assert body["compliance"]["verdict"] == "breached"
    assert body["compliance"]["findings"][0]["zh"].startswith("约定 2025-03-01 开工，至今未开工，逾期")
    bad = api.put(url, {"start_by": "someday"}, format="json")
    assert bad.status_code == 400


def test_project_without_agreement_reads_as_null(api, zone_a):
    project = Project.objects.create(zone=zone_a, name="甲项目")
    body = api.get(f"/api/projects/{project.pk}/").json()
    assert (body["agreement"], body["compliance"]) == (None, None)


def test_create_answers_the_possible_duplicates_without_blocking(api, zone_a, zone_b):
    from yuanqu.projects.testing import make_project

    existing = make_project(zone_a, "甲芯片封测项目", investor="长电科技股份有限公司")
    make_project(zone_b, "甲芯片封测项目", investor="长电科技股份有限公司")  # another zone: not offered
    created = api.post(
        "/api/projects/",
        {"name": "甲芯片封测二期项目", "zone": zone_a.pk, "investor": "长电科技"},
        format="json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["possible_duplicates"] == [
        {
            "id": existing.pk,
            "name": "甲芯片封测项目",
            "zone": zone_a.pk,
            "zone_name": zone_a.name,
            "stage": "lead",
            "investor": "长电科技股份有限公司",
            "same_investor": True,
            "similarity": 0.833,  # 2 × 5 / (5 + 7) of the normalised names
        }
    ]
    assert Project.objects.filter(name="甲芯片封测二期项目").count() == 1
    # The project read back names the same duplicate (and the other way round); a list does not compute them.
    assert [d["id"] for d in api.get(f"/api/projects/{body['id']}/").json()["possible_duplicates"]] == [existing.pk]
    listed = api.get("/api/projects/").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert {row["possible_duplicates"] for row in rows} == {None}


def test_create_without_duplicates_answers_an_empty_list(api, zone_a):
    created = api.post("/api/projects/", {"name": "甲新材料项目", "zone": zone_a.pk}, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["possible_duplicates"] == []
