"""Writes of the working-day calendar: storing the ``holidays`` package's notices for some years."""

from __future__ import annotations

from django.db import transaction

from yuanqu.analytics.workdays import WorkdayCalendar, package_notice_years
from yuanqu.workdays.models import CalendarDay, CalendarYear

PACKAGE_SOURCE = "holidays"


def seed_calendar(*, years, replace: bool = False) -> list[int]:
    """Store the ``holidays`` package's calendar for ``years``; returns the years stored as published.

    A year the package has no notice for is stored unpublished (and its days left alone). Without
    ``replace`` a year already published keeps its (possibly hand-edited) days.
    """
    years = sorted({int(y) for y in years})
    seeded = WorkdayCalendar.from_holidays_package(years)
    stored = []
    with transaction.atomic():
        for year in years:
            existing = CalendarYear.objects.filter(year=year).first()
            if existing is not None and existing.published and not replace:
                continue
            published = seeded.is_published(year)
            if published:
                CalendarDay.objects.filter(date__year=year).delete()
                for row in seeded.to_rows():
                    if row["date"].year == year:
                        CalendarDay.objects.create(date=row["date"], kind=row["kind"], name=row["name"][:100])
                stored.append(year)
            entry = existing or CalendarYear(year=year)
            entry.published = published
            entry.source = PACKAGE_SOURCE if published else ""
            entry.save()
    return stored


def default_calendar_years() -> range:
    """The years the package carries notices for, and the next one (so it shows as unpublished)."""
    first, last = package_notice_years()
    return range(first, last + 2)
