"""Working days across the 2025 National Day and the 2026 Spring Festival, as the State Council's notices set them."""

import datetime as dt
import random

import holidays
import polars as pl
import pytest

from yuanqu.analytics.workdays import (
    UnpublishedYearError,
    WorkdayCalendar,
    WorkdayCalendarError,
    package_notice_years,
)

D = dt.date


@pytest.fixture(scope="module")
def calendar() -> WorkdayCalendar:
    return WorkdayCalendar.from_holidays_package(range(2024, 2028))


def days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=k) for k in range((last - first).days + 1)]


def test_package_carries_notices_through_2026():
    first, last = package_notice_years()
    assert first <= 2004
    assert last >= 2026


def test_seeding_marks_only_years_with_a_notice_as_published(calendar):
    assert calendar.published_years == frozenset({2024, 2025, 2026})
    assert not calendar.is_published(2027)
    assert WorkdayCalendar.from_holidays_package([2027]).published_years == frozenset()


def test_national_day_2025_days_off_and_make_up_workdays(calendar):
    off = [d for d in days(D(2025, 9, 27), D(2025, 10, 12)) if not calendar.is_workday(d)]
    assert off == [
        D(2025, 9, 27),  # Saturday
        *days(D(2025, 10, 1), D(2025, 10, 8)),
        D(2025, 10, 12),  # Sunday
    ]
    # Sunday 28 September and Saturday 11 October are worked.
    assert calendar.is_workday(D(2025, 9, 28))
    assert calendar.is_workday(D(2025, 10, 11))
    assert D(2025, 9, 28) in calendar.workdays and D(2025, 10, 11) in calendar.workdays
    assert calendar.name_of(D(2025, 10, 1)) == "国庆节"
    assert calendar.name_of(D(2025, 9, 28)) == "调休上班"


def test_spring_festival_2026_days_off_and_make_up_workdays(calendar):
    off = [d for d in days(D(2026, 2, 13), D(2026, 3, 2)) if not calendar.is_workday(d)]
    assert off == [*days(D(2026, 2, 15), D(2026, 2, 23)), D(2026, 3, 1)]
    assert calendar.is_workday(D(2026, 2, 14))  # Saturday, worked
    assert calendar.is_workday(D(2026, 2, 28))  # Saturday, worked
    # Only the weekday days off are stored as holidays; 15, 21 and 22 February are ordinary weekend days.
    assert sorted(d for d in calendar.holidays if d.month == 2 and d.year == 2026) == [
        D(2026, 2, 16),
        D(2026, 2, 17),
        D(2026, 2, 18),
        D(2026, 2, 19),
        D(2026, 2, 20),
        D(2026, 2, 23),
    ]


def test_one_workday_after_30_september_2025_is_9_october(calendar):
    assert calendar.add_workdays(D(2025, 9, 30), 1).date == D(2025, 10, 9)


def test_add_workdays_steps_onto_make_up_weekend_days(calendar):
    assert calendar.add_workdays(D(2025, 9, 26), 1).date == D(2025, 9, 28)  # Friday -> the worked Sunday
    assert calendar.add_workdays(D(2025, 10, 10), 1).date == D(2025, 10, 11)  # Friday -> the worked Saturday
    assert calendar.add_workdays(D(2026, 2, 13), 1).date == D(2026, 2, 14)
    assert calendar.add_workdays(D(2026, 2, 14), 1).date == D(2026, 2, 24)
    assert calendar.add_workdays(D(2026, 2, 13), 5).date == D(2026, 2, 27)


def test_add_workdays_backwards(calendar):
    assert calendar.add_workdays(D(2025, 10, 9), -1).date == D(2025, 9, 30)
    assert calendar.add_workdays(D(2025, 10, 5), -1).date == D(2025, 9, 30)  # from a day off
    assert calendar.add_workdays(D(2025, 9, 29), -1).date == D(2025, 9, 28)
    assert calendar.add_workdays(D(2026, 2, 24), -2).date == D(2026, 2, 13)


def test_zero_workdays_is_the_day_itself_or_the_next_workday(calendar):
    assert calendar.add_workdays(D(2025, 9, 30), 0).date == D(2025, 9, 30)
    assert calendar.add_workdays(D(2025, 9, 28), 0).date == D(2025, 9, 28)  # worked Sunday
    assert calendar.add_workdays(D(2025, 10, 1), 0).date == D(2025, 10, 9)
    assert calendar.add_workdays(D(2025, 10, 12), 0).date == D(2025, 10, 13)  # ordinary Sunday


