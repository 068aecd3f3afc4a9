"""A task's dated milestones: each with its light as a task's (yellow three working days before, red past its
date, reached on time or late by how many working days), added and completed on the task's page by the task's
editors only."""

from __future__ import annotations

import datetime as dt

import pytest

from yuanqu.targets.models import Task, TaskMilestone
from yuanqu.targets.selectors import milestone_rows

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def task(zone_a):
    return Task.objects.create(
        code="DB-9", zone=zone_a, title="标准厂房二期", lead_unit="规划建设局", assigned_on=D(2026, 9, 1),
        deadline=D(2026, 12, 31), state=Task.State.IN_PROGRESS,
    )  # fmt: skip


def test_milestone_lights_across_a_weekend(task):
    # Friday 2026-10-16 is three working days before Wednesday 10-21; 10-19 is a Monday.
    TaskMilestone.objects.create(task=task, title="方案批复", due_on=D(2026, 10, 21))
    TaskMilestone.objects.create(task=task, title="桩基完成", due_on=D(2026, 10, 9))
    TaskMilestone.objects.create(task=task, title="开工", due_on=D(2026, 10, 12), done_on=D(2026, 10, 14))
    TaskMilestone.objects.create(task=task, title="立项", due_on=D(2026, 9, 30), done_on=D(2026, 9, 29))
    rows = {r["milestone"].title: r for r in milestone_rows(task, as_of=D(2026, 10, 16))}
    assert (rows["方案批复"]["light"], rows["方案批复"]["late"]) == ("yellow", 0)
    # 10-10 (a Saturday) is the National Day make-up working day: 10-10, 10-12 … 10-16.
    assert (rows["桩基完成"]["light"], rows["桩基完成"]["late"]) == ("red", 6)
    assert (rows["开工"]["light"], rows["开工"]["late"], rows["开工"]["done"]) == ("red", 2, True)
    assert (rows["立项"]["light"], rows["立项"]["late"]) == ("green", 0)
    assert milestone_rows(task, as_of=D(2026, 10, 15))[-1]["light"] == "green"  # 方案批复, four working days out


def test_milestones_are_added_and_completed_on_the_page_by_the_tasks_editors(client, admin_a, user_b, task):
    client.force_login(admin_a)
    page = client.post(
        f"/supervision/tasks/{task.pk}/milestones/", {"title": "方案批复", "due_on": "2026-10-21"}, follow=True
    )
    milestone = TaskMilestone.objects.get(task=task)
    assert milestone.title == "方案批复" and "方案批复" in page.content.decode()
    bad = client.post(
        f"/supervision/tasks/{task.pk}/milestones/", {"title": "早于交办", "due_on": "2026-08-01"}, follow=True
    )
    assert "节点日期早于交办日期" in bad.content.decode() and TaskMilestone.objects.count() == 1
    client.post(f"/supervision/milestones/{milestone.pk}/done/", {"done_on": "2026-10-20"})
    milestone.refresh_from_db()
    assert milestone.done_on == D(2026, 10, 20)
    client.force_login(user_b)
    assert client.post(f"/supervision/milestones/{milestone.pk}/done/", {"done_on": "2026-10-21"}).status_code == 404
    assert (
        client.post(f"/supervision/tasks/{task.pk}/milestones/", {"title": "x", "due_on": "2026-10-21"}).status_code
        == 404
    )
    milestone.refresh_from_db()
    assert milestone.done_on == D(2026, 10, 20) and TaskMilestone.objects.count() == 1
