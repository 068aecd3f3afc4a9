"""The alert list as a to-do list: pages, sorting, filters by kind, zone, owner and how late, counts by kind and
owner, acknowledge and snooze (stored, logged, zone-restricted), and the xlsx export."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.utils import timezone

from yuanqu.accounts.testing import make_user
from yuanqu.core.access import Role
from yuanqu.core.models import ChangeLogEntry
from yuanqu.projects.alerts import ALL, OPEN, SNOOZED, project_alerts
from yuanqu.projects.models import AlertResponse, Stage
from yuanqu.projects.testing import make_project

D = dt.date


def signed_long_ago(zone, name, days, **fields):
    """A project signed ``days`` calendar days ago and not started: the 60-working-day deadline is long past."""
    on = timezone.localdate() - dt.timedelta(days=days)
    return make_project(zone, name, history=[(Stage.LEAD, on - dt.timedelta(days=30)), (Stage.SIGNED, on)], **fields)


@pytest.fixture
def many(zone_a, zone_b):
    for i in range(55):
        signed_long_ago(zone_a, f"甲逾期{i:02d}", 200 + i, leader="王副区长" if i % 2 else "赵副区长", agent="李代办")
    signed_long_ago(zone_b, "乙逾期项目", 300, leader="乙领导")


def rows(response):
    return response.context["page"].object_list


def test_pages_of_fifty_in_order_with_counts_by_kind_and_owner(client, user_a, many):
    client.force_login(user_a)
    first = client.get("/projects/alerts/?kind=deadline&sort=-days")
    assert first.status_code == 200
    assert first.context["page"].paginator.count == 55 and len(rows(first)) == 50
    assert [a.project.name for a in rows(first)][:2] == ["甲逾期54", "甲逾期53"]  # the latest first
    second = client.get("/projects/alerts/?kind=deadline&sort=-days&page=2")
    assert [a.project.name for a in rows(second)] == ["甲逾期04", "甲逾期03", "甲逾期02", "甲逾期01", "甲逾期00"]
    html = second.content.decode()
    assert "乙逾期项目" not in html and "乙领导" not in html
    by_kind = {c["kind"]: c["count"] for c in first.context["counts"]}
    assert by_kind["deadline"] == 55
    assert {o["name"]: o["count"] for o in first.context["leaders"]} == {"王副区长": 27, "赵副区长": 28}
    by_name = client.get("/projects/alerts/?kind=deadline&sort=project")
    assert rows(by_name)[0].project.name == "甲逾期00"


def test_filters_by_leader_agent_and_how_late(client, user_a, many):
    client.force_login(user_a)
    wang = client.get("/projects/alerts/?kind=deadline&leader=王副区长")
    assert wang.context["page"].paginator.count == 27
    assert {a.leader for a in rows(wang)} == {"王副区长"}
    nobody = client.get("/projects/alerts/?agent=没有这个人")
    assert nobody.context["page"].paginator.count == 0
    everyone = project_alerts(user=user_a, kind="deadline")
    cut = sorted(a.days for a in everyone)[-10]
    late = client.get(f"/projects/alerts/?kind=deadline&min_days={cut}")
    assert late.context["page"].paginator.count == 10
    assert client.get("/projects/alerts/?kind=nonsense").status_code == 400
    assert client.get("/projects/alerts/?sort=nonsense").status_code == 400


def respond(client, project, key, action, **extra):
    return client.post(
        "/projects/alerts/respond/",
        {"project": project.pk, "key": key, "action": action, "next": "/projects/alerts/?kind=deadline", **extra},
    )


def test_acknowledge_snooze_and_reopen(client, user_a, zone_a):
    project = signed_long_ago(zone_a, "甲项目", 200)
    key = project_alerts(user=user_a, kind="deadline")[0].key
    client.force_login(user_a)
    response = respond(client, project, key, "acknowledged")
    assert response.status_code == 302 and response["Location"] == "/projects/alerts/?kind=deadline"
    stored = AlertResponse.objects.get()
    assert (stored.project, stored.key, stored.kind, stored.action, stored.responded_by) == (
        project,
        key,
        "deadline",
        "acknowledged",
        user_a,
    )
    assert ChangeLogEntry.objects.filter(content_type__model="alertresponse", action="create").count() == 1
    assert client.get("/projects/alerts/").context["page"].paginator.count == 0
    acknowledged = client.get("/projects/alerts/?state=acknowledged")
    assert [a.project.name for a in rows(acknowledged)] == ["甲项目"]
    assert "已知悉" in acknowledged.content.decode()

    # a snooze needs a later date and a reason
    follow = respond(client, project, key, "snoozed", until=str(timezone.localdate() + dt.timedelta(days=10)))
    assert "暂缓须说明原因" in client.get(follow["Location"]).content.decode()
    assert AlertResponse.objects.get().action == "acknowledged"
    until = timezone.localdate() + dt.timedelta(days=10)
    respond(client, project, key, "snoozed", until=str(until), reason="等待规划许可")
    stored = AlertResponse.objects.get()
    assert (stored.action, stored.until, stored.reason) == ("snoozed", until, "等待规划许可")
    assert ChangeLogEntry.objects.filter(content_type__model="alertresponse", action="update").count() == 1
    snoozed = client.get("/projects/alerts/?state=snoozed")
    assert [a.project.name for a in rows(snoozed)] == ["甲项目"]
    assert "等待规划许可" in snoozed.content.decode()
    # once the date has passed the alert is open again
    alert = project_alerts(user=user_a, kind="deadline")[0]
    from yuanqu.projects.alerts import attach_responses, state_of

    attach_responses([alert])
    assert state_of(alert, until - dt.timedelta(days=1)) == SNOOZED
    assert state_of(alert, until) == OPEN

    respond(client, project, key, "reopen")
    assert not AlertResponse.objects.exists()
    assert client.get("/projects/alerts/").context["page"].paginator.count == 1
    assert client.get(f"/projects/alerts/?state={ALL}").context["page"].paginator.count == 1


def test_responses_are_restricted_to_the_users_zones(client, user_b, zone_a, zone_b):
    project = signed_long_ago(zone_a, "甲项目", 200)
    client.force_login(user_b)
    assert respond(client, project, "deadline:1", "acknowledged").status_code == 404
    leader = make_user("leader_a", Role.LEADER, zones=[zone_a])
    client.force_login(leader)
    page = client.get("/projects/alerts/").content.decode()
    assert "甲项目" in page and "alert-acknowledge" not in page
    assert respond(client, project, "deadline:1", "acknowledged").status_code == 403
    assert not AlertResponse.objects.exists()


def test_an_unknown_alert_or_a_foreign_next_url_is_refused(client, user_a, zone_a):
    project = signed_long_ago(zone_a, "甲项目", 200)
    client.force_login(user_a)
    response = client.post(
        "/projects/alerts/respond/",
        {"project": project.pk, "key": "deadline:999", "action": "acknowledged", "next": "https://evil.example/"},
    )
    assert response.status_code == 302 and response["Location"] == "/projects/alerts/"
    assert not AlertResponse.objects.exists()
    assert client.post("/projects/alerts/respond/", {"project": "x"}).status_code == 400


def test_export_holds_every_page_with_the_filters(client, user_a, many):
    client.force_login(user_a)
    response = client.get("/projects/alerts/export.xlsx?kind=deadline&leader=王副区长&sort=-days")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [row for row in sheet.iter_rows(values_only=True) if any(v is not None for v in row)]
    header = next(i for i, row in enumerate(values) if row[0] == "项目名称")
    assert values[header][:6] == ("项目名称", "所属园区", "类型", "规则", "逾期情况", "逾期天数")
    data = values[header + 1 :]
    assert len(data) == 27
    assert data[0][0] == "甲逾期53" and data[0][2] == "期限逾期" and data[0][6] == "王副区长"
    assert data[0][5] > data[-1][5]
    assert not any("乙" in str(cell) for row in data for cell in row if cell)


def test_export_reads_in_english_for_a_user_reading_english(client, user_a, many):
    client.force_login(user_a)
    client.cookies["django_language"] = "en"
    response = client.get("/projects/alerts/export.xlsx?kind=deadline&leader=王副区长&sort=-days")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet.title == "Alerts"
    values = [row for row in sheet.iter_rows(values_only=True) if any(v is not None for v in row)]
    header = next(i for i, row in enumerate(values) if row[0] == "Project")
    assert values[header][:6] == ("Project", "Zone", "Kind", "Rule", "How late", "Days late")
    data = values[header + 1 :]
    assert len(data) == 27 and data[0][0] == "甲逾期53"  # names stay as recorded
    assert data[0][2] == "Overdue deadline" and data[0][8] == "Open"
    assert data[0][4].endswith("working days overdue") and data[0][3].startswith(
        "Signed → Construction started (60 working days, due "
    )