def test_sixty_workday_target_from_signing(calendar):
    # "落户到开工 ≤ 60 个工作日" for a project signed on 1 September 2025.
    # 22 workdays left in September (28 Sept included), 18 in October, the 20th in November is the 28th.
    assert calendar.add_workdays(D(2025, 9, 1), 60).date == D(2025, 11, 28)
    assert calendar.workdays_between(D(2025, 9, 1), D(2025, 11, 28)).days == 60


def test_workdays_in_september_and_october_2025(calendar):
    assert calendar.workdays_between(D(2025, 8, 31), D(2025, 9, 30)).days == 23  # 22 weekdays + 28 Sept
    assert calendar.workdays_between(D(2025, 9, 30), D(2025, 10, 31)).days == 18  # 23 weekdays - 6 + 11 Oct
    assert calendar.workdays_between(D(2025, 8, 31), D(2025, 10, 31)).days == 41
    assert calendar.workdays_between(D(2025, 9, 30), D(2025, 10, 8)).days == 0
    assert calendar.workdays_between(D(2025, 9, 30), D(2025, 9, 30)).days == 0


def test_workdays_between_backwards_counts_the_end_not_the_start(calendar):
    assert calendar.workdays_between(D(2025, 10, 9), D(2025, 9, 30)).days == -1
    # [31 Aug, 31 Oct): Sunday 31 August is not a workday and Friday 31 October is not counted.
    assert calendar.workdays_between(D(2025, 10, 31), D(2025, 8, 31)).days == -40


def test_add_workdays_inverts_workdays_between_around_both_holidays(calendar):
    for first, last in [(D(2025, 9, 20), D(2025, 10, 20)), (D(2026, 2, 7), D(2026, 3, 7))]:
        span = days(first, last)
        for a in span:
            for b in span:
                if calendar.is_workday(b):
                    assert calendar.add_workdays(a, calendar.workdays_between(a, b).days).date == b, (a, b)


def test_agrees_with_the_package_nth_working_day(calendar):
    china = holidays.China(years=range(2024, 2027))
    rng = random.Random(4)
    for _ in range(300):
        start = D(2024, 1, 1) + dt.timedelta(days=rng.randrange(0, 900))
        n = rng.randrange(-40, 41)
        assert calendar.add_workdays(start, n).date == china.get_nth_working_day(start, n), (start, n)


def test_deadline_running_into_2027_is_flagged(calendar):
    result = calendar.add_workdays(D(2026, 12, 30), 5)
    # Without the 2027 notice only weekends are days off, so 1 January 2027 counts as a workday.
    assert result.date == D(2027, 1, 6)
    assert result.unpublished_years == (2027,)
    assert not result.certain
    assert "2027 年放假安排尚未公布" in result.note_zh
    assert "2027" in result.note_en
    assert calendar.workdays_between(D(2026, 12, 1), D(2027, 1, 31)).unpublished_years == (2027,)


def test_deadline_inside_published_years_is_certain(calendar):
    result = calendar.add_workdays(D(2026, 12, 28), 3)
    assert result.date == D(2026, 12, 31)
    assert result.certain
    assert result.note_zh == ""


def test_strict_mode_raises_for_an_unpublished_year(calendar):
    with pytest.raises(UnpublishedYearError) as raised:
        calendar.add_workdays(D(2026, 12, 30), 5, strict=True)
    assert raised.value.years == (2027,)
    assert "2027 年放假安排尚未公布" in str(raised.value)
    assert calendar.add_workdays(D(2025, 9, 30), 1, strict=True).date == D(2025, 10, 9)


def test_calendar_days_roll_past_a_holiday_only_when_asked(calendar):
    assert calendar.add_calendar_days(D(2025, 9, 24), 7).date == D(2025, 10, 1)
    assert calendar.add_calendar_days(D(2025, 9, 24), 7, roll_to_workday=True).date == D(2025, 10, 9)
    assert calendar.add_calendar_days(D(2026, 12, 1), 60).unpublished_years == ()
    rolled = calendar.add_calendar_days(D(2026, 12, 1), 32, roll_to_workday=True)  # Saturday 2 January 2027
    assert (rolled.date, rolled.unpublished_years) == (D(2027, 1, 4), (2027,))


