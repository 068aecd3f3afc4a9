"""The targets, deadline-rule, alert and monthly-statistics endpoints: who may write, the change log, bad
input as 400 with a reason, and the same numbers as the pages."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIClient

from yuanqu.accounts.services import api_token
from yuanqu.core.models import ChangeLogEntry
from yuanqu.projects.models import Stage, StageDeadline
from yuanqu.projects.testing import make_project
from yuanqu.targets.models import Target

D = dt.date


def api(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token(user=user)}")
    return client


def test_deadline_rules_are_read_by_all_and_changed_by_city_administrators_only(user_a, admin_a, city_admin):
    seeded = StageDeadline.objects.get(from_stage="signed", to_stage="started")
    listed = api(user_a).get("/api/deadline-rules/").json()["results"]
    assert [(r["label"], r["days"], r["unit"]) for r in listed] == [("签约到开工", 60, "workdays")]
    new = {"from_stage": "started", "to_stage": "completed", "days": 365, "unit": "calendar", "label": "开工到竣工"}
    for user in (user_a, admin_a):
        assert api(user).post("/api/deadline-rules/", new, format="json").status_code == 403
        assert api(user).patch(f"/api/deadline-rules/{seeded.pk}/", {"days": 1}, format="json").status_code == 403
        assert api(user).delete(f"/api/deadline-rules/{seeded.pk}/").status_code == 403
    assert StageDeadline.objects.count() == 1
    entries = ChangeLogEntry.objects.count()
    created = api(city_admin).post("/api/deadline-rules/", new, format="json")
    assert created.status_code == 201, created.content
    changed = api(city_admin).patch(f"/api/deadline-rules/{seeded.pk}/", {"days": 45}, format="json")
    assert changed.json()["days"] == 45
    assert ChangeLogEntry.objects.count() == entries + 2
    assert api(city_admin).delete(f"/api/deadline-rules/{created.json()['id']}/").status_code == 204
    assert list(StageDeadline.objects.values_list("days", flat=True)) == [45]


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (
            {"from_stage": "started", "to_stage": "signed", "days": 10},
            "the target stage signed must come after the starting stage started",
        ),
        (
            {"from_stage": "signed", "to_stage": "started", "days": 10},
            "a deadline rule from signed to started already exists",
        ),
    ],
    ids=["backwards", "duplicate pair"],
)
def test_bad_deadline_rule_is_400_with_the_reason(city_admin, payload, message):
    response = api(city_admin).post("/api/deadline-rules/", payload, format="json")
    assert response.status_code == 400
    assert message in response.content.decode()
    assert StageDeadline.objects.count() == 1


def test_targets_are_written_through_the_service_with_change_log(zone_a, admin_a):
    entries = ChangeLogEntry.objects.count()
    payload = {"zone": zone_a.pk, "year": 2026, "indicator": "started_count", "value": "25"}
    created = api(admin_a).post("/api/targets/", payload, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["indicator_label"] == "新开工亿元以上项目数"
    # The target and the zone's letter for the year, which it went into.
    assert ChangeLogEntry.objects.count() == entries + 2
    again = api(admin_a).post("/api/targets/", payload, format="json")
    assert again.status_code == 400
    assert Target.objects.count() == 1


def test_alerts_endpoint_names_rule_owner_and_lateness(zone_a, user_a):
    make_project(zone_a, "甲逾期项目", history=[(Stage.SIGNED, D(2025, 9, 26))], leader="王副市长", agent="李代办")
    data = api(user_a).get("/api/alerts/", {"kind": "deadline"}).json()
    assert data["count"] == 1
    row = data["results"][0]
    assert (row["project_name"], row["kind"], row["leader"], row["agent"]) == (
        "甲逾期项目",
        "deadline",
        "王副市长",
        "李代办",
    )
    assert row["rule_zh"] == "签约到开工（60 个工作日，2025-12-25 到期）"
    assert row["late_zh"] == f"逾期 {row['days']} 个工作日" and row["days"] > 200
    assert {c["kind"]: c["count"] for c in data["counts"]} == {
        "deadline": 1,
        "stalled": 0,  # signed long ago, but chased once: as an overdue deadline
        "agreement": 0,
        "idle_land": 0,
    }
    assert api(user_a).get("/api/alerts/", {"kind": "made_up"}).status_code == 400


def test_statistics_endpoint_gives_the_page_numbers(client, zone_a, user_a):
    make_project(zone_a, "甲大项目", history=[(Stage.SIGNED, D(2025, 3, 10))], total_investment="250000")
    make_project(zone_a, "甲小项目", history=[(Stage.SIGNED, D(2025, 3, 20))], total_investment="5000")
    Target.objects.create(zone=zone_a, year=2025, indicator="signed_count", value=4)
    query = {"zone": zone_a.pk, "year": 2025, "month": 3}
    data = api(user_a).get("/api/project-statistics/", query).json()
    client.force_login(user_a)
    page = client.get("/projects/statistics/", query).context
    assert [(r["month_count"], r["year_count"]) for r in data["rows"]] == [
        (r["month_count"], r["year_count"]) for r in page["rows"]
    ]
    signed = data["rows"][0]
    assert (signed["stage"], signed["size_class"], signed["month_count"], signed["month_investment_yi"]) == (
        "signed",
        None,
        2,
        "25.50000000",
    )
    assert [(t["indicator"], t["actual"], t["share"], t["rag"]) for t in data["targets"]] == [
        ("signed_count", "1.0000", "0.2500", "green")  # 90 of 365 days gone
    ]
    assert data["as_of"] == "2025-03-31"
