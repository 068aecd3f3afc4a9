"""The period of the cockpit and the monthly report: January to a month, compared like for like with the same
months of last year, and the change in per cent."""

import datetime as dt
from decimal import Decimal

import pytest

from yuanqu.core.cockpit import Figure, Period, change_percent, total
from yuanqu.core.readings import one_reading, read_once


def test_a_finished_month_is_taken_at_its_end_and_compared_with_the_same_month_end_last_year():
    period = Period(2026, 5, dt.date(2026, 12, 7))
    assert (period.start, period.as_of, period.running) == (dt.date(2026, 1, 1), dt.date(2026, 5, 31), False)
    assert (period.previous.year, period.previous.month, period.previous.as_of) == (2025, 5, dt.date(2025, 5, 31))
    assert period.label() == "2026年1–5月"
    assert Period(2026, 1, dt.date(2026, 12, 7)).label() == "2026年1月"


def test_a_running_month_is_taken_today_and_last_year_on_the_same_day():
    period = Period(2026, 12, dt.date(2026, 12, 7))
    assert (period.as_of, period.running) == (dt.date(2026, 12, 7), True)
    assert period.previous.as_of == dt.date(2025, 12, 7)
    leap = Period(2028, 2, dt.date(2028, 2, 29))
    assert leap.previous.as_of == dt.date(2027, 2, 28)


def test_the_elapsed_share_is_the_days_of_the_year_up_to_the_date():
    assert Period(2026, 12, dt.date(2027, 1, 5)).elapsed_share == 1
    assert Period(2026, 1, dt.date(2026, 12, 7)).elapsed_share == Decimal(31) / Decimal(365)


def test_a_month_outside_the_year_is_refused():
    with pytest.raises(ValueError):
        Period(2026, 13, dt.date(2026, 12, 7))


def test_change_against_last_year_and_nothing_where_nothing_compares():
    assert change_percent(30, 20) == 50
    assert change_percent(Decimal("10"), Decimal("-20")) == 150  # from a loss of 20 to a gain of 10
    assert change_percent(5, 0) is None and change_percent(None, 4) is None and change_percent(4, None) is None
    assert Figure("k", "x", 3, previous=1).change == 200
    assert Figure("k", "x", 25, target=100).target_share == 25
    assert Figure("k", "x", None, target=100).target_share is None


def test_a_total_of_nothing_measured_is_not_zero():
    assert total([None, None]) is None
    assert total([None, Decimal("1.5"), 2]) == Decimal("3.5")


def test_a_reading_is_kept_while_the_cockpit_builds_and_read_afresh_after():
    reads = []

    def read():
        reads.append(1)
        return len(reads)

    assert read_once("k", read) == 1 and read_once("k", read) == 2  # no build: every call reads
    with one_reading():
        assert [read_once("k", read), read_once("k", read), read_once("other", read)] == [3, 3, 4]
        with one_reading():  # a section built inside the page's build shares its readings
            assert read_once("k", read) == 3
    assert read_once("k", read) == 5