def test_rows_round_trip(calendar):
    rows = calendar.to_rows()
    assert rows[0] == {"date": D(2024, 1, 1), "kind": "holiday", "name": "元旦"}
    assert {"date": D(2025, 10, 11), "kind": "workday", "name": "调休上班"} in rows
    assert WorkdayCalendar.from_rows(rows, published_years=calendar.published_years) == calendar
    # Without explicit years, the years with days off are published.
    assert WorkdayCalendar.from_rows(rows).published_years == frozenset({2024, 2025, 2026})


def test_rows_accept_iso_strings_and_edits():
    calendar = WorkdayCalendar.from_rows(
        [
            {"date": "2027-10-01", "kind": "holiday", "name": "国庆节"},
            {"date": "2027-10-09", "kind": "WORKDAY", "name": ""},
        ]
    )
    assert calendar.published_years == frozenset({2027})
    assert calendar.add_workdays(D(2027, 9, 30), 1).date == D(2027, 10, 4)
    assert calendar.add_workdays(D(2027, 10, 8), 1).date == D(2027, 10, 9)


def test_bad_rows_are_reported_with_their_row_numbers():
    with pytest.raises(WorkdayCalendarError) as raised:
        WorkdayCalendar.from_rows(
            [
                {"date": "2025-13-01", "kind": "holiday"},
                {"date": "2025-10-01", "kind": "off"},
                {"date": "2025-10-02", "kind": "holiday"},
                {"date": "2025-10-02", "kind": "holiday"},
            ]
        )
    message = str(raised.value)
    assert "第 1 行日期" in message and "row 1 date" in message
    assert "第 2 行类型应为 holiday 或 workday" in message
    assert "第 4 行日期 2025-10-02 重复" in message


def test_a_weekday_cannot_be_a_make_up_workday():
    with pytest.raises(WorkdayCalendarError, match="2025-09-29 是星期一"):
        WorkdayCalendar(workdays=[D(2025, 9, 29)])


def test_a_date_cannot_be_both_holiday_and_workday():
    with pytest.raises(WorkdayCalendarError, match="both a holiday and a make-up workday"):
        WorkdayCalendar(holidays=[D(2025, 9, 28)], workdays=[D(2025, 9, 28)])


def test_empty_calendar_counts_monday_to_friday_and_flags_every_year():
    calendar = WorkdayCalendar()
    result = calendar.add_workdays(D(2025, 9, 30), 1)
    assert (result.date, result.unpublished_years) == (D(2025, 10, 1), (2025,))
    assert calendar.add_workdays(D(2025, 1, 3), 260).date == D(2026, 1, 2)


def test_column_of_deadlines_matches_the_scalar_arithmetic(calendar):
    rng = random.Random(5)
    starts = [D(2024, 6, 1) + dt.timedelta(days=rng.randrange(0, 1000)) for _ in range(2000)]
    counts = [rng.randrange(-80, 200) for _ in range(2000)]
    starts[3] = None
    counts[7] = None
    frame = pl.DataFrame({"signed_on": starts, "n": counts}, schema={"signed_on": pl.Date, "n": pl.Int64})
    result = calendar.add_workdays_column(frame, "signed_on", "n")
    assert result.columns == ["signed_on", "n", "deadline", "deadline_unpublished"]
    for start, n, deadline, unpublished in result.iter_rows():
        if start is None or n is None:
            assert deadline is None and unpublished is None
            continue
        expected = calendar.add_workdays(start, n)
        assert deadline == expected.date
        assert unpublished == bool(expected.unpublished_years)


def test_column_of_counts_matches_the_scalar_arithmetic(calendar):
    frame = pl.DataFrame(
        {
            "a": [D(2025, 8, 31), D(2025, 10, 9), D(2026, 12, 1), None],
            "b": [D(2025, 10, 31), D(2025, 9, 30), D(2027, 1, 31), D(2025, 1, 1)],
        }
    )
    result = calendar.workdays_between_columns(frame, "a", "b")
    assert result["workdays"].to_list() == [
        41,
        -1,
        calendar.workdays_between(D(2026, 12, 1), D(2027, 1, 31)).days,
        None,
    ]
    assert result["workdays_unpublished"].to_list() == [False, False, True, None]


def test_column_with_one_count_for_every_row_and_iso_strings(calendar):
    frame = pl.DataFrame({"signed_on": ["2025-09-30", "2026-02-13"]})
    result = calendar.add_workdays_column(frame, "signed_on", 1, out="due")
    assert result["due"].to_list() == [D(2025, 10, 9), D(2026, 2, 14)]
    assert result["due_unpublished"].to_list() == [False, False]
