"""Reads of the working-day calendar: the ``WorkdayCalendar`` every deadline is counted on, cached until edited."""

from __future__ import annotations

import threading

from django.db.models import Count, Max

from yuanqu.analytics.workdays import WorkdayCalendar
from yuanqu.workdays.models import CalendarDay, CalendarYear

_cache_lock = threading.Lock()
_cache: dict[str, object] = {"key": None, "calendar": None}


def _fingerprint() -> tuple:
    # Count and last change of both tables: any edit (in this process or another) changes it.
    days = CalendarDay.objects.aggregate(n=Count("pk"), last=Max("updated"))
    years = CalendarYear.objects.aggregate(n=Count("pk"), last=Max("updated"))
    return days["n"], days["last"], years["n"], years["last"]


def calendar() -> WorkdayCalendar:
    """The working-day calendar from the stored days and years, cached until the tables change."""
    key = _fingerprint()
    with _cache_lock:
        if _cache["key"] == key and _cache["calendar"] is not None:
            return _cache["calendar"]
    rows = list(CalendarDay.objects.values("date", "kind", "name"))
    published = list(CalendarYear.objects.filter(published=True).values_list("year", flat=True))
    built = WorkdayCalendar.from_rows(rows, published_years=published)
    with _cache_lock:
        _cache["key"], _cache["calendar"] = key, built
    return built


def forget_calendar() -> None:
    """Drop the cached calendar (tests that change the tables within one transaction call it)."""
    with _cache_lock:
        _cache["key"], _cache["calendar"] = None, None
