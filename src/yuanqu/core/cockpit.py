"""The figures of the leaders' cockpit (驾驶舱) and of the monthly report (月报), from one source.

Each app that owns a figure gives a section of them (``registry.cockpit_sections``) built from its own selectors:
headline figures with their like-for-like comparison, tables (one row per zone where the city looks at its zones
side by side), and charts described as data. The cockpit draws the charts with ECharts, the monthly report with
a plotting library, and both show the same numbers because both read the same ``Section``. A capability that is
not installed registers no section and so shows no card and no chapter.

Like for like (zones.md, "Reported figures"): a figure for January to month N of a year is compared with January
to month N of the year before, never with the whole of the year before; a zone that has not reported the month
shows "未报送", never a zero or the figure of another month.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

NOT_REPORTED = _("未报送")

GREEN, AMBER, RED = "green", "amber", "red"


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


@dataclass(frozen=True)
class Period:
    """January to ``month`` of ``year``, as seen on ``today``: figures are taken as of the month's end, or as of
    today while the month is still running."""

    year: int
    month: int
    today: dt.date

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise ValueError(f"month {self.month} is not 1–12")

    @classmethod
    def current(cls, today: dt.date) -> Period:
        return cls(today.year, today.month, today)

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 1, 1)

    @property
    def end(self) -> dt.date:
        return month_end(self.year, self.month)

    @property
    def as_of(self) -> dt.date:
        """The date the figures are taken at: the end of the month, or today inside a running month."""
        return min(self.end, self.today) if self.today >= self.start else self.end

    @property
    def running(self) -> bool:
        return self.start <= self.today < self.end

    @property
    def previous(self) -> Period:
        """The same months a year earlier, taken at the same point: the same day of last year's month while this
        month is running (29 February becomes the 28th), else last year's month end."""
        if self.running:
            day = min(self.as_of.day, calendar.monthrange(self.year - 1, self.month)[1])
            return Period(self.year - 1, self.month, dt.date(self.year - 1, self.month, day))
        return Period(self.year - 1, self.month, max(self.today, month_end(self.year - 1, self.month)))

    @property
    def elapsed_share(self) -> Decimal:
        """The share of the year elapsed at ``as_of`` (the yardstick of a yearly target)."""
        start, end = dt.date(self.year, 1, 1), dt.date(self.year, 12, 31)
        if self.as_of >= end:
            return Decimal(1)
        return Decimal((self.as_of - start).days + 1) / Decimal((end - start).days + 1)

    def label(self) -> str:
        return f"{self.year}年1–{self.month}月" if self.month > 1 else f"{self.year}年1月"


@dataclass(frozen=True)
class Scope:
    """Whose figures: ``user`` (None: the system, which sees everything); ``zones``, the zones shown side by
    side, none of them inside another (the top-level zones the user sees, or the one zone drilled into); each
    counts its sub-parks, as measures do, so a total is the sum over ``zones``. ``zone_ids`` is every zone
    counted (the zones shown and all their sub-parks); ``zone`` the zone drilled into, if any."""

    user: Any
    zones: tuple = ()
    zone_ids: frozenset[int] = frozenset()
    zone: Any = None

    @property
    def side_by_side(self) -> bool:
        """More than one zone in view: sections add a table (or chart) with one row per zone."""
        return len(self.zones) > 1


def change_percent(value, previous) -> Decimal | None:
    """The change against the same months of last year in per cent; None when either is missing or last year
    was zero."""
    if value is None or previous is None:
        return None
    previous = Decimal(str(previous))
    if previous == 0:
        return None
    return (Decimal(str(value)) - previous) / abs(previous) * 100


@dataclass
class Figure:
    """One headline number: ``value`` in ``unit`` for the period (None with ``missing`` set when there is nothing
    to show, e.g. "未报送"), ``previous`` the same months of last year, the target and the colour of its pace
    where a target exists, how current the data is (``fresh``, e.g. "数据截至11月" or "评价运行于 2026-11-03"),
    and ``url`` the records behind it."""

    key: str
    label: Any
    value: Any
    unit: Any = ""
    places: int = 0
    previous: Any = None
    target: Any = None
    colour: str = ""  # green / amber / red against the target's pace; "" without a target
    fresh: Any = ""
    url: str = ""
    missing: Any = ""
    note: Any = ""

    @property
    def change(self) -> Decimal | None:
        return change_percent(self.value, self.previous)

    @property
    def target_share(self) -> Decimal | None:
        if self.value is None or self.target in (None, 0):
            return None
        return Decimal(str(self.value)) / Decimal(str(self.target)) * 100


@dataclass
class Column:
    label: Any
    unit: Any = ""
    places: int = 0
    numeric: bool = True


@dataclass
class Row:
    """A table row: ``cells`` in column order (the first usually a name), ``url`` the page behind the row,
    ``marks`` per-cell colours or arrows (same length as ``cells`` or empty)."""

    cells: list
    url: str = ""
    marks: list = field(default_factory=list)


@dataclass
class Table:
    key: str
    title: Any
    columns: list[Column]
    rows: list[Row]
    note: Any = ""
    total: Row | None = None


@dataclass
class Series:
    name: Any
    values: list
    stack: str = ""  # series with the same stack are stacked
    kind: str = ""  # "" = the chart's kind; "line" on a bar chart draws a line


@dataclass
class Chart:
    """A chart as data: ``kind`` is bar, hbar (horizontal), line, pie, funnel or map; ``categories`` the x axis
    (or the slices); ``series`` the values; ``unit`` of the values. ``extra`` holds what one kind needs beyond
    that (a map's GeoJSON and extent, a ranking's arrows) and ``colours``: one per category (bar or slice) for a
    chart of one series, else one per series — both the cockpit and the report draw them so."""

    key: str
    title: Any
    kind: str
    categories: list
    series: list[Series]
    unit: Any = ""
    extra: dict = field(default_factory=dict)


@dataclass
class Section:
    """What one capability contributes: headline figures, tables, charts, where the data comes from and how
    current it is, and the page to go to for more."""

    key: str
    title: Any
    figures: list[Figure] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    source: Any = ""
    fresh: Any = ""
    url: str = ""
    order: int = 100
    stale: Any = None  # when the data changed since it was built: the time it was built (being rebuilt)

    @property
    def empty(self) -> bool:
        return not (self.figures or self.tables or self.charts)


def with_order(section: Section, order: int) -> Section:
    return replace(section, order=order)


def total(values: Iterable) -> Any:
    """The sum of the values present; None when none is (nothing measured is not zero)."""
    present = [value for value in values if value is not None]
    if not present:
        return None
    return sum(present[1:], start=present[0])


def measured(measure, *, scope: Scope, period: Period) -> tuple[Any, dict[int, Any]]:
    """A registered measure (``registry.Measure``) for the period: the total over the zones shown and the value
    of each (a zone's value includes its sub-parks, as measures count them)."""
    each = {
        zone.pk: measure.measure(user=scope.user, zone=zone, year=period.year, as_of=period.as_of)
        for zone in scope.zones
    }
    return total(each.values()), each


BuildSection = Callable[..., Section | None]
