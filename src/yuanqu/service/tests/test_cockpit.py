"""The enterprise-service section of the cockpit: requests received, open and late at the period's date, closed on
time from January to the month against last year's same months, late requests by the unit that owns them, requests
by category, and zone isolation."""

from __future__ import annotations

import datetime as dt

import pytest

from yuanqu.core.cockpit import Period
from yuanqu.dashboard.cockpit import build_sections, scope_for
from yuanqu.service import deadlines
from yuanqu.service.models import ServiceRequest
from yuanqu.service.selectors import on_time_measure
from yuanqu.service.testing import make_category, make_request

pytestmark = pytest.mark.django_db

D = dt.date
PERIOD = Period(2026, 6, D(2026, 7, 15))  # January–June, taken at 30 June 2026; last year at 30 June 2025


def request(enterprise, received_on, *, unit="", closed_on=None, category=None, kind="help"):
    made = make_request(enterprise, received_on=received_on, kind=kind, category=category or make_category())
    fields = {"unit": unit}
    if closed_on is not None:
        fields |= {"closed_on": closed_on, "state": ServiceRequest.State.CLOSED}
    ServiceRequest.objects.filter(pk=made.pk).update(**fields)
    made.refresh_from_db()
    return made


@pytest.fixture
def requests(enterprise_a, enterprise_b):
    finance = make_category("finance", "融资")
    a = enterprise_a
    return {
        # Due 8 June (five working days), open: 15 working days late at 30 June (19 June is the Dragon Boat Festival).
        "r1": request(a, D(2026, 6, 1), unit="供电公司"),
        # Due 23 June, open: 5 working days late.
        "r2": request(a, D(2026, 6, 15), unit="供电公司"),
        "r3": request(a, D(2026, 6, 22), kind="complaint", category=finance),  # due in July
        "r4": request(a, D(2026, 3, 2), closed_on=D(2026, 3, 5), category=finance),  # on time
        "r5": request(a, D(2026, 4, 1), closed_on=D(2026, 5, 20)),  # late
        "r6": request(a, D(2026, 5, 11), unit="住建局", closed_on=D(2026, 7, 3)),  # open and late at 30 June
        "r7": request(a, D(2025, 5, 6), closed_on=D(2025, 5, 8)),  # on time
        "r8": request(a, D(2025, 4, 1), closed_on=D(2025, 6, 20)),  # late
        "r9": request(a, D(2025, 3, 3), closed_on=D(2025, 8, 1)),  # closed after June
        "r10": request(a, D(2025, 1, 6), closed_on=D(2025, 1, 7)),  # on time
        "b": request(enterprise_b, D(2026, 6, 1), unit="招商局"),
    }


def section(user, zone_id=None):
    found = build_sections(scope_for(user, zone_id=zone_id), PERIOD, keys=["service"], cached=False)
    return found[0] if found else None


def by_key(items):
    return {item.key: item for item in items}


def test_requests_open_late_and_closed_on_time_like_for_like(requests, user_a, zone_a):
    figures = by_key(section(user_a).figures)
    assert (figures["requests_received"].value, figures["requests_received"].previous) == (6, 4)
    assert figures["requests_open"].value == 4  # r1, r2, r3 and r6 (closed in July)
    assert figures["requests_late"].value == 3
    rate = figures["requests_closed_on_time"]
    assert (rate.value, rate.previous) == (50.0, 66.7)  # r4 of r4, r5; r7 and r10 of r7, r8, r10
    assert rate.value == on_time_measure(user=user_a, zone=zone_a, year=2026, as_of=PERIOD.as_of)
    assert rate.previous == on_time_measure(user=user_a, zone=zone_a, year=2025, as_of=D(2025, 6, 30))


def test_late_requests_by_the_unit_they_are_dispatched_to(requests, user_a):
    found = section(user_a)
    table = by_key(found.tables)["requests-late"]
    r6 = requests["r6"]
    late_r6 = deadlines.overdue_workdays(r6.due_on, None, PERIOD.as_of)
    rows = [(row.cells[0], row.cells[3], row.cells[5]) for row in table.rows]
    assert rows == sorted(
        [
            (requests["r1"].number, "供电公司", 15),
            (requests["r2"].number, "供电公司", 5),
            (r6.number, "住建局", late_r6),
        ],
        key=lambda row: -row[2],
    )
    assert late_r6 > 15
    chart = by_key(found.charts)["requests-late-by-unit"]
    assert (chart.categories, chart.series[0].values) == (["供电公司", "住建局"], [2, 1])
    categories = by_key(found.charts)["requests-by-category"]
    assert dict(zip(categories.categories, categories.series[0].values, strict=True)) == {"用地": 4, "融资": 2}


def test_a_zone_user_sees_only_its_zone(requests, user_b, city_admin, zone_b):
    found = section(user_b)
    assert by_key(found.figures)["requests_late"].value == 1
    assert [row.cells[3] for row in by_key(found.tables)["requests-late"].rows] == ["招商局"]
    assert by_key(section(city_admin).figures)["requests_late"].value == 4
    assert by_key(section(city_admin, zone_id=zone_b.pk).figures)["requests_late"].value == 1


def test_no_requests_no_section(user_a):
    assert section(user_a) is None
