"""Deadlines of requests in working days on the seeded calendar (2026 Spring Festival: 15–23 February off, Saturdays
14 and 28 February worked): the day received is not counted, a day off starts the count at the next working day."""

from __future__ import annotations

import datetime as dt

import pytest

from yuanqu.service import deadlines
from yuanqu.service.testing import make_request

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.mark.parametrize(
    ("received", "kind", "due"),
    [
        # Friday 13 February, the last weekday before the holiday: Saturday 14 is a make-up working day (1st).
        (D(2026, 2, 13), "consultation", D(2026, 2, 14)),
        (D(2026, 2, 13), "help", D(2026, 2, 27)),
        (D(2026, 2, 13), "complaint", D(2026, 3, 5)),
        # The make-up Saturday itself, the last working day before the holiday: not counted.
        (D(2026, 2, 14), "consultation", D(2026, 2, 24)),
        (D(2026, 2, 14), "help", D(2026, 2, 28)),
        # Received in the holiday: counting starts with the first working day after it.
        (D(2026, 2, 18), "consultation", D(2026, 2, 24)),
        (D(2026, 2, 18), "help", D(2026, 2, 28)),
        # An ordinary Wednesday and a Sunday.
        (D(2026, 3, 11), "help", D(2026, 3, 18)),
        (D(2026, 3, 15), "consultation", D(2026, 3, 16)),
    ],
)
def test_due_date_is_the_nth_working_day_after_the_day_received(received, kind, due):
    assert deadlines.due_date(received, deadlines.time_limit(kind)) == due


def test_time_limits_default_to_1_5_10_and_follow_the_settings(settings):
    assert [deadlines.time_limit(k) for k in ("consultation", "help", "complaint")] == [1, 5, 10]
    settings.YUANQU_SERVICE_TIME_LIMITS = {"help": 3}
    assert [deadlines.time_limit(k) for k in ("consultation", "help", "complaint")] == [1, 3, 10]


def test_overdue_working_days_skip_the_holiday():
    # Due Friday 13 February; closed Wednesday 25 February: 14 (make-up), 24, 25 are three working days late.
    assert deadlines.overdue_workdays(D(2026, 2, 13), D(2026, 2, 25), D(2026, 3, 31)) == 3
    assert deadlines.overdue_workdays(D(2026, 2, 13), D(2026, 2, 13), D(2026, 3, 31)) == 0
    # Still open: counted up to today.
    assert deadlines.overdue_workdays(D(2026, 2, 13), None, D(2026, 2, 23)) == 1


def test_an_accepted_request_stores_its_limit_and_due_date(enterprise_a):
    request = make_request(enterprise_a, received_on=D(2026, 2, 13), kind="complaint")
    assert (request.time_limit, request.due_on, request.state) == (10, D(2026, 3, 5), "accepted")
    assert request.number == "SQ20260213-0001"
    assert make_request(enterprise_a, received_on=D(2026, 2, 13)).number == "SQ20260213-0002"
