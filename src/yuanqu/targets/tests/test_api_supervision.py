"""The letters and tasks endpoints: a letter's progress at a date, a task created with a limit in working days,
taken along its flow and extended through the API, a step the flow refuses answered 400 with the reason."""

from __future__ import annotations

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from yuanqu.ranking.models import ZoneMonth
from yuanqu.targets.models import ResponsibilityLetter, Target

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user=user)
    return client


def test_a_letters_progress_at_a_date(zone_a, user_a):
    letter = ResponsibilityLetter.objects.create(zone=zone_a, year=2026)
    Target.objects.create(letter=letter, zone=zone_a, year=2026, indicator="reported_foreign_investment", value=1200)
    ZoneMonth.objects.create(zone=zone_a, year=2026, month=5, foreign_investment=Decimal(450))
    response = api(user_a).get(f"/api/letters/{letter.pk}/progress/", {"as_of": "2026-06-30"})
    (line,) = response.json()
    assert (line["actual"], line["share"], line["elapsed"], line["months"], line["colour"]) == (
        "450.0000", "0.3750", "0.4167", 5, "amber",
    )  # fmt: skip
    assert api(user_a).get(f"/api/letters/{letter.pk}/progress/", {"as_of": "soon"}).status_code == 400


def test_a_task_through_the_api(zone_a, admin_a, city_admin):
    payload = {"code": "API-1", "title": "整改", "zone": zone_a.pk, "lead_unit": "园区", "assigned_on": "2026-09-30",
               "limit_workdays": 4}  # fmt: skip
    created = api(admin_a).post("/api/tasks/", payload, format="json")
    assert created.status_code == 201, created.content
    task = created.json()
    assert (task["deadline"], task["state"]) == ("2026-10-12", "registered")
    url = f"/api/tasks/{task['id']}/"
    refused = api(admin_a).post(url + "advance/", {"to_state": "closed", "on": "2026-10-08", "by": "x"}, format="json")
    assert refused.status_code == 400 and "不能从“立项”转到“办结”" in refused.content.decode()
    assert (
        api(admin_a).post(url + "advance/", {"to_state": "assigned", "on": "2026-10-08", "by": "x"}).status_code == 403
    )
    moved = api(city_admin).post(url + "advance/", {"to_state": "assigned", "on": "2026-10-08", "by": "督查室"})
    assert moved.json()["state"] == "assigned"
    extended = api(admin_a).post(url + "extend/", {"new_deadline": "2026-10-30", "reason": "待批复", "approver": "赵"})
    assert (extended.json()["deadline"], extended.json()["original_deadline"]) == ("2026-10-30", "2026-10-12")
    assert api(admin_a).get("/api/tasks/", {"state": "assigned"}).json()["count"] == 1
