"""Reads of the yearly targets: each target of a zone measured month by month from the records of the app that
registered its indicator, and its colour against the share of the year elapsed (red, amber, green).

A target whose indicator no installed app measures is left out, as everything of a capability not installed.
"""

from __future__ import annotations

import calendar as month_calendar
import datetime as dt
from decimal import ROUND_FLOOR, Decimal

from django.conf import settings
from django.db.models import Q

from yuanqu.core import registry
from yuanqu.targets.models import ResponsibilityLetter, Target, Task
from yuanqu.workdays.selectors import calendar

GREEN, AMBER, RED = "green", "amber", "red"
NONE = "none"  # nothing reported yet: no colour, and no zero pretending to be a figure
AMBER_SHARE = Decimal("0.8")  # below the elapsed share but within 80 % of it (``YUANQU_PACE_AMBER_SHARE``)


def amber_share() -> Decimal:
    """The part of the yardstick a line may reach and still be amber (default 80 %), from the settings."""
    return Decimal(str(getattr(settings, "YUANQU_PACE_AMBER_SHARE", AMBER_SHARE)))


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
    """Green on or above the yardstick, amber from the amber share of it (exactly 80 % is amber), red below."""
    if share is None or share >= elapsed:
        return GREEN
    return AMBER if share >= elapsed * amber_share() else RED


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


# --- a letter's lines: actual, pace, colour, seasonal yardstick, points --------------------------------------


def _same_day(year: int, day: dt.date) -> dt.date:
    """The same month and day in another year (29 February becomes the 28th)."""
    return dt.date(year, day.month, min(day.day, month_calendar.monthrange(year, day.month)[1]))


def _value_at(measure: registry.Measure, *, user, zone, year: int, as_of: dt.date) -> Decimal | None:
    return _decimal(measure.measure(user=user, zone=zone, year=year, as_of=as_of))


def seasonal_share(measure: registry.Measure, *, user, zone, year: int, as_of: dt.date) -> Decimal | None:
    """What part of the year's figure the zone usually reached by ``as_of``'s day: the mean, over the three
    earlier years, of the figure at that day ÷ the figure of the whole year. None unless all three years have a
    figure above zero (a shorter history is no yardstick)."""
    shares = []
    for earlier in (year - 1, year - 2, year - 3):
        full = _value_at(measure, user=user, zone=zone, year=earlier, as_of=dt.date(earlier, 12, 31))
        if full is None or full <= 0:
            return None
        part = _value_at(measure, user=user, zone=zone, year=earlier, as_of=_same_day(earlier, as_of))
        shares.append(min(Decimal(1), (part or Decimal(0)) / full))
    return sum(shares, Decimal(0)) / len(shares)


def score(target: Target, actual: Decimal | None) -> Decimal | None:
    """Year-end points of a line under its rule: the base points for meeting the target, plus ``above_step`` for
    each whole ``above_per`` above it (at most ``above_cap``), or minus ``below_step`` for each whole
    ``below_per`` below it, counted in the indicator's unit or in percentage points of the target (at most
    ``below_cap``). None without a rule or without a figure."""
    if target.points is None or actual is None:
        return None
    value = target.value
    if actual >= value:
        steps = ((actual - value) / target.above_per).to_integral_value(rounding=ROUND_FLOOR) if target.above_per else 0
        change = steps * target.above_step
        if target.above_cap is not None:
            change = min(change, target.above_cap)
        return target.points + change
    shortfall = value - actual
    if target.below_basis == Target.BelowBasis.PERCENT:
        shortfall = shortfall / value * 100 if value else Decimal(0)
    steps = (shortfall / target.below_per).to_integral_value(rounding=ROUND_FLOOR) if target.below_per else 0
    change = steps * target.below_step
    if target.below_cap is not None:
        change = min(change, target.below_cap)
    return target.points - change


