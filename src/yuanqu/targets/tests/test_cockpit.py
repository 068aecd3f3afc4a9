"""The targets section of the cockpit (the letters' lines coloured by pace, the supervised tasks late at the
period's date by unit) and the cockpit's targets lookup (a figure of another section gets its target and colour)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from yuanqu.core import registry
from yuanqu.core.cockpit import Period
from yuanqu.dashboard.cockpit import build_sections, scope_for, targets
from yuanqu.projects.models import Stage
from yuanqu.projects.testing import make_project
from yuanqu.targets import selectors
from yuanqu.targets.models import ResponsibilityLetter, Target, Task

pytestmark = pytest.mark.django_db

D = dt.date
PERIOD = Period(2026, 6, D(2026, 7, 15))  # taken at 30 June 2026: 181 of 365 days elapsed
KEYS = ("test_on_pace", "test_behind", "test_far_behind")


@pytest.fixture
def measures():
    """Three measures whose value per (key, zone) the test sets."""
    values: dict = {}
    for order, key in enumerate(KEYS):

        def measure(*, user, zone, year, as_of, key=key):
            return values.get((key, zone.pk))

        registry.measures.register(registry.Measure(key, key, "个", measure, order=990 + order))
    yield values
    for key in KEYS:
        registry.measures.unregister(key)


def line(zone, indicator, value, **fields):
    letter, _created = ResponsibilityLetter.objects.get_or_create(zone=zone, year=2026)
    return Target.objects.create(letter=letter, zone=zone, year=2026, indicator=indicator, value=value, **fields)


@pytest.fixture
def letters(zone_a, zone_b, measures):
    # On 365: green from 181 (the days elapsed), amber from 144.8 (80 % of them), red below.
    measures |= {("test_on_pace", zone_a.pk): 181, ("test_behind", zone_a.pk): 150, ("test_far_behind", zone_a.pk): 100}
    measures[("test_far_behind", zone_b.pk)] = 10
    return [
        line(zone_a, "test_on_pace", 365, leader="王建国", responsible_unit="经济发展局", order=1),
        line(zone_a, "test_behind", 365, leader="李明华", responsible_unit="招商服务局", order=2),
        line(zone_a, "test_far_behind", 365, leader="陈志强", responsible_unit="规划建设局", order=3),
        line(zone_b, "test_far_behind", 365),
    ]


def task(zone, code, unit, deadline, **fields):
    values = {"title": f"事项{code}", "lead_unit": unit, "assigned_on": D(2026, 5, 6), "deadline": deadline}
    return Task.objects.create(code=code, zone=zone, **(values | fields))


@pytest.fixture
def tasks(zone_a, zone_b):
    closed = Task.State.CLOSED
    return {
        "a1": task(zone_a, "DB-1", "规划建设局", D(2026, 6, 10), state=Task.State.IN_PROGRESS),
        "a2": task(zone_a, "DB-2", "规划建设局", D(2026, 6, 25)),
        # Closed after 30 June: still open and late then.
        "a3": task(zone_a, "DB-3", "经济发展局", D(2026, 5, 29), state=closed, closed_on=D(2026, 7, 5)),
        "on_time": task(zone_a, "DB-4", "经济发展局", D(2026, 6, 10), state=closed, closed_on=D(2026, 6, 1)),
        "not_due": task(zone_a, "DB-5", "经济发展局", D(2026, 7, 10)),
        "b": task(zone_b, "DB-6", "招商局", D(2026, 6, 1)),
        "city": task(None, "DB-7", "市工信局", D(2026, 6, 1)),
    }


def section(user, zone_id=None):
    found = build_sections(scope_for(user, zone_id=zone_id), PERIOD, keys=["targets"], cached=False)
    return found[0] if found else None


def by_key(items):
    return {item.key: item for item in items}


def test_lines_are_coloured_by_pace_and_counted(letters, user_a):
    found = section(user_a)
    figures = by_key(found.figures)
    assert [figures[k].value for k in ("lines_green", "lines_amber", "lines_red")] == [1, 1, 1]
    table = by_key(found.tables)["targets"]
    share = 5
    assert [(row.cells[1], row.cells[share], row.marks[share]) for row in table.rows] == [
        ("test_on_pace", Decimal("49.6"), "green"),  # 181 / 365
        ("test_behind", Decimal("41.1"), "amber"),
        ("test_far_behind", Decimal("27.4"), "red"),
    ]
    assert (table.rows[0].cells[7], table.rows[0].cells[8]) == ("王建国", "经济发展局")
    # The colours are the letter page's.
    letter = ResponsibilityLetter.objects.get(zone=letters[0].zone)
    page = selectors.letter_progress(letter, user=user_a, as_of=PERIOD.as_of)
    assert [row.marks[share] for row in table.rows] == [row["colour"] for row in page]
    assert by_key(found.tables)["letters"].rows[0].cells[2:5] == [1, 1, 1]


def test_late_tasks_by_the_unit_that_owns_them(tasks, user_a, city_admin):
    found = section(user_a)
    table = by_key(found.tables)["tasks-late"]
    # Working days late at 30 June 2026 (the Dragon Boat Festival, 19 June, is off): DB-3 from 29 May 21,
    # DB-1 from 10 June 13, DB-2 from 25 June 3.
    assert [(row.cells[0], row.cells[2], row.cells[4], row.cells[5]) for row in table.rows] == [
        ("DB-3", "经济发展局", "2026-05-29", 21),
        ("DB-1", "规划建设局", "2026-06-10", 13),
        ("DB-2", "规划建设局", "2026-06-25", 3),
    ]
    today = selectors.task_light(tasks["a1"], as_of=PERIOD.as_of)
    assert (today["light"], today["overdue"]) == ("red", 13)  # the task's page, at the same date
    chart = by_key(found.charts)["tasks-late-by-owner"]
    assert (chart.kind, chart.categories, chart.series[0].values) == ("hbar", ["规划建设局", "经济发展局"], [2, 1])
    figures = by_key(found.figures)
    assert (figures["tasks_late"].value, figures["tasks_open"].value) == (3, 4)  # DB-1, 2, 3 and 5 open then
    city = by_key(section(city_admin).figures)
    assert city["tasks_late"].value == 5  # and zone B's, and the city's own
    drilled = by_key(section(city_admin, zone_id=tasks["b"].zone_id).figures)
    assert drilled["tasks_late"].value == 1  # a zone drilled into: not the city's own


def test_a_zone_user_sees_only_its_zone(letters, tasks, user_b):
    found = section(user_b)
    assert [row.cells[0] for row in by_key(found.tables)["targets"].rows] == [letters[3].zone.name]
    assert by_key(found.figures)["lines_red"].value == 1
    assert [row.cells[0] for row in by_key(found.tables)["tasks-late"].rows] == ["DB-6"]


def test_nothing_to_show_no_section(user_a):
    assert section(user_a) is None


def signed(zone, name, on):
    history = [(Stage.LEAD, D(2026, 1, 5)), (Stage.SIGNED, on)]
    return make_project(zone, name, history=history, total_investment=20000)  # 2 亿元


def test_the_projects_figure_gets_the_letters_target_and_the_colour_of_its_pace(zone_a, zone_b, user_a, city_admin):
    letter_a = ResponsibilityLetter.objects.create(zone=zone_a, year=2026)
    Target.objects.create(letter=letter_a, zone=zone_a, year=2026, indicator="signed_count", value=4)
    letter_b = ResponsibilityLetter.objects.create(zone=zone_b, year=2026)
    Target.objects.create(letter=letter_b, zone=zone_b, year=2026, indicator="signed_count", value=6)
    signed(zone_a, "甲项目一", D(2026, 2, 10))
    signed(zone_a, "甲项目二", D(2026, 5, 20))
    signed(zone_a, "甲项目三", D(2026, 7, 1))  # after the period

    def signed_figure(user):
        projects = build_sections(scope_for(user), PERIOD, keys=["projects"], cached=False)[0]
        return by_key(projects.figures)["signed_count"]

    figure = signed_figure(user_a)
    # Zone A: 2 of 4 (50 %) against 181/365 (49.6 %) of the year: on pace.
    assert (figure.value, figure.target, figure.colour) == (2, Decimal(4), "green")
    assert (
        figure.colour
        == selectors.line_progress(Target.objects.get(zone=zone_a), user=user_a, as_of=PERIOD.as_of)["colour"]
    )
    # The city: 2 of 4 + 6 = 10 (20 %), under 80 % of the pace.
    figure = signed_figure(city_admin)
    assert (figure.value, figure.target, figure.colour) == (2, Decimal(10), "red")


def test_a_rate_takes_the_mean_target_and_the_worst_colour(zone_a, zone_b, city_admin):
    values = {zone_a.pk: 80, zone_b.pk: 20}
    rate = registry.Measure("test_rate", "按期率", "%", lambda *, user, zone, year, as_of: values[zone.pk], order=997)
    registry.measures.register(rate)
    try:
        Target.objects.create(zone=zone_a, year=2026, indicator="test_rate", value=90)
        Target.objects.create(zone=zone_b, year=2026, indicator="test_rate", value=80)
        found = targets(scope_for(city_admin), PERIOD)
    finally:
        registry.measures.unregister("test_rate")
    # Zone A 80/90 is above the pace, zone B 20/80 (25 %) under 80 % of it.
    assert found["test_rate"] == (Decimal(85), "red")


def test_the_lookup_is_cached_until_the_data_change(letters, zone_a, user_a, measures):
    scope = scope_for(user_a)
    first = targets(scope, PERIOD, version="v1")
    assert first["test_behind"] == (Decimal(365), "amber")
    measures[("test_behind", zone_a.pk)] = 181
    assert targets(scope, PERIOD, version="v1")["test_behind"] == (Decimal(365), "amber")
    assert targets(scope, PERIOD, version="v2")["test_behind"] == (Decimal(365), "green")
