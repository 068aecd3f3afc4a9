"""The stored working-day calendar: seeded by migration, editable and logged, cached until it changes."""

from __future__ import annotations

import datetime as dt

import pytest

from yuanqu.analytics.workdays import WorkdayCalendar
from yuanqu.core.models import ChangeLogEntry
from yuanqu.workdays.models import CalendarDay, CalendarYear
from yuanqu.workdays.selectors import calendar
from yuanqu.workdays.services import seed_calendar

D = dt.date
pytestmark = pytest.mark.django_db


def test_migration_seeds_the_package_calendar():
    assert calendar() == WorkdayCalendar.from_holidays_package(range(2001, 2027))
    assert CalendarDay.objects.get(date=D(2025, 10, 11)).kind == "workday"
    assert CalendarDay.objects.get(date=D(2026, 2, 16)).kind == "holiday"
    assert CalendarYear.objects.get(year=2027).published is False


def test_editing_a_day_changes_the_calendar_and_is_logged():
    assert calendar().is_workday(D(2025, 10, 10))
    CalendarDay.objects.create(date=D(2025, 10, 10), kind="holiday", name="临时放假")
    assert not calendar().is_workday(D(2025, 10, 10))
    entry = ChangeLogEntry.objects.get(content_type__model="calendarday", action="create")
    assert entry.content_type.app_label == "workdays"
    assert entry.after["name"] == "临时放假"


def test_publishing_a_year_removes_the_warning():
    assert calendar().add_workdays(D(2026, 12, 28), 5).unpublished_years == (2027,)
    CalendarYear.objects.filter(year=2027).update(published=True)
    CalendarYear.objects.get(year=2027).save()  # touch `updated` as an edit in the admin does
    assert calendar().add_workdays(D(2026, 12, 28), 5).unpublished_years == ()


def test_seeding_keeps_a_published_year_unless_replaced():
    CalendarDay.objects.filter(date=D(2025, 10, 8)).delete()
    assert seed_calendar(years=[2025]) == []
    assert not CalendarDay.objects.filter(date=D(2025, 10, 8)).exists()
    assert seed_calendar(years=[2025], replace=True) == [2025]
    assert CalendarDay.objects.get(date=D(2025, 10, 8)).kind == "holiday"
