"""Working-day deadlines of requests: the due date, whether a request is late, and by how many working days.

A request is due on the Nth working day after the day it was received (the day received is not counted, as the
Civil Code counts periods; one received on a holiday or a weekend starts counting with the next working day), N
being its kind's time limit plus any extension. The limits per kind come from ``YUANQU_SERVICE_TIME_LIMITS``.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from yuanqu.workdays.selectors import calendar

DEFAULT_TIME_LIMITS = {"consultation": 1, "help": 5, "complaint": 10}


def time_limit(kind: str) -> int:
    """The working days a request of this kind has, from the settings (咨询 1, 求助 5, 投诉 10 by default)."""
    limits = {**DEFAULT_TIME_LIMITS, **getattr(settings, "YUANQU_SERVICE_TIME_LIMITS", {})}
    return int(limits[kind])


def due_date(received_on: dt.date, workdays: int) -> dt.date:
    """The Nth working day after the day received, on the platform's calendar."""
    return calendar().add_workdays(received_on, workdays).date


def overdue_workdays(due_on: dt.date, done_on: dt.date | None, today: dt.date) -> int:
    """Working days past the due date: up to the day closed, or up to today while open (0 when on time)."""
    end = done_on or today
    if end <= due_on:
        return 0
    return max(0, calendar().workdays_between(due_on, end).days)


def workdays_taken(received_on: dt.date, closed_on: dt.date) -> int:
    """Working days from the day received (not counted) to the day closed."""
    return max(0, calendar().workdays_between(received_on, closed_on).days)
