"""The targets endpoint and admin: writes through the service with the change log, the indicator chosen among the
registered measures and shown by their label, an unknown one refused with the reason."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from yuanqu.accounts.testing import make_user
from yuanqu.core.access import Role
from yuanqu.core.models import ChangeLogEntry
from yuanqu.targets.models import Target
from yuanqu.zones.testing import make_zone

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user=user)
    return client


def test_targets_are_written_through_the_service_with_change_log(zone_a, admin_a, month_counter):
    entries = ChangeLogEntry.objects.count()
    payload = {"zone": zone_a.pk, "year": 2026, "indicator": "test_months", "value": "25"}
    created = api(admin_a).post("/api/targets/", payload, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["indicator_label"] == "测试月数"
    # The target and the zone's letter for the year, which it went into.
    assert ChangeLogEntry.objects.count() == entries + 2
    assert Target.objects.get().letter.year == 2026
    again = api(admin_a).post("/api/targets/", payload, format="json")
    assert again.status_code == 400
    assert Target.objects.count() == 1


def test_an_unknown_indicator_is_400_with_the_reason(zone_a, admin_a, month_counter):
    payload = {"zone": zone_a.pk, "year": 2026, "indicator": "made_up", "value": "25"}
    response = api(admin_a).post("/api/targets/", payload, format="json")
    assert response.status_code == 400
    (message,) = response.json()["indicator"]
    assert message.startswith("未知指标：made_up") and "unknown indicator: made_up" in message
    assert not Target.objects.exists()


def test_the_list_filters_by_indicator_and_refuses_an_unknown_one(zone_a, user_a, month_counter):
    Target.objects.create(zone=zone_a, year=2026, indicator="test_months", value=3)
    listed = api(user_a).get("/api/targets/", {"indicator": "test_months"}).json()
    assert [(t["indicator"], t["indicator_label"]) for t in listed["results"]] == [("test_months", "测试月数")]
    assert api(user_a).get("/api/targets/", {"indicator": "made_up"}).status_code == 400


def test_the_admin_offers_the_measures_and_refuses_an_unknown_indicator(client, zone_a, month_counter):
    client.force_login(make_user("staff_admin_a", Role.ZONE_ADMIN, zones=[zone_a], is_staff=True))
    form = client.get("/admin/targets/target/add/").content.decode()
    assert '<option value="test_months">测试月数</option>' in form
    refused = client.post(
        "/admin/targets/target/add/", {"zone": zone_a.pk, "year": 2026, "indicator": "made_up", "value": "3"}
    )
    assert refused.status_code == 200 and "未知指标：made_up" in refused.content.decode()
    added = client.post(
        "/admin/targets/target/add/", {"zone": zone_a.pk, "year": 2026, "indicator": "test_months", "value": "3"}
    )
    assert added.status_code == 302
    created = ChangeLogEntry.objects.filter(content_type__app_label="targets", action="create")
    assert sorted(entry.content_type.model for entry in created) == ["responsibilityletter", "target"]
    assert '<td class="field-indicator_name">测试月数</td>' in client.get("/admin/targets/target/").content.decode()


def test_the_zone_filter_takes_the_sub_parks_as_the_pages_do(zone_a, zone_b, user_a, month_counter):
    sub = make_zone("甲园区分园", code="A001-9", parent=zone_a)
    for zone, value in ((zone_a, 3), (sub, 4), (zone_b, 5)):
        Target.objects.create(zone=zone, year=2026, indicator="test_months", value=value)
    by_zone = api(user_a).get("/api/targets/", {"zone": zone_a.pk}).json()["results"]
    assert sorted(float(t["value"]) for t in by_zone) == [3.0, 4.0]
    by_sub = api(user_a).get("/api/targets/", {"zone": sub.pk}).json()["results"]
    assert [float(t["value"]) for t in by_sub] == [4.0]
    assert api(user_a).get("/api/targets/", {"zone": zone_b.pk}).json()["results"] == []
