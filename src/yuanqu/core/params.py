"""Every query and path parameter of the platform, parsed in one place per kind: ids, dates, years, months, pages,
choices.

A value that is not one of the kind answers 400 naming the parameter, in Chinese and English (``BadParameter``,
a ``django.core.exceptions.BadRequest``), or, in a form, a form error on its field: never a 500. The bounds are
those a database and the calendar can hold, and no wider than the platform needs:

- an id is ASCII digits (not ``²`` or ``١``, which ``str.isdigit()`` calls digits) from 1 to 2**63 - 1 (the
  largest key SQLite and PostgreSQL store);
- a date is ``YYYY-MM-DD`` between 1900-01-01 and 2199-12-31, so a date of year 1 or 99999 is refused before any
  arithmetic on it overflows;
- a year lies in the same span, a month is 1–12, a page is a positive number (pages beyond the last show the last).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from django import forms
from django.core.exceptions import BadRequest, ValidationError
from django.utils.translation import gettext_lazy as _

MAX_ID = 2**63 - 1
MIN_YEAR, MAX_YEAR = 1900, 2199
MIN_DATE, MAX_DATE = dt.date(MIN_YEAR, 1, 1), dt.date(MAX_YEAR, 12, 31)
MAX_PAGE = 10**9
_DIGITS = re.compile(r"[0-9]{1,19}")
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")


class BadParameter(BadRequest):
    """A query or path parameter that is not of its kind; the message names it in Chinese and English."""

    def __init__(self, name: str, zh: str, en: str, value: object = None) -> None:
        shown = _shown(value)
        super().__init__(f"参数 {name}{shown} 无效：{zh} / parameter {name}{shown} is invalid: {en}")
        self.name = name


def _shown(value: object) -> str:
    if value is None:
        return ""
    text = str(value).replace("\x00", "\\0")
    return f"={text[:40]}…" if len(text) > 40 else f"={text}"


def _strip(value: object) -> str:
    return "" if value is None else str(value).strip()


# --- the kinds ---------------------------------------------------------------------------------------------


def to_id(value: object) -> int | None:
    """An id from text, or None when it is none (not ASCII digits, 0, or beyond what a database stores)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if 0 < value <= MAX_ID else None
    text = _strip(value)
    if not _DIGITS.fullmatch(text):
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


def to_date(value: object) -> dt.date | None:
    """A date from ``YYYY-MM-DD`` (or a date) within the platform's span, or None."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value if MIN_DATE <= value <= MAX_DATE else None
    match = _ISO_DATE.fullmatch(_strip(value))
    if not match:
        return None
    try:
        parsed = dt.date(*map(int, match.groups()))
    except ValueError:
        return None
    return parsed if MIN_DATE <= parsed <= MAX_DATE else None


def to_int(value: object, *, low: int, high: int) -> int | None:
    """A whole number (ASCII digits, an optional minus) within ``low``–``high``, or None."""
    text = _strip(value)
    if not re.fullmatch(r"-?[0-9]{1,19}", text):
        return None
    number = int(text)
    return number if low <= number <= high else None


def id_param(data, name: str, *, required: bool = False) -> int | None:
    """The id under ``name`` of a QueryDict (None when absent and not required); BadParameter when it is no id."""
    text = _strip(data.get(name))
    if not text:
        if required:
            raise BadParameter(name, "缺少编号", "an id is required")
        return None
    number = to_id(text)
    if number is None:
        raise BadParameter(name, "应为正整数编号", "expected a positive whole-number id", text)
    return number


def date_param(data, name: str, *, default: dt.date | None = None) -> dt.date | None:
    """The date under ``name`` (YYYY-MM-DD), ``default`` when absent; BadParameter when it is no date of the span."""
    text = _strip(data.get(name))
    if not text:
        return default
    parsed = to_date(text)
    if parsed is None:
        raise BadParameter(
            name,
            f"应为 {MIN_DATE.isoformat()} 至 {MAX_DATE.isoformat()} 之间的日期（YYYY-MM-DD）",
            f"expected a date (YYYY-MM-DD) between {MIN_DATE.isoformat()} and {MAX_DATE.isoformat()}",
            text,
        )
    return parsed


def year_param(data, name: str = "year", *, default: int | None = None) -> int | None:
    """The year under ``name``, ``default`` when absent; BadParameter when it is no year of the span."""
    text = _strip(data.get(name))
    if not text:
        return default
    year = to_int(text, low=MIN_YEAR, high=MAX_YEAR)
    if year is None:
        raise BadParameter(
            name, f"应为 {MIN_YEAR}–{MAX_YEAR} 的年份", f"expected a year from {MIN_YEAR} to {MAX_YEAR}", text
        )
    return year


def month_param(data, name: str = "month", *, default: int | None = None) -> int | None:
    """The month (1–12) under ``name``, ``default`` when absent; BadParameter otherwise."""
    text = _strip(data.get(name))
    if not text:
        return default
    month = to_int(text, low=1, high=12)
    if month is None:
        raise BadParameter(name, "应为 1–12 的月份", "expected a month from 1 to 12", text)
    return month


def page_param(data, name: str = "page") -> int:
    """The page number under ``name`` (1 when absent or not a page: a list never fails on its page)."""
    number = to_int(data.get(name), low=1, high=MAX_PAGE)
    return number or 1


def choice_param(data, name: str, choices: Iterable[str], *, default: str = "") -> str:
    """One of ``choices`` under ``name``, ``default`` when absent; BadParameter otherwise."""
    text = _strip(data.get(name))
    if not text:
        return default
    allowed = [str(choice) for choice in choices]
    if text not in allowed:
        shown = ", ".join(allowed[:12])
        raise BadParameter(name, f"可选：{shown}", f"one of: {shown}", text)
    return text


# --- the same kinds as form fields (a form error on the field instead of a 400) ---------------------------------


class IdField(forms.IntegerField):
    """An id: ASCII digits, 1 to 2**63 - 1."""

    default_error_messages = {"invalid": _("应为正整数编号")}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        number = to_id(value)
        if number is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return number


class YearField(forms.IntegerField):
    """A year within the platform's span (narrower bounds may be given); ASCII digits only."""

    def __init__(self, *, min_value: int = MIN_YEAR, max_value: int = MAX_YEAR, **kwargs):
        super().__init__(min_value=max(min_value, MIN_YEAR), max_value=min(max_value, MAX_YEAR), **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        number = to_int(value, low=-(10**9), high=10**9)
        if number is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return number


# The browser's date picker, its value written as YYYY-MM-DD: the widget of every date a form asks for.
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DateField(forms.DateField):
    """A date, YYYY-MM-DD, between 1900-01-01 and 2199-12-31."""

    default_error_messages = {"invalid": _("应为 1900-01-01 至 2199-12-31 之间的日期（YYYY-MM-DD）")}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        parsed = to_date(value)
        if parsed is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return parsed


class ModelIdChoiceField(forms.ModelChoiceField):
    """A model chosen by id: anything but an id is refused before the database is asked."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if not isinstance(value, self.queryset.model) and to_id(getattr(value, "pk", value)) is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)
