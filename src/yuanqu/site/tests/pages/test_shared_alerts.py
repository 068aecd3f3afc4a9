"""The alert list (督办提醒) shows, beside the projects' alerts, what else is late in the user's zones: supervised
tasks past their deadline and enterprise requests past their due date, each with its owner and working days late;
a zone user never sees another zone's; the zone filter narrows them too."""

from __future__ import annotations

import datetime as dt

import pytest

from yuanqu.enterprises.testing import make_enterprise
from yuanqu.service.testing import make_request
from yuanqu.targets.models import Task

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


@pytest.fixture
def late_things(zone_a, zone_b, user_a):
    long_ago = TODAY - dt.timedelta(days=120)
    for zone, code in ((zone_a, "DB-A1"), (zone_b, "DB-B1")):
        Task.objects.create(
            code=code, zone=zone, title=f"{zone.name}道路提升", lead_unit="规划建设局", responsible="张工",
            assigned_on=long_ago, deadline=long_ago + dt.timedelta(days=30),
        )  # fmt: skip
    Task.objects.create(
        code="DB-A2",
        zone=zone_a,
        title="未到期事项",
        lead_unit="经发局",
        assigned_on=TODAY,
        deadline=TODAY + dt.timedelta(days=30),
    )
    for zone, name in ((zone_a, "甲诉求企业"), (zone_b, "乙诉求企业")):
        make_request(
            make_enterprise(zone, name), received_on=long_ago, unit="人社局", user=user_a if zone == zone_a else None
        )


def section(html: str, key: str) -> str:
    start = html.index(f'id="other-{key}"')
    return html[start : html.index("</section>", start)]


def test_a_zone_user_sees_its_late_tasks_and_requests_beside_the_projects(client, user_a, late_things):
    client.force_login(user_a)
    html = client.get("/projects/alerts/").content.decode()
    tasks, requests = section(html, "tasks-late"), section(html, "requests-late")
    assert "DB-A1" in tasks and "规划建设局 · 张工" in tasks and "DB-B1" not in tasks and "未到期事项" not in tasks
    assert "甲诉求企业" in requests and "人社局" in requests and "乙诉求企业" not in requests
    assert "1 项" in tasks and "1 项" in requests


def test_the_city_sees_every_zone_and_the_zone_filter_narrows_them(client, city_admin, zone_b, late_things):
    client.force_login(city_admin)
    html = client.get("/projects/alerts/").content.decode()
    assert "DB-A1" in section(html, "tasks-late") and "DB-B1" in section(html, "tasks-late")
    narrowed = client.get("/projects/alerts/", {"zone": zone_b.pk}).content.decode()
    assert "DB-A1" not in section(narrowed, "tasks-late") and "DB-B1" in section(narrowed, "tasks-late")
    assert "甲诉求企业" not in section(narrowed, "requests-late") and "乙诉求企业" in section(narrowed, "requests-late")
    client.cookies["django_language"] = "en"
    english = client.get("/projects/alerts/").content.decode()
    assert "Supervised tasks overdue" in english and "Enterprise requests overdue" in english