def line_progress(target: Target, *, user, as_of: dt.date, seasonal_yardstick: bool = True) -> dict:
    """One line measured at ``as_of``: its actual (from the ledger that measures it, or as reported), the share
    done, the yardstick (months reported ÷ 12 for a figure reported monthly, else the days of the year elapsed),
    the colour, the seasonal yardstick and its colour where three earlier years exist (not looked for with
    ``seasonal_yardstick`` False: it measures three earlier years twice each), and the points at year end.
    ``reported`` is False when nothing has been reported: the line then says so rather than show zero."""
    zone, year = target.zone, target.year
    measure = target.measure
    year_over = as_of >= dt.date(year, 12, 31)
    as_of = min(as_of, dt.date(year, 12, 31))
    days = elapsed_share(year, as_of)
    months = None
    seasonal = None
    url = ""
    if target.is_reported:
        actual = target.reported_value
        elapsed = days
        source = "reported"
    elif measure is None:
        actual, elapsed, source = None, days, "missing"
    else:
        source = "ledger"
        actual = _value_at(measure, user=user, zone=zone, year=year, as_of=as_of)
        if measure.months is not None:
            months = measure.months(user=user, zone=zone, year=year, as_of=as_of)
            elapsed = Decimal(months or 0) / 12
            season_day = month_end(year, months) if months else None
        else:
            elapsed = days
            season_day = as_of if as_of.year == year else (dt.date(year, 12, 31) if as_of.year > year else None)
        if seasonal_yardstick and season_day is not None and elapsed < 1:
            seasonal = seasonal_share(measure, user=user, zone=zone, year=year, as_of=season_day)
        if measure.url is not None:
            url = measure.url(zone=zone, year=year)
    reported = actual is not None
    share = actual / target.value if reported and target.value else (Decimal(1) if reported else None)
    colour = rag(share, elapsed) if reported else NONE
    return {
        "target": target,
        "label": target.indicator_label,
        "unit": target.unit_label,
        "source": source,
        "url": url,
        "actual": actual,
        "reported": reported,
        "share": share,
        "share_pct": None if share is None else share * 100,
        "elapsed": elapsed,
        "elapsed_pct": elapsed * 100,
        "months": months,
        "colour": colour,
        "seasonal": seasonal,
        "seasonal_pct": None if seasonal is None else seasonal * 100,
        "seasonal_colour": None if seasonal is None else (rag(share, seasonal) if reported else NONE),
        "points": score(target, actual) if year_over else None,
        "year_over": year_over,
    }


def scoped_letters(user):
    """The letters the user may see; ``user`` None is the system (the command line)."""
    return ResponsibilityLetter.objects.all() if user is None else ResponsibilityLetter.objects.restrict(user)


def letter_progress(
    letter: ResponsibilityLetter, *, user, as_of: dt.date, seasonal_yardstick: bool = True
) -> list[dict]:
    """Every line of a letter measured at ``as_of``, in the letter's order (see ``line_progress``)."""
    lines = _scoped(user).filter(letter=letter).select_related("zone").order_by("order", "pk")
    return [line_progress(line, user=user, as_of=as_of, seasonal_yardstick=seasonal_yardstick) for line in lines]


def letter_points(rows: list[dict]) -> Decimal | None:
    """The letter's year-end total over the lines that have a rule and a figure; None before the year ends."""
    points = [row["points"] for row in rows if row["points"] is not None]
    return sum(points, Decimal(0)) if points else None


def city_matrix(*, user, year: int, as_of: dt.date) -> dict:
    """Zones × indicators for the year: each zone's lines by indicator (label), coloured by pace."""
    letters = scoped_letters(user).filter(year=year).select_related("zone").order_by("zone__code")
    columns: list[str] = []
    rows = []
    for letter in letters:
        cells = {}
        for row in letter_progress(letter, user=user, as_of=as_of):
            label = str(row["label"])
            if label not in columns:
                columns.append(label)
            cells[label] = row
        rows.append({"letter": letter, "cells": cells})
    for row in rows:
        row["ordered"] = [row["cells"].get(label) for label in columns]
    return {"columns": columns, "rows": rows}


