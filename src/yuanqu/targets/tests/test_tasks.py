"""Supervised tasks: deadlines in working days across the Spring Festival and National Day with their make-up days,
lights (yellow exactly three working days before, red after), overdue working days kept when closed late, the
flow's allowed steps and who takes them, extensions, the bulletin, and isolation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from yuanqu.core.models import ChangeLogEntry
from yuanqu.targets.models import Task, TaskExtension
from yuanqu.targets.selectors import GREEN, RED, YELLOW, bulletin, scoped_tasks, task_light
from yuanqu.targets.services import advance_task, due_date, extend_task, save_task

D = dt.date
S = Task.State
pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("assigned", "workdays", "due"),
    [
        # Friday 13 Feb 2026; Saturday the 14th is a make-up workday, 15–23 Feb are off.
        (D(2026, 2, 13), 1, D(2026, 2, 14)),
        (D(2026, 2, 13), 3, D(2026, 2, 25)),
        # Wednesday 30 Sep 2026; 1–7 Oct are off, Saturday 10 Oct is a make-up workday.
        (D(2026, 9, 30), 2, D(2026, 10, 9)),
        (D(2026, 9, 30), 3, D(2026, 10, 10)),
        (D(2026, 9, 30), 4, D(2026, 10, 12)),
        # The assigned day is not counted even when it is a workday.
        (D(2026, 3, 2), 5, D(2026, 3, 9)),
    ],
)
def test_a_limit_in_working_days_gives_the_deadline(assigned, workdays, due):
    assert due_date(assigned_on=assigned, workdays=workdays) == due


def make_task(zone, code="DB-001", *, user=None, **fields) -> Task:
    values = {"title": "推进标准厂房建设", "lead_unit": "园区管委会", "assigned_on": D(2026, 9, 30)} | fields
    return save_task(task=Task(code=code, zone=zone, **values), user=user)


def test_saving_a_task_with_a_limit_sets_its_deadline_and_is_logged(zone_a, admin_a):
    task = make_task(zone_a, user=admin_a, limit_workdays=4)
    assert task.deadline == D(2026, 10, 12)
    assert ChangeLogEntry.objects.filter(content_type__model="task", action="create").count() == 1
    with pytest.raises(ValidationError):
        save_task(task=Task(code="DB-002", zone=zone_a, title="x", lead_unit="y", assigned_on=D(2026, 1, 5)), user=None)


@pytest.mark.parametrize(
    ("as_of", "light", "overdue"),
    [
        (D(2026, 10, 7), GREEN, 0),  # a holiday, four working days before
        (D(2026, 10, 8), YELLOW, 0),  # exactly three working days before Monday 12 October
        (D(2026, 10, 12), YELLOW, 0),  # the deadline itself
        (D(2026, 10, 13), RED, 1),
        (D(2026, 10, 19), RED, 5),
    ],
)
def test_lights_and_working_days_overdue(zone_a, as_of, light, overdue):
    task = make_task(zone_a, limit_workdays=4)
    row = task_light(task, as_of=as_of)
    assert (row["light"], row["overdue"], row["closed"]) == (light, overdue, False)


def walk(task, states, on, user=None):
    for state in states:
        advance_task(task=task, to_state=state, on=on, by="王五", user=user)


def test_the_flow_allows_its_steps_only_and_a_return_from_checking(zone_a, city_admin):
    task = make_task(zone_a, deadline=D(2026, 10, 12))
    with pytest.raises(ValidationError) as refused:
        advance_task(task=task, to_state=S.IN_PROGRESS, on=D(2026, 10, 8), by="王五", user=None)
    assert "不能从“立项”转到“办理”" in str(refused.value)
    walk(task, [S.ASSIGNED, S.ACKNOWLEDGED, S.IN_PROGRESS, S.REPORTED, S.CHECKING], D(2026, 10, 8))
    advance_task(task=task, to_state=S.IN_PROGRESS, on=D(2026, 10, 9), by="督查室", user=city_admin, note="材料不全")
    with pytest.raises(ValidationError):
        advance_task(task=task, to_state=S.CLOSED, on=D(2026, 10, 9), by="王五", user=None)
    with pytest.raises(ValidationError):  # before the last step
        advance_task(task=task, to_state=S.REPORTED, on=D(2026, 10, 8), by="王五", user=None)
    walk(task, [S.REPORTED, S.CHECKING, S.CLOSED], D(2026, 10, 15))
    task.refresh_from_db()
    assert (task.state, task.closed_on) == (S.CLOSED, D(2026, 10, 15))
    assert [step.state for step in task.steps.all()] == [
        "assigned", "acknowledged", "in_progress", "reported", "checking", "in_progress", "reported", "checking",
        "closed",
    ]  # fmt: skip
    # Closed three working days late (13, 14, 15 October): kept whatever the date it is looked at.
    row = task_light(task, as_of=D(2026, 12, 31))
    assert (row["light"], row["overdue"], row["late"]) == (RED, 3, True)
    with pytest.raises(ValidationError):
        advance_task(task=task, to_state=S.IN_PROGRESS, on=D(2026, 10, 16), by="王五", user=None)


def test_the_office_steps_are_the_city_users_and_owners_take_theirs(zone_a, admin_a, city_admin):
    task = make_task(zone_a, deadline=D(2026, 10, 12))
    with pytest.raises(PermissionDenied):
        advance_task(task=task, to_state=S.ASSIGNED, on=D(2026, 10, 8), by="园区", user=admin_a)
    advance_task(task=task, to_state=S.ASSIGNED, on=D(2026, 10, 8), by="督查室", user=city_admin)
    advance_task(task=task, to_state=S.ACKNOWLEDGED, on=D(2026, 10, 8), by="园区", user=admin_a)
    with pytest.raises(ValidationError):  # attachments only on a report back
        advance_task(
            task=task, to_state=S.IN_PROGRESS, on=D(2026, 10, 8), by="园区", user=admin_a,
            attachments=[SimpleUploadedFile("照片.jpg", b"x")],
        )  # fmt: skip


def test_an_extension_needs_a_reason_and_approver_and_keeps_the_original_deadline(zone_a, admin_a):
    task = make_task(zone_a, user=admin_a, limit_workdays=4)
    with pytest.raises(ValidationError):
        extend_task(
            task=task, new_deadline=D(2026, 10, 30), reason="", approver="赵局长", on=D(2026, 10, 9), user=admin_a
        )
    extend_task(
        task=task, new_deadline=D(2026, 10, 30), reason="待省厅批复", approver="赵局长", on=D(2026, 10, 9), user=admin_a
    )
    extend_task(
        task=task, new_deadline=D(2026, 11, 6), reason="再延一周", approver="赵局长", on=D(2026, 10, 29), user=admin_a
    )
    task.refresh_from_db()
    assert (task.original_deadline, task.deadline) == (D(2026, 10, 12), D(2026, 11, 6))
    assert list(TaskExtension.objects.values_list("previous_deadline", flat=True)) == [D(2026, 10, 12), D(2026, 10, 30)]
    assert task_light(task, as_of=D(2026, 10, 20))["light"] == GREEN
    save_task(task=task, user=admin_a)  # saving again keeps the extended deadline
    assert task.deadline == D(2026, 11, 6)


def test_city_level_tasks_are_seen_by_city_users_only_and_zones_see_their_own(zone_a, zone_b, user_a, city_admin):
    own = make_task(zone_a, "A-1", deadline=D(2026, 10, 12))
    make_task(zone_b, "B-1", deadline=D(2026, 10, 12))
    city = make_task(None, "C-1", deadline=D(2026, 10, 12))
    assert list(scoped_tasks(user_a)) == [own]
    assert set(scoped_tasks(city_admin)) == {own, city, Task.objects.get(code="B-1")}
    with pytest.raises(PermissionDenied):
        make_task(None, "C-2", user=user_a, deadline=D(2026, 10, 12))


def test_the_bulletin_lists_overdue_and_late_tasks_by_unit(zone_a, city_admin):
    make_task(zone_a, "A-1", deadline=D(2026, 10, 12), lead_unit="招商局")
    make_task(zone_a, "A-2", deadline=D(2026, 10, 30), lead_unit="招商局")
    late = make_task(zone_a, "A-3", deadline=D(2026, 10, 9), lead_unit="规划局")
    walk(late, [S.ASSIGNED, S.ACKNOWLEDGED, S.IN_PROGRESS, S.REPORTED, S.CHECKING, S.CLOSED], D(2026, 10, 13))
    units = bulletin(user=city_admin, start=D(2026, 10, 1), end=D(2026, 10, 20))
    assert [
        (u["unit"], [r["task"].code for r in u["overdue"]], [r["task"].code for r in u["late"]]) for u in units
    ] == [
        ("招商局", ["A-1"], []),
        ("规划局", [], ["A-3"]),
    ]
    assert units[1]["late"][0]["overdue"] == 3  # Saturday 10 October (a make-up workday), 12 and 13 October
