"""An enterprise's linked officials and its plan (一企一策) with measures, written from the enterprise's page:
through the services (checked against the user's zones, change-logged); bad input named, nothing written."""

from __future__ import annotations

import datetime as dt

import pytest

from yuanqu.accounts.models import Role
from yuanqu.accounts.testing import make_user
from yuanqu.core.models import ChangeLogEntry
from yuanqu.service.models import EnterpriseOfficial, EnterprisePlan, PlanMeasure

pytestmark = pytest.mark.django_db


def test_a_zone_user_links_an_official_and_writes_the_plan_with_its_measures(client, user_a, admin_a, enterprise_a):
    client.force_login(user_a)
    page = client.get(f"/enterprises/{enterprise_a.pk}/").content.decode()
    assert 'id="official-add"' in page and 'id="plan-add"' in page

    response = client.post(
        f"/service/enterprises/{enterprise_a.pk}/officials/add/",
        {"official": admin_a.pk, "role": "linked_official", "since": "2026-03-01"},
    )
    assert response.status_code == 302 and response["Location"].endswith(
        f"/enterprises/{enterprise_a.pk}/#service-panel"
    )
    link = EnterpriseOfficial.objects.get(enterprise=enterprise_a)
    assert (link.official, link.role, link.since) == (admin_a, "linked_official", dt.date(2026, 3, 1))

    assert (
        client.post(
            f"/service/enterprises/{enterprise_a.pk}/plans/add/", {"year": 2026, "goal": "稳产扩能"}
        ).status_code
        == 302
    )
    plan = EnterprisePlan.objects.get(enterprise=enterprise_a, year=2026)
    measure = {"content": "协调新增用地 20 亩", "owner": "规划建设局", "due_on": "2026-09-30", "state": "planned"}
    assert client.post(f"/service/plans/{plan.pk}/measures/add/", measure).status_code == 302
    added = PlanMeasure.objects.get(plan=plan)
    assert (added.content, added.owner, added.due_on) == ("协调新增用地 20 亩", "规划建设局", dt.date(2026, 9, 30))
    assert client.post(f"/service/measures/{added.pk}/edit/", {**measure, "state": "done"}).status_code == 302
    added.refresh_from_db()
    assert added.state == "done"
    page = client.get(f"/enterprises/{enterprise_a.pk}/").content.decode()
    assert "协调新增用地 20 亩" in page and "稳产扩能" in page and str(admin_a) in page

    assert client.post(f"/service/measures/{added.pk}/delete/").status_code == 302
    assert client.post(f"/service/officials/{link.pk}/delete/").status_code == 302
    assert client.post(f"/service/plans/{plan.pk}/delete/").status_code == 302
    assert not (EnterpriseOfficial.objects.exists() or EnterprisePlan.objects.exists() or PlanMeasure.objects.exists())
    logged = set(ChangeLogEntry.objects.filter(username="staff_a").values_list("content_type__model", "action"))
    assert {("planmeasure", "update"), ("enterpriseofficial", "delete"), ("enterpriseplan", "create")} <= logged


def test_bad_input_is_named_and_writes_nothing(client, user_a, user_b, enterprise_a):
    client.force_login(user_a)
    plan = EnterprisePlan.objects.create(enterprise=enterprise_a, year=2026)
    cases = [
        (f"/service/enterprises/{enterprise_a.pk}/plans/add/", {"year": 2026}),  # a second plan for the year
        (f"/service/enterprises/{enterprise_a.pk}/plans/add/", {"year": 1900}),
        (
            f"/service/plans/{plan.pk}/measures/add/",
            {"content": "x", "owner": "y", "due_on": "明年", "state": "planned"},
        ),
        (
            f"/service/plans/{plan.pk}/measures/add/",
            {"content": "x", "owner": "y", "due_on": "2026-01-01", "state": "?"},
        ),
        # an official of another zone cannot see this enterprise, nor be offered
        (f"/service/enterprises/{enterprise_a.pk}/officials/add/", {"official": user_b.pk, "role": "linked_official"}),
    ]
    for url, data in cases:
        response = client.post(url, data)
        assert response.status_code == 400, (url, data)
        assert '<span class="error">' in response.content.decode() or 'class="messages"' in response.content.decode()
    assert EnterprisePlan.objects.count() == 1 and not PlanMeasure.objects.exists()
    assert not EnterpriseOfficial.objects.exists()


def test_nobody_writes_another_zones_enterprise_and_a_leader_writes_none(client, enterprise_a, zone_a, zone_b, admin_a):
    plan = EnterprisePlan.objects.create(enterprise=enterprise_a, year=2026)
    measure = PlanMeasure.objects.create(plan=plan, content="x", owner="y", due_on=dt.date(2026, 5, 1))
    link = EnterpriseOfficial.objects.create(enterprise=enterprise_a, official=admin_a)
    client.force_login(make_user("admin_b", Role.ZONE_ADMIN, zones=[zone_b]))
    for url in (
        f"/service/enterprises/{enterprise_a.pk}/officials/add/",
        f"/service/enterprises/{enterprise_a.pk}/plans/add/",
        f"/service/plans/{plan.pk}/edit/",
        f"/service/plans/{plan.pk}/measures/add/",
        f"/service/measures/{measure.pk}/edit/",
    ):
        assert client.get(url).status_code == 404, url
    for url in (
        f"/service/plans/{plan.pk}/delete/",
        f"/service/measures/{measure.pk}/delete/",
        f"/service/officials/{link.pk}/delete/",
    ):
        assert client.post(url).status_code == 404, url
    client.force_login(make_user("leader_a", Role.LEADER, zones=[zone_a]))
    assert 'id="plan-add"' not in client.get(f"/enterprises/{enterprise_a.pk}/").content.decode()
    assert client.post(f"/service/plans/{plan.pk}/delete/").status_code == 403
    assert client.get(f"/service/enterprises/{enterprise_a.pk}/plans/add/").status_code == 403
    assert (
        EnterprisePlan.objects.count() == 1
        and PlanMeasure.objects.count() == 1
        and EnterpriseOfficial.objects.count() == 1
    )


def test_linking_the_same_official_twice_is_said_plainly(client, user_a, admin_a, enterprise_a):
    EnterpriseOfficial.objects.create(enterprise=enterprise_a, official=admin_a, role="linked_official")
    client.force_login(user_a)
    response = client.post(
        f"/service/enterprises/{enterprise_a.pk}/officials/add/", {"official": admin_a.pk, "role": "linked_official"}
    )
    assert response.status_code == 400
    assert f"{admin_a} 已是该企业的挂钩领导。" in response.content.decode()
    assert EnterpriseOfficial.objects.count() == 1
