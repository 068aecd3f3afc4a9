"""Reads of the yearly targets: each target of a zone measured month by month from the records of the app that
registered its indicator, and its colour against the share of the year elapsed (red, amber, green).

A target whose indicator no installed app measures is left out, as everything of a capability not installed.
"""

from __future__ import annotations

import calendar as month_calendar
import datetime as dt
from decimal import Decimal

from yuanqu.core import registry
from yuanqu.targets.models import Target

GREEN, AMBER, RED = "green", "amber", "red"
AMBER_SHARE = Decimal("0.8")  # below the elapsed share but within 80 % of it


def measure_choices() -> list[tuple[str, str]]:
    """The indicators a target can be set on: (key, label) of each registered measure, in order."""
    return [(measure.key, measure.label) for measure in registry.measures]


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, month_calendar.monthrange(year, month)[1])


def elapsed_share(year: int, today: dt.date) -> Decimal:
    """The share of the year elapsed by the end of ``today`` (0 before it starts, 1 after it ends)."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    if today < start:
        return Decimal(0)
    if today >= end:
        return Decimal(1)
    return Decimal((today - start).days + 1) / Decimal((end - start).days + 1)


def rag(share: Decimal | None, elapsed: Decimal) -> str:
    if share is None or share >= elapsed:
        return GREEN
    return AMBER if share >= elapsed * AMBER_SHARE else RED


def _scoped(user):
    """The targets the user may see; ``user`` None is the system (the command line), which sees all."""
    return Target.objects.all() if user is None else Target.objects.restrict(user)


def _decimal(value) -> Decimal | None:
    if value is None or isinstance(value, Decimal):
        return value
    return Decimal(str(value))


def measured(measure: registry.Measure, *, user, zone, year: int, dates: list[dt.date]) -> list[Decimal | None]:
    """The measure for the zone over the year up to each of ``dates``."""
    if not dates:
        return []
    if measure.series is not None:
        values = measure.series(user=user, zone=zone, year=year, dates=dates)
    else:
        values = [measure.measure(user=user, zone=zone, year=year, as_of=as_of) for as_of in dates]
    return [_decimal(value) for value in values]


def target_progress(*, user, zone, year: int, today: dt.date) -> list[dict]:
    """Each target of the zone for the year: actual so far, month by month, share done and its colour.

    The months are measured to their ends, up to ``today``'s month; before the year starts nothing is done.
    """
    last_month = 12 if today.year > year else (today.month if today.year == year else 0)
    ends = [month_end(year, month) for month in range(1, last_month + 1)]
    elapsed = elapsed_share(year, today)
    rows = []
    for target in _scoped(user).filter(zone=zone, year=year):
        measure = registry.measures.get(target.indicator)
        if measure is None:
            continue
        by_month = measured(measure, user=user, zone=zone, year=year, dates=ends)
        actual = by_month[-1] if by_month else Decimal(0)
        share = actual / target.value if target.value and actual is not None else None
        rows.append(
            {
                "target": target,
                "label": measure.label,
                "unit": measure.unit,
                "actual": actual,
                "share": share,
                "elapsed": elapsed,
                "rag": rag(share, elapsed),
                "share_pct": None if share is None else share * 100,
                "elapsed_pct": elapsed * 100,
                "by_month": by_month,
            }
        )
    return rows
