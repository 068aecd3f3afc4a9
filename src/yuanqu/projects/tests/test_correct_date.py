"""A recorded stage change's date corrected: kept in order, not in the future, with a reason kept on the event and
the change log; the monthly statistics follow; nobody corrects another zone's project."""

from __future__ import annotations

import datetime as dt

import pytest

from yuanqu.core.models import ChangeLogEntry
from yuanqu.projects.models import Stage
from yuanqu.projects.statistics import measure
from yuanqu.projects.testing import make_project

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def project(zone_a):
    history = [(Stage.LEAD, D(2026, 1, 5)), (Stage.SIGNED, D(2026, 3, 10)), (Stage.STARTED, D(2026, 6, 1))]
    return make_project(zone_a, "甲项目", history=history, total_investment=20000)


def signed(project):
    return project.events.get(to_stage=Stage.SIGNED)


def test_a_signing_date_is_corrected_with_its_reason_and_the_statistics_follow(client, admin_a, zone_a, project):
    assert measure("signed_count", user=None, zone=zone_a, year=2026, as_of=D(2026, 2, 28)) == 0
    client.force_login(admin_a)
    assert "/projects/events/" in client.get(f"/projects/{project.pk}/").content.decode()
    response = client.post(
        f"/projects/events/{signed(project).pk}/correct/", {"on": "2026-02-20", "reason": "按协议签署日更正"}
    )
    assert response.status_code == 302
    event = signed(project)
    assert event.on == D(2026, 2, 20) and event.reason == "日期由 2026-03-10 更正为 2026-02-20：按协议签署日更正"
    assert measure("signed_count", user=None, zone=zone_a, year=2026, as_of=D(2026, 2, 28)) == 1
    entry = ChangeLogEntry.objects.filter(object_id=str(event.pk), action="update").latest("id")
    assert entry.before["on"] == "2026-03-10" and entry.after["on"] == "2026-02-20" and entry.username == "admin_a"


@pytest.mark.parametrize(
    ("data", "named"),
    [
        ({"on": "2025-12-31", "reason": "x"}, "2026-01-05"),  # before the lead
        ({"on": "2026-06-02", "reason": "x"}, "2026-06-01"),  # after the start
        ({"on": "2026-02-20", "reason": ""}, "has-error"),
        ({"on": "2026-03-10", "reason": "x"}, "日期未改变"),
        ({"on": "2999-01-01", "reason": "x"}, "在今天之后"),
        ({"on": "三月", "reason": "x"}, "has-error"),
    ],
)
def test_a_correction_out_of_order_or_without_a_reason_is_named_and_changes_nothing(
    client, admin_a, project, data, named
):
    client.force_login(admin_a)
    response = client.post(f"/projects/events/{signed(project).pk}/correct/", data)
    assert response.status_code == 400 and named in response.content.decode()
    assert signed(project).on == D(2026, 3, 10)


def test_nobody_corrects_another_zones_project_and_a_leader_corrects_none(client, user_b, project):
    from yuanqu.accounts.models import Role
    from yuanqu.accounts.testing import make_user

    client.force_login(user_b)
    assert (
        client.post(f"/projects/events/{signed(project).pk}/correct/", {"on": "2026-02-20", "reason": "x"}).status_code
        == 404
    )
    client.force_login(make_user("leader_a", Role.LEADER, zones=[project.zone]))
    assert "/projects/events/" not in client.get(f"/projects/{project.pk}/").content.decode()
    assert (
        client.post(f"/projects/events/{signed(project).pk}/correct/", {"on": "2026-02-20", "reason": "x"}).status_code
        == 403
    )
    assert signed(project).on == D(2026, 3, 10)
