"""Zone evaluation in the API: methods and runs read by every signed-in user, a run started by an evaluator, and
results as far as the user may see them (a zone user's own zones in full; the others' name, total and rank once the
city opens the run's ranks)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from yuanqu.accounts.services import api_token
from yuanqu.accounts.testing import make_user
from yuanqu.core.access import Role
from yuanqu.ranking.models import ZoneEvaluationRun


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token(user=user)}")
    return client


@pytest.fixture
def zone_user(zone_a):
    return make_user("zone_staff_a", Role.ZONE_STAFF, zones=[zone_a])


def test_methods_and_runs_are_read_by_every_signed_in_user(zone_user, analyst, world):
    client = token_client(zone_user)
    methods = client.get("/api/zone-evaluation-methods/").json()
    assert [(m["name"], m["title"], m["digest"]) for m in methods["results"]] == [
        ("two-categories", "两类别测试方法", world.method.digest)
    ]
    runs = client.get("/api/zone-evaluation-runs/", {"ordering": "year"}).json()["results"]
    assert [(r["year"], r["method"], r["method_name"], r["others_visible"]) for r in runs] == [
        (2024, world.method.pk, "two-categories", False),
        (2025, world.method.pk, "two-categories", False),
    ]
    assert runs[0]["method_text"] == world.method.text
    assert APIClient().get("/api/zone-evaluation-runs/").status_code == 401
    method = world.method.pk
    assert client.put(f"/api/zone-evaluation-methods/{method}/", {}, format="json").status_code == 405
    assert client.delete(f"/api/zone-evaluation-runs/{runs[0]['id']}/").status_code == 403
    assert token_client(analyst).delete(f"/api/zone-evaluation-runs/{runs[0]['id']}/").status_code == 405
    assert ZoneEvaluationRun.objects.count() == 2


def test_an_analyst_starts_a_run_and_others_may_not(zone_user, analyst, world):
    response = token_client(analyst).post(
        "/api/zone-evaluation-runs/", {"year": 2025, "preset": "zones-reference"}, format="json"
    )
    assert response.status_code == 201, response.content
    run = ZoneEvaluationRun.objects.get(pk=response.json()["id"])
    assert (run.year, run.method.preset, run.created_by_id, run.results.count()) == (
        2025,
        "zones-reference",
        analyst.pk,
        7,
    )
    stored = token_client(analyst).post(
        "/api/zone-evaluation-runs/", {"year": 2024, "method": world.method.pk}, format="json"
    )
    assert stored.status_code == 201 and stored.json()["method"] == world.method.pk
    count = ZoneEvaluationRun.objects.count()
    refused = token_client(zone_user).post("/api/zone-evaluation-runs/", {"year": 2025, "preset": "zones-reference"})
    assert refused.status_code == 403
    for body in ({"year": 2025}, {"year": 2019, "preset": "zones-reference"}, {"year": "x", "preset": "nope"}):
        response = token_client(analyst).post("/api/zone-evaluation-runs/", body, format="json")
        assert response.status_code == 400, body
    assert "2019 年没有园区上报的年度数据" in str(
        token_client(analyst).post("/api/zone-evaluation-runs/", {"year": 2019, "preset": "zones-reference"}).json()
    )
    assert ZoneEvaluationRun.objects.count() == count


def test_results_in_full_for_a_city_user_by_group_and_rank(analyst, world, run):
    response = token_client(analyst).get("/api/zone-evaluation-results/", {"run": run.pk, "group": "provincial"})
    rows = response.json()["results"]
    assert [(r["name"], r["rank"], round(r["total"], 2), r["rank_change"], r["external"]) for r in rows] == [
        ("澄江临港经济开发区", 1, 82.0, 1, True),
        ("丙经济开发区", 2, 80.0, 1, False),
        ("甲经济开发区", 3, 70.0, -2, False),
        ("丁经济开发区", 4, 25.0, 0, False),
    ]
    d = rows[3]
    assert (d["detailed"], d["warning"], d["warning_zh"], d["rank_best"], d["rank_worst"]) == (
        True,
        "delisting",
        "摘牌预警",
        4,
        4,
    )
    assert d["indicators"]["budget_revenue"] == {"value": None, "score": 0.0, "points": 0.0, "issue": "missing_figure"}
    assert rows[2]["why"]["moves"][0]["indicator"] == "budget_revenue"
    assert rows[2]["move"]["options"][0]["needed"] == 120.02
    national = token_client(analyst).get("/api/zone-evaluation-results/", {"run": run.pk, "group": "national"})
    assert [(r["name"], r["status"]) for r in national.json()["results"]] == [
        ("乙高新技术产业开发区", "ranked"),
        ("鹭门经济技术开发区", "ranked"),
        ("戊经济技术开发区", "vetoed"),
    ]
    assert token_client(analyst).get("/api/zone-evaluation-results/", {"group": "bogus"}).status_code == 400


def test_a_zone_user_gets_his_zones_results_only(zone_user, world, run):
    client = token_client(zone_user)
    rows = client.get("/api/zone-evaluation-results/", {"page_size": 100}).json()["results"]
    assert [(r["name"], r["run"], r["detailed"]) for r in rows] == [
        ("甲经济开发区", run.pk, True),
        ("甲经济开发区", world.runs[2024].pk, True),
    ]
    c = world.result("C")
    assert client.get(f"/api/zone-evaluation-results/{c.pk}/").status_code == 404
    for query in ({"zone": world.zones["C"].pk}, {"peer": world.peers["P"].pk}, {"run": run.pk, "group": "national"}):
        assert client.get("/api/zone-evaluation-results/", query).json()["count"] == 0


def test_a_zone_user_gets_the_others_name_total_and_rank_once_opened(zone_user, world, run):
    ZoneEvaluationRun.objects.filter(pk=run.pk).update(others_visible=True)
    client = token_client(zone_user)
    rows = client.get("/api/zone-evaluation-results/", {"run": run.pk}).json()["results"]
    assert [(r["name"], r["rank"], r["detailed"]) for r in rows] == [
        ("乙高新技术产业开发区", 1, False),
        ("鹭门经济技术开发区", 2, False),
        ("澄江临港经济开发区", 1, False),
        ("丙经济开发区", 2, False),
        ("甲经济开发区", 3, True),
        ("丁经济开发区", 4, False),
    ]
    d = rows[5]
    assert d["total"] == 25.0
    for key in ("categories", "indicators", "why", "move", "warning", "warning_zh", "reason_zh", "rank_best"):
        assert d[key] is None, key
    assert rows[4]["categories"] == {"scale": pytest.approx(83.3333333), "revenue": 50.0}
    # The vetoed zone (an accident) is not among them, nor are the other year's results.
    e = world.result("E")
    assert client.get(f"/api/zone-evaluation-results/{e.pk}/").status_code == 404
    assert client.get(f"/api/zone-evaluation-results/{world.result('C', 2024).pk}/").status_code == 404
    assert client.get(f"/api/zone-evaluation-results/{world.result('C').pk}/").json()["detailed"] is False
