"""Working-day arithmetic under the State Council's yearly holiday notice (放假安排, with 调休 make-up workdays).

The calendar is plain data — weekday holidays, weekend make-up workdays, and the years whose notice is
known — so the platform can store it and an administrator can edit it. Outside the data the ordinary rule
applies (Monday–Friday are workdays), and every result says which unpublished years it ran through.

Conventions (shared by the scalar and the vectorised functions):

- ``add_workdays(start, n)``: for n > 0 the n-th workday after ``start`` (``start`` itself is not counted);
  for n < 0 the |n|-th workday before ``start``; for n = 0 ``start`` if it is a workday, else the next
  workday. This matches ``holidays.HolidayBase.get_nth_working_day``.
- ``workdays_between(a, b)``: the workdays stepped onto when walking from ``a`` to ``b``, excluding ``a`` and
  including ``b``: the count in (a, b] when a <= b, and minus the count in [b, a) when b < a. Hence
  ``add_workdays(a, workdays_between(a, b)) == b`` whenever ``b`` is a workday, in both directions.
- A computation "runs into" every calendar year from its earlier to its later date, both included.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import polars as pl

HOLIDAY = "holiday"
WORKDAY = "workday"
KINDS = (HOLIDAY, WORKDAY)

MAKE_UP_WORKDAY_NAME = "调休上班"

_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()  # Polars stores a Date as days since 1970-01-01
_EPOCH_WEEKDAY = dt.date(1970, 1, 1).weekday()
_WEEKDAY_ZH = "一二三四五六日"
_WEEKDAY_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class WorkdayCalendarError(ValueError):
    """Calendar data that cannot be used; the message is in Chinese and English."""


class UnpublishedYearError(ValueError):
    """A strict computation ran into a year whose holiday notice is not in the calendar."""

    def __init__(self, years: tuple[int, ...]):
        self.years = years
        super().__init__(f"{unpublished_note_zh(years)} / {unpublished_note_en(years)}")


def unpublished_note_zh(years: Iterable[int]) -> str:
    """Chinese warning for results that assume ordinary weekends in years without a published notice."""
    listed = "、".join(str(y) for y in years)
    return f"{listed} 年放假安排尚未公布，按常规周六、周日休息计算，结果可能变化"


def unpublished_note_en(years: Iterable[int]) -> str:
    """English counterpart of :func:`unpublished_note_zh`."""
    listed = ", ".join(str(y) for y in years)
    return (
        f"the holiday notice for {listed} is not published; Saturdays and Sundays were taken as the only "
        "days off, so the result may change"
    )


@dataclass(frozen=True)
class WorkdayResult:
    """A date computed from the calendar and the unpublished years the computation ran into."""

    date: dt.date
    unpublished_years: tuple[int, ...] = ()

    @property
    def certain(self) -> bool:
        """True when every year involved has a published notice."""
        return not self.unpublished_years

    @property
    def note_zh(self) -> str:
        return unpublished_note_zh(self.unpublished_years) if self.unpublished_years else ""

    @property
    def note_en(self) -> str:
        return unpublished_note_en(self.unpublished_years) if self.unpublished_years else ""


@dataclass(frozen=True)
class WorkdayCount:
    """A number of workdays and the unpublished years the count ran into."""

    days: int
    unpublished_years: tuple[int, ...] = ()

    @property
    def certain(self) -> bool:
        """True when every year involved has a published notice."""
        return not self.unpublished_years

    @property
    def note_zh(self) -> str:
        return unpublished_note_zh(self.unpublished_years) if self.unpublished_years else ""

    @property
    def note_en(self) -> str:
        return unpublished_note_en(self.unpublished_years) if self.unpublished_years else ""


@dataclass(frozen=True)
class _Index:
    """Workday flags and their running total over a span of whole years, in epoch days."""

    first: int  # epoch day of element 0
    flags: np.ndarray  # int64, 1 for a workday
    cumulative: np.ndarray  # int64, workdays in [first, first + i]

    @property
    def last(self) -> int:
        return self.first + len(self.flags) - 1


def _epoch_day(d: dt.date) -> int:
    return d.toordinal() - _EPOCH_ORDINAL


def _from_epoch_day(n: int) -> dt.date:
    return dt.date.fromordinal(int(n) + _EPOCH_ORDINAL)


def _as_date(value: object, what: str) -> dt.date:
    if isinstance(value, dt.datetime):
        raise WorkdayCalendarError(f"{what} 应为日期而非日期时间：{value} / {what} must be a date, not a datetime")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise WorkdayCalendarError(f"{what} 不是有效日期（YYYY-MM-DD）：{value!r} / {what} is not a date (YYYY-MM-DD)")


def _named_dates(values: Mapping[dt.date, str] | Iterable[dt.date], what: str) -> dict[dt.date, str]:
    if isinstance(values, Mapping):
        return {_as_date(d, what): str(name or "") for d, name in values.items()}
    return {_as_date(d, what): "" for d in values}


def _span_years(a: dt.date, b: dt.date) -> range:
    lo, hi = (a, b) if a <= b else (b, a)
    return range(lo.year, hi.year + 1)


class WorkdayCalendar:
    """Workdays under the holiday notices: weekday holidays off, weekend make-up workdays on.

    ``holidays`` are days off (normally weekdays; a weekend date is accepted and changes nothing),
    ``workdays`` are weekend dates that are worked (调休上班), ``published_years`` the years whose notice the
    data carries. Both date collections may be mappings from date to a name. Dates outside the data follow
    the Monday–Friday rule, and results touching a year outside ``published_years`` say so.
    """

    __slots__ = ("_holidays", "_index", "_published_years", "_workdays")

    def __init__(
        self,
        *,
        holidays: Mapping[dt.date, str] | Iterable[dt.date] = (),
        workdays: Mapping[dt.date, str] | Iterable[dt.date] = (),
        published_years: Iterable[int] = (),
    ):
        named_holidays = _named_dates(holidays, "放假日期 / holiday")
        named_workdays = _named_dates(workdays, "调休上班日期 / make-up workday")
        problems = []
        for d in sorted(named_holidays.keys() & named_workdays.keys()):
            problems.append(f"{d} 同时是放假日和调休上班日 / {d} is both a holiday and a make-up workday")
        for d in sorted(named_workdays):
            if d.weekday() < 5:
                problems.append(
                    f"{d} 是星期{_WEEKDAY_ZH[d.weekday()]}，本来就上班，不能作为调休上班日 / "
                    f"{d} is a {_WEEKDAY_EN[d.weekday()]}, already a workday, so it cannot be a make-up workday"
                )
        years = set()
        for y in published_years:
            if isinstance(y, bool) or not isinstance(y, int) or not dt.MINYEAR <= y <= dt.MAXYEAR:
                problems.append(f"年份无效：{y!r} / invalid year: {y!r}")
            else:
                years.add(y)
        if problems:
            raise WorkdayCalendarError("；".join(problems))
        self._holidays = named_holidays
        self._workdays = named_workdays
        self._published_years = frozenset(years)
        self._index: _Index | None = None

    # --- construction and storage -------------------------------------------------------------------

    @classmethod
    def from_holidays_package(cls, years: Iterable[int], *, language: str = "zh_CN") -> WorkdayCalendar:
        """Seed a calendar from the ``holidays`` package (``holidays.China``) for ``years``.

        Only years whose State Council notice the installed package carries are taken (and marked
        published); a requested later year is left to the Monday–Friday rule and reported as unpublished
        by every result that reaches it. Holidays falling on a weekend are dropped (they change nothing);
        make-up workdays come from the package's ``weekend_workdays``.
        """
        import holidays as holidays_package

        requested = sorted({int(y) for y in years})
        first, last = package_notice_years()
        published = [y for y in requested if first <= y <= last]
        if not published:
            return cls(published_years=())
        china = holidays_package.China(years=published, language=language)
        wanted = set(published)
        day_off = {d: str(name) for d, name in china.items() if d.year in wanted and d.weekday() < 5}
        # weekend_workdays also holds cross-year make-up days from notices of other years: keep our years only.
        worked = {d: MAKE_UP_WORKDAY_NAME for d in china.weekend_workdays if d.year in wanted}
        return cls(holidays=day_off, workdays=worked, published_years=published)

    @classmethod
    def from_rows(
        cls, rows: Iterable[Mapping[str, object]], *, published_years: Iterable[int] | None = None
    ) -> WorkdayCalendar:
        """Build a calendar from stored rows ``{"date", "kind": "holiday"|"workday", "name"}``.

        Dates may be ``date`` objects or ISO strings. Without ``published_years`` the years that have at
        least one holiday row are taken as published (every notice gives days off).
        """
        day_off: dict[dt.date, str] = {}
        worked: dict[dt.date, str] = {}
        problems = []
        for number, row in enumerate(rows, start=1):
            if not isinstance(row, Mapping):
                problems.append(f"第 {number} 行格式不对 / row {number} is not a record")
                continue
            try:
                d = _as_date(row.get("date"), f"第 {number} 行日期 / row {number} date")
            except WorkdayCalendarError as error:
                problems.append(str(error))
                continue
            kind = str(row.get("kind") or "").strip().lower()
            name = str(row.get("name") or "")
            if kind == HOLIDAY:
                target = day_off
            elif kind == WORKDAY:
                target = worked
            else:
                problems.append(
                    f"第 {number} 行类型应为 holiday 或 workday：{row.get('kind')!r} / "
                    f"row {number}: kind must be holiday or workday"
                )
                continue
            if d in target:
                problems.append(f"第 {number} 行日期 {d} 重复 / row {number}: date {d} appears twice")
            target[d] = name
        if problems:
            raise WorkdayCalendarError("；".join(problems))
        if published_years is None:
            published_years = {d.year for d in day_off}
        return cls(holidays=day_off, workdays=worked, published_years=published_years)

    def to_rows(self) -> list[dict[str, object]]:
        """The calendar as plain rows sorted by date, the inverse of :meth:`from_rows`."""
        rows = [{"date": d, "kind": HOLIDAY, "name": name} for d, name in self._holidays.items()]
        rows += [{"date": d, "kind": WORKDAY, "name": name} for d, name in self._workdays.items()]
        return sorted(rows, key=lambda row: row["date"])

    # --- data -----------------------------------------------------------------------------------------

    @property
    def holidays(self) -> frozenset[dt.date]:
        return frozenset(self._holidays)

    @property
    def workdays(self) -> frozenset[dt.date]:
        """The weekend make-up workdays."""
        return frozenset(self._workdays)

    @property
    def published_years(self) -> frozenset[int]:
        return self._published_years

    def name_of(self, d: dt.date) -> str:
        """The holiday's or make-up workday's name, '' for an ordinary day."""
        return self._holidays.get(d) or self._workdays.get(d) or ""

    def is_published(self, year: int) -> bool:
        return year in self._published_years

    def unpublished_years(self, a: dt.date, b: dt.date) -> tuple[int, ...]:
        """Years from the earlier to the later of ``a`` and ``b`` whose notice is not in the calendar."""
        return tuple(y for y in _span_years(a, b) if y not in self._published_years)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, WorkdayCalendar):
            return NotImplemented
        return (self._holidays, self._workdays, self._published_years) == (
            other._holidays,
            other._workdays,
            other._published_years,
        )

    __hash__ = None  # mutable cache inside; equality is by data

    def __repr__(self) -> str:
        years = sorted(self._published_years)
        span = f"{years[0]}–{years[-1]}" if years else "none"
        return (
            f"WorkdayCalendar(published={span}, holidays={len(self._holidays)}, make_up_workdays={len(self._workdays)})"
        )

    # --- scalar arithmetic ----------------------------------------------------------------------------

    def is_workday(self, d: dt.date) -> bool:
        """True for a make-up workday, or a Monday–Friday that is not a holiday."""
        if d in self._workdays:
            return True
        return d.weekday() < 5 and d not in self._holidays

    def add_workdays(self, start: dt.date, n: int, *, strict: bool = False) -> WorkdayResult:
        """The date ``n`` workdays from ``start`` (see the module docstring for n <= 0).

        With ``strict=True`` a computation that runs into an unpublished year raises
        :class:`UnpublishedYearError` instead of returning the warning in the result. A date beyond the
        years 1–9999 raises ``OverflowError``.
        """
        n = int(n)
        target_day = int(self._add_workdays_epoch(np.array([_epoch_day(start)]), np.array([n]))[0])
        result = _from_epoch_day(target_day)
        return self._checked(WorkdayResult(result, self.unpublished_years(start, result)), strict)

    def workdays_between(self, a: dt.date, b: dt.date, *, strict: bool = False) -> WorkdayCount:
        """Workdays from ``a`` to ``b``, excluding ``a`` and including ``b``; negative when b < a."""
        count = int(self._between_epoch(np.array([_epoch_day(a)]), np.array([_epoch_day(b)]))[0])
        return self._checked(WorkdayCount(count, self.unpublished_years(a, b)), strict)

    def add_calendar_days(
        self, start: dt.date, n: int, *, roll_to_workday: bool = False, strict: bool = False
    ) -> WorkdayResult:
        """``start`` plus ``n`` calendar days.

        With ``roll_to_workday`` a result on a day off moves to the next workday, as statutory periods do
        when their last day is a holiday; only then does the calendar (and an unpublished year) matter.
        """
        result = start + dt.timedelta(days=int(n))
        if not roll_to_workday:
            return WorkdayResult(result)
        rolled = self.add_workdays(result, 0).date
        return self._checked(WorkdayResult(rolled, self.unpublished_years(result, rolled)), strict)

    @staticmethod
    def _checked(result, strict: bool):
        if strict and result.unpublished_years:
            raise UnpublishedYearError(result.unpublished_years)
        return result

    # --- vectorised arithmetic ------------------------------------------------------------------------

    def add_workdays_column(
        self, frame: pl.DataFrame, start_col: str, n: str | int, *, out: str = "deadline"
    ) -> pl.DataFrame:
        """Add ``out`` = ``add_workdays(start, n)`` per row, and ``{out}_unpublished`` (bool).

        ``n`` is a column name or one number for every row; a null start or count gives a null result.
        Uses one cumulative-workday index, so 100,000 rows cost a few array operations.
        """
        starts = _date_column(frame, start_col)
        counts = frame.get_column(n) if isinstance(n, str) else pl.Series([int(n)] * frame.height)
        counts = counts.cast(pl.Int64)
        valid = (starts.is_not_null() & counts.is_not_null()).to_numpy()
        start_days = starts.to_physical().fill_null(0).to_numpy().astype(np.int64)
        result_days = np.zeros(frame.height, dtype=np.int64)
        if valid.any():
            result_days[valid] = self._add_workdays_epoch(
                start_days[valid], counts.fill_null(0).to_numpy().astype(np.int64)[valid]
            )
        results = _null_where_invalid(pl.Series(out, result_days, dtype=pl.Int32).cast(pl.Date), valid)
        unpublished = self._unpublished_flags(starts, results).alias(f"{out}_unpublished")
        return frame.with_columns(results, unpublished)

    def workdays_between_columns(
        self, frame: pl.DataFrame, a_col: str, b_col: str, *, out: str = "workdays"
    ) -> pl.DataFrame:
        """Add ``out`` = ``workdays_between(a, b)`` per row, and ``{out}_unpublished`` (bool)."""
        a = _date_column(frame, a_col)
        b = _date_column(frame, b_col)
        valid = (a.is_not_null() & b.is_not_null()).to_numpy()
        counts = np.zeros(frame.height, dtype=np.int64)
        if valid.any():
            a_days = a.to_physical().fill_null(0).to_numpy().astype(np.int64)
            b_days = b.to_physical().fill_null(0).to_numpy().astype(np.int64)
            counts[valid] = self._between_epoch(a_days[valid], b_days[valid])
        result = _null_where_invalid(pl.Series(out, counts, dtype=pl.Int64), valid)
        return frame.with_columns(result, self._unpublished_flags(a, b).alias(f"{out}_unpublished"))

    def _unpublished_flags(self, a: pl.Series, b: pl.Series) -> pl.Series:
        """Per row: does the span of years between the two dates hold an unpublished year? Null if a date is."""
        both = (a.is_not_null() & b.is_not_null()).to_numpy()
        flags = np.zeros(len(a), dtype=bool)
        if both.any():
            ya = a.dt.year().cast(pl.Int64).fill_null(0).to_numpy()[both]
            yb = b.dt.year().cast(pl.Int64).fill_null(0).to_numpy()[both]
            lo_np, hi_np = np.minimum(ya, yb), np.maximum(ya, yb)
            first = int(lo_np.min())
            years = np.arange(first, int(hi_np.max()) + 1)
            unpublished = np.array([y not in self._published_years for y in years], dtype=np.int64)
            # prefix[k] = unpublished years among years[:k]
            prefix = np.concatenate([[0], np.cumsum(unpublished)])
            flags[both] = (prefix[hi_np - first + 1] - prefix[lo_np - first]) > 0
        return _null_where_invalid(pl.Series(flags), both)

    # --- the cumulative index -------------------------------------------------------------------------

    def _index_covering(self, lo_day: int, hi_day: int) -> _Index:
        """An index over whole years that includes [lo_day, hi_day], reusing the cached one if it does."""
        index = self._index
        if index is not None and index.first <= lo_day and hi_day <= index.last:
            return index
        if index is not None:
            lo_day, hi_day = min(lo_day, index.first), max(hi_day, index.last)
        lo_year = _from_epoch_day(max(lo_day, _epoch_day(dt.date.min))).year
        hi_year = _from_epoch_day(min(hi_day, _epoch_day(dt.date.max))).year
        first = _epoch_day(dt.date(lo_year, 1, 1))
        last = _epoch_day(dt.date(hi_year, 12, 31))
        days = np.arange(first, last + 1, dtype=np.int64)
        flags = ((days + _EPOCH_WEEKDAY) % 7 < 5).astype(np.int64)
        for d in self._holidays:
            if first <= (e := _epoch_day(d)) <= last:
                flags[e - first] = 0
        for d in self._workdays:
            if first <= (e := _epoch_day(d)) <= last:
                flags[e - first] = 1
        index = _Index(first=first, flags=flags, cumulative=np.cumsum(flags))
        self._index = index
        return index

    def _add_workdays_epoch(self, start_days: np.ndarray, counts: np.ndarray) -> np.ndarray:
        # Enough calendar days for |n| workdays: 7/5 per workday plus room for the longest holiday runs.
        reach = np.abs(counts) * 7 // 5 + 40
        lo = int((start_days - np.where(counts < 0, reach, 0)).min()) - 10
        hi = int((start_days + np.where(counts >= 0, reach, 0)).max()) + 10
        while True:
            index = self._index_covering(lo, hi)
            pos = start_days - index.first
            cum = index.cumulative[pos]
            flag = index.flags[pos]
            # The answer is the first day whose running total reaches `target`; that day is a workday.
            target = np.where(counts > 0, cum + counts, np.where(counts == 0, cum + 1 - flag, cum - flag + counts + 1))
            too_far = target > index.cumulative[-1]
            too_early = target < 1
            if not too_far.any() and not too_early.any():
                return np.searchsorted(index.cumulative, target, side="left") + index.first
            if (too_far.any() and index.last >= _epoch_day(dt.date.max)) or (
                too_early.any() and index.first <= _epoch_day(dt.date.min)
            ):
                raise OverflowError("工作日推算超出日期范围 / working-day computation leaves the date range")
            span = index.last - index.first
            lo = index.first - span if too_early.any() else index.first
            hi = index.last + span if too_far.any() else index.last

    def _between_epoch(self, a_days: np.ndarray, b_days: np.ndarray) -> np.ndarray:
        index = self._index_covering(int(min(a_days.min(), b_days.min())), int(max(a_days.max(), b_days.max())))
        pa, pb = a_days - index.first, b_days - index.first
        cum, flags = index.cumulative, index.flags
        forward = cum[pb] - cum[pa]  # workdays in (a, b]
        backward = -((cum[pa] - flags[pa]) - (cum[pb] - flags[pb]))  # minus workdays in [b, a)
        return np.where(b_days >= a_days, forward, backward)


def package_notice_years() -> tuple[int, int]:
    """First and last year whose State Council notice the installed ``holidays`` package carries.

    The package keeps each notice's moved days (调休) in ``ChinaStaticHolidays.special_public_holidays``
    keyed by year; a year without an entry there is the package's estimate, not a notice.
    """
    from holidays.countries.china import ChinaStaticHolidays

    years = ChinaStaticHolidays.special_public_holidays.keys()
    return min(years), max(years)


def _date_column(frame: pl.DataFrame, name: str) -> pl.Series:
    series = frame.get_column(name)
    if series.dtype == pl.Date:
        return series
    if series.dtype == pl.String:
        return series.str.to_date("%Y-%m-%d")
    return series.cast(pl.Date)


def _null_where_invalid(series: pl.Series, valid: np.ndarray) -> pl.Series:
    """The series with null wherever ``valid`` is false."""
    nulls = pl.repeat(None, len(series), dtype=series.dtype, eager=True)
    return series.zip_with(pl.Series(valid, dtype=pl.Boolean), nulls).alias(series.name)