def stale_reported_lines(*, user, year: int, as_of: dt.date, days: int = 45) -> list[Target]:
    """Reported lines whose owners never reported a value, or not in the last ``days`` days (the owners who do
    not update their figures)."""
    since = as_of - dt.timedelta(days=days)
    lines = _scoped(user).filter(year=year, indicator="").select_related("zone")
    return [line for line in lines if line.reported_on is None or line.reported_on < since]


# --- supervised tasks: lights, overdue working days, the lists ---------------------------------------------------

YELLOW_WORKDAYS = 3
"""A task turns yellow this many working days before its deadline."""


def task_light(task: Task, *, as_of: dt.date, workdays=None) -> dict:
    """The task's light at ``as_of``: green; yellow from 3 working days before the deadline; red once it is past.
    ``overdue`` counts the working days past the deadline (of an open task up to ``as_of``; of a closed one up to
    its closing, so a closed task keeps whether it was closed late and by how much)."""
    workdays = workdays or calendar()
    closed = task.state == Task.State.CLOSED and task.closed_on is not None
    end = task.closed_on if closed else as_of
    overdue = max(0, workdays.workdays_between(task.deadline, end).days) if end > task.deadline else 0
    if closed:
        light = RED if overdue else GREEN
    elif as_of > task.deadline:
        light = RED
    elif as_of >= workdays.add_workdays(task.deadline, -YELLOW_WORKDAYS).date:
        light = YELLOW
    else:
        light = GREEN
    return {"task": task, "light": light, "overdue": overdue, "closed": closed, "late": closed and overdue > 0}


YELLOW = "yellow"


def milestone_rows(task: Task, *, as_of: dt.date, workdays=None) -> list[dict]:
    """The task's milestones in date order, each with its light as a task's: reached (late by how many working
    days, if after its date), red past its date, yellow from 3 working days before it, else green."""
    workdays = workdays or calendar()
    rows = []
    for milestone in task.milestone_items.all():
        end = milestone.done_on or as_of
        late = max(0, workdays.workdays_between(milestone.due_on, end).days) if end > milestone.due_on else 0
        if milestone.done_on is not None:
            light = RED if late else GREEN
        elif as_of > milestone.due_on:
            light = RED
        elif as_of >= workdays.add_workdays(milestone.due_on, -YELLOW_WORKDAYS).date:
            light = YELLOW
        else:
            light = GREEN
        rows.append({"milestone": milestone, "light": light, "late": late, "done": milestone.done_on is not None})
    return rows


def scoped_tasks(user):
    """The tasks the user may see: their zones' (city-level tasks only for city users); None: all."""
    return Task.objects.all() if user is None else Task.objects.restrict(user)


def task_rows(tasks, *, as_of: dt.date) -> list[dict]:
    """Each task with its light and overdue working days."""
    workdays = calendar()
    return [task_light(task, as_of=as_of, workdays=workdays) for task in tasks]


def bulletin(*, user, start: dt.date, end: dt.date) -> list[dict]:
    """The bulletin (通报) for a period, by lead unit: tasks overdue at its end, and tasks closed late within it."""
    rows = task_rows(scoped_tasks(user).select_related("zone"), as_of=end)
    units: dict[str, dict] = {}
    for row in rows:
        task = row["task"]
        open_overdue = not row["closed"] and row["light"] == RED
        closed_late = row["late"] and start <= task.closed_on <= end
        if not (open_overdue or closed_late):
            continue
        unit = units.setdefault(task.lead_unit, {"unit": task.lead_unit, "overdue": [], "late": []})
        (unit["overdue"] if open_overdue else unit["late"]).append(row)
    return sorted(units.values(), key=lambda u: (-len(u["overdue"]) - len(u["late"]), u["unit"]))


def late_tasks(*, user, zone_ids, as_of: dt.date, city_level: bool = False) -> list[dict]:
    """The tasks of these zones (and the city-level ones with ``city_level``) that were open and past their deadline
    at ``as_of``, each with its working days overdue at that date, the most overdue first. A task closed after
    ``as_of`` was still open then; for ``as_of`` today the rows are the red open tasks of ``task_light``."""
    where = Q(zone_id__in=zone_ids) | Q(zone__isnull=True) if city_level else Q(zone_id__in=zone_ids)
    tasks = (
        scoped_tasks(user)
        .filter(where, assigned_on__lte=as_of, deadline__lt=as_of)
        .exclude(state=Task.State.CLOSED, closed_on__lte=as_of)
        .select_related("zone")
    )
    workdays = calendar()
    rows = [{"task": task, "overdue": max(0, workdays.workdays_between(task.deadline, as_of).days)} for task in tasks]
    return sorted(rows, key=lambda row: (-row["overdue"], row["task"].deadline, row["task"].code))


def open_task_count(*, user, zone_ids, as_of: dt.date, city_level: bool = False) -> int:
    """The tasks of these zones (and the city-level ones with ``city_level``) assigned and not closed by ``as_of``."""
    where = Q(zone_id__in=zone_ids) | Q(zone__isnull=True) if city_level else Q(zone_id__in=zone_ids)
    return (
        scoped_tasks(user)
        .filter(where, assigned_on__lte=as_of)
        .exclude(state=Task.State.CLOSED, closed_on__lte=as_of)
        .count()
    )


def targets_by_measure(*, user, zone_ids, year: int, as_of: dt.date) -> dict[str, dict]:
    """The measured lines of these zones' letters for the year, by indicator: the targets summed, the actuals of
    those zones summed, the yardstick (each line's elapsed share — months reported ÷ 12 for a monthly figure, else
    the days of the year — weighted by its target) and the colour of the sum's pace, as ``line_progress`` colours
    one line (so for one zone the colour is its line's). A rate (unit "%") is not a sum: its target and actual are
    the zones' means and its colour the worst of its lines'. The seasonal yardstick is left to the letter's page.
    Lines nothing measures, and reported lines, are left out."""
    as_of = min(as_of, dt.date(year, 12, 31))
    days = elapsed_share(year, as_of)
    lines = (
        _scoped(user)
        .filter(year=year, zone_id__in=zone_ids)
        .exclude(indicator="")
        .select_related("zone")
        .order_by("pk")
    )
    found: dict[str, dict] = {}
    for line in lines:
        measure = line.measure
        if measure is None:
            continue
        actual = _value_at(measure, user=user, zone=line.zone, year=year, as_of=as_of)
        if measure.months is not None:
            elapsed = Decimal(measure.months(user=user, zone=line.zone, year=year, as_of=as_of) or 0) / 12
        else:
            elapsed = days
        share = (
            actual / line.value if actual is not None and line.value else (Decimal(1) if actual is not None else None)
        )
        entry = found.setdefault(
            measure.key,
            {
                "measure": measure,
                "lines": 0,
                "target": Decimal(0),
                "actuals": [],
                "weighted": Decimal(0),
                "colours": [],
            },
        )
        entry["lines"] += 1
        entry["target"] += line.value
        entry["weighted"] += line.value * elapsed
        if actual is not None:
            entry["actuals"].append(actual)
        entry["colours"].append(rag(share, elapsed) if actual is not None else NONE)
    for entry in found.values():
        rate = str(entry["measure"].unit).strip() == "%"
        target, actuals = entry["target"], entry.pop("actuals")
        actual = sum(actuals, Decimal(0)) if actuals else None
        if rate:
            entry["target"] = target / entry["lines"]
            entry["actual"] = None if actual is None else actual / len(actuals)
            entry["colour"] = _worst(entry["colours"])
            entry["elapsed"] = None
            continue
        entry["actual"] = actual
        entry["elapsed"] = entry["weighted"] / target if target else days
        if actual is None:
            entry["colour"] = NONE
        else:
            entry["colour"] = rag(actual / target if target else Decimal(1), entry["elapsed"])
    return found


def _worst(colours: list[str]) -> str:
    for colour in (RED, AMBER, GREEN):
        if colour in colours:
            return colour
    return NONE
