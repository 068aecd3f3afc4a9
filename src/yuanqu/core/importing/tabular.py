"""Read spreadsheets and CSV files as offices really fill them in, into typed rows plus every problem found;
write the matching import templates and exports. No Django here, so it can be tested and used on its own.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation
from fractions import Fraction
from itertools import repeat
from operator import itemgetter
from pathlib import Path
from typing import Any, BinaryIO

import polars
import python_calamine

from yuanqu.core import xlsx
from yuanqu.core.importing.limits import (
    DEFAULT_LIMITS,
    Extent,
    LimitError,
    Limits,
    check_extent,
    check_file_size,
    inspect_zip,
)
from yuanqu.core.importing.problems import Problem, ProblemList
from yuanqu.core.lazy import load_in_background

__all__ = [
    "KINDS",
    "Column",
    "Limits",
    "ParsedRow",
    "Problem",
    "Table",
    "read_table",
    "write_rows",
    "write_template",
]

KINDS = ("text", "int", "decimal", "date", "flag", "choice")

# How many non-blank rows at the top of a sheet may hold titles before the header.
HEADER_SEARCH_ROWS = 10

# --------------------------------------------------------------------------------------------------------------
# Schema and results
# --------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column an importer expects: its key, its canonical Chinese header, its type and stored unit."""

    key: str
    header: str
    kind: str
    unit: str | None = None
    aliases: tuple[str, ...] = ()
    required: bool = False
    choices: Mapping[str, str] | None = None
    decimal_places: int = 4

    def __post_init__(self) -> None:
        """Refuse schemas that could never read a file correctly; these are programming errors."""
        if self.kind not in KINDS:
            raise ValueError(f"column {self.key!r}: kind must be one of {KINDS}, not {self.kind!r}")
        if (self.kind == "choice") != bool(self.choices):
            raise ValueError(f"column {self.key!r}: choices are needed exactly when kind is 'choice'")
        if self.decimal_places < 0:
            raise ValueError(f"column {self.key!r}: decimal_places must not be negative")

    @property
    def template_header(self) -> str:
        """The header written in templates and exports, e.g. "实缴税收(万元)" or "从业人员(人)"."""
        return f"{self.header}({self.unit})" if self.unit else self.header


def _decimal_or_none(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


@dataclass(slots=True)
class ParsedRow:
    """One data row: its row number as Excel shows it, and the parsed value of each column found in the file.

    Only columns present in the file appear in ``values`` (so an update import can tell "not supplied"
    from "blank"); a blank cell, or a cell with a problem, holds None.
    """

    row: int
    values: dict[str, object]


@dataclass
class Table:
    """What ``read_table`` found: typed rows, every problem, and statements for the import report.

    The reader keeps the parsed values a column at a time (``columns``, with each data row's number in
    ``numbers``); ``rows`` makes them rows (a dict each) the first time it is asked, so an importer that
    works a column at a time never pays for a dict per row.
    """

    problems: ProblemList = field(default_factory=ProblemList)
    notes: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[tuple[int, str, str]] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    factors: dict[str, Fraction] = field(default_factory=dict)  # key -> stored units per unit of the file
    # The parsed values a column at a time (key -> values in row order; read them with `column`), and each
    # data row's number.
    columns: dict[str, list] = field(default_factory=dict)
    numbers: list[int] = field(default_factory=list)
    # The decimal columns the reader made as text on its way (key -> each value's text as str() writes its
    # Decimal, None where blank, in row order): ready for the database without a Decimal and a str() per value.
    texts: dict[str, list] = field(default_factory=dict)
    _rows: list[ParsedRow] | None = field(default=None, init=False, repr=False)

    def column(self, key: str) -> list:
        """The parsed values of one column in row order (a decimal column's Decimals made when first asked)."""
        values = self.columns[key]
        if values is self.texts.get(key):
            decimals = list(map(_decimal_or_none, values)) if None in values else list(map(Decimal, values))
            values = self.columns[key] = decimals
        return values

    @property
    def rows(self) -> list[ParsedRow]:
        """The data rows: each one's number and its value of every column in the file."""
        if self._rows is None:
            keys = list(self.columns)
            columns = [self.column(key) for key in keys]
            self._rows = list(
                map(ParsedRow, self.numbers, map(dict, map(zip, repeat(keys), zip(*columns, strict=True))))
            )
        return self._rows

    @property
    def row_count(self) -> int:
        """How many data rows there are (as ``len(rows)``, without making them)."""
        if self._rows is not None:
            return len(self._rows)
        return len(self.numbers) if self.columns else 0


# --------------------------------------------------------------------------------------------------------------
# Text normalisation and units
# --------------------------------------------------------------------------------------------------------------

_WHITESPACE = re.compile(r"[\s\u200b\ufeff]+")
# Markers templates put in headers that say nothing about the column itself.
_HEADER_MARKERS = re.compile(r"[(\[【](?:必填|必填项|选填|可选|非必填)[)\]】]")
# A trailing bracketed part of a header: "实缴税收(万元)", "用地面积【亩】", "税收(单位:元)".
_TRAILING_BRACKET = re.compile(r"^(.+?)[(\[【〔]([^()\[\]【】〔〕]*)[)\]】〕]$")


def _normalise(text: str) -> str:
    """Fold a header or label so that spelling variants compare equal.

    NFKC turns full-width brackets, digits and letters into ASCII; whitespace (including line breaks inside
    a cell) goes entirely; a "*" required marker goes; English is compared case-insensitively.
    """
    folded = _WHITESPACE.sub("", unicodedata.normalize("NFKC", text)).strip("*")
    return _HEADER_MARKERS.sub("", folded).casefold()


def _shown(text: str) -> str:
    """A header as the user wrote it, on one line (cells often hold line breaks)."""
    return " ".join(text.split())


# unit (normalised) -> (dimension, size in the dimension's smallest common unit)
_UNITS: dict[str, tuple[str, Fraction]] = {}
_DIMENSIONS = {
    "money": ("金额", "money"),
    "usd": ("美元金额", "US dollar amount"),
    "area": ("面积", "area"),
    "energy": ("能耗", "energy use"),
    "electricity": ("电量", "electricity"),
    "mass": ("重量", "mass"),
    "people": ("人数", "headcount"),
    "count": ("数量", "count"),
}


def _define_units(dimension: str, size: Fraction | int, *names: str) -> None:
    for name in names:
        _UNITS[_normalise(name)] = (dimension, Fraction(size))


_define_units("money", 1, "元", "人民币元", "元人民币")
_define_units("money", 1000, "千元")
_define_units("money", 10**4, "万元", "万元人民币")
_define_units("money", 10**8, "亿元", "亿元人民币")
_define_units("usd", 1, "美元", "usd", "$")
_define_units("usd", 1000, "千美元")
_define_units("usd", 10**4, "万美元")
_define_units("usd", 10**8, "亿美元")
_define_units("area", 1, "平方米", "平米", "m2", "m²", "㎡")
_define_units("area", 10**4, "万平方米", "公顷", "hm2", "hm²", "ha")
_define_units("area", Fraction(10000, 15), "亩")
_define_units("area", 10**6, "平方公里", "平方千米", "km2", "km²")
_define_units("energy", Fraction(1, 1000), "千克标准煤", "kgce")
_define_units("energy", 1, "吨标准煤", "吨标煤", "tce")
_define_units("energy", 10**4, "万吨标准煤", "万吨标煤", "万tce")
_define_units("electricity", 1, "千瓦时", "度", "kwh")
_define_units("electricity", 1000, "兆瓦时", "mwh")
_define_units("electricity", 10**4, "万千瓦时", "万度", "万kwh")
_define_units("electricity", 10**8, "亿千瓦时", "亿度", "亿kwh")
_define_units("mass", Fraction(1, 1000), "千克", "公斤", "kg")
_define_units("mass", 1, "吨", "t")
_define_units("mass", 10**4, "万吨")
_define_units("people", 1, "人", "名", "人数")
_define_units("people", 10**4, "万人")
_define_units("count", 1, "家", "个", "户", "起", "项", "件", "次")


def _strip_unit_prefix(annotation: str) -> str:
    """ "单位:万元" -> "万元" (NFKC has already turned "：" into ":")."""
    for prefix in ("单位:", "单位"):
        if annotation.startswith(prefix):
            return annotation[len(prefix) :]
    return annotation


def _format_factor(factor: Fraction) -> str:
    """1/10000 -> "0.0001", 15 -> "15"; a factor with no finite decimal form stays a fraction: "2000/3"."""
    den = factor.denominator
    while den % 2 == 0:
        den //= 2
    while den % 5 == 0:
        den //= 5
    if den != 1:
        return f"{factor.numerator}/{factor.denominator}"
    exact = Decimal(factor.numerator) / Decimal(factor.denominator)
    return format(exact.normalize(), "f")


# --------------------------------------------------------------------------------------------------------------
# Cell parsers: one closure per column, chosen once, then called in a tight loop
# --------------------------------------------------------------------------------------------------------------


class _CellError(Exception):
    """A cell that cannot be read; carries the reason in both languages."""

    def __init__(self, reason_zh: str, reason_en: str) -> None:
        super().__init__(reason_en)
        self.reason_zh = reason_zh
        self.reason_en = reason_en


_CONTEXT = Context(prec=28, rounding=ROUND_HALF_UP)  # 四舍五入, as finance offices round
# Cells that mean "nothing here" in statistical tables.
_PLACEHOLDERS = frozenset({"-", "--", "—", "——", "–", "/", "\\"})
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?", re.IGNORECASE)
_GROUPED_NUMBER = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?")
# Possessive quantifiers (Python 3.11+) keep one pass over a 100,000-cell column linear and fast.
_GROUPED_CELL = r"[ \t]*+[+-]?(?>\d{1,3}(?:,\d{3})++|\d++)(?:\.\d*+)?[ \t]*+"
_GROUPED_COLUMN = re.compile(rf"{_GROUPED_CELL}(?:\n{_GROUPED_CELL})*+")  # a whole column, one cell a line
_NOT_A_NUMBER = ("不是数字", "not a number")
_INVALID = object()  # marks a cell that failed to parse, so it is not also reported as a missing value


def _as_text(value: object) -> str:
    """A cell value as the user sees it in Excel."""
    kind = type(value)
    if kind is str:
        return value  # type: ignore[return-value]
    if kind is float:
        number: float = value  # type: ignore[assignment]
        return str(int(number)) if number.is_integer() and abs(number) < 1e16 else repr(number)
    if kind is bool:
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _text_to_decimal(text: str) -> Decimal | None:
    """Parse a number typed as text: "1,234.5", "１２３４", " -12 ", "(1,234)" (accounting negative)."""
    cleaned = _WHITESPACE.sub("", unicodedata.normalize("NFKC", text)).replace("\u2212", "-")
    if not cleaned or cleaned in _PLACEHOLDERS:
        return None
    if cleaned[0] == "(" and cleaned[-1] == ")":
        cleaned = "-" + cleaned[1:-1]
    cleaned = cleaned.lstrip("¥$")
    if "," in cleaned:
        if not _GROUPED_NUMBER.fullmatch(cleaned):
            raise _CellError("千位分隔符位置不对", "misplaced thousands separator")
        cleaned = cleaned.replace(",", "")
    if not _NUMBER.fullmatch(cleaned):
        raise _CellError(*_NOT_A_NUMBER)
    return Decimal(cleaned)


def _decimal_parser(places: int, factor: Fraction) -> Callable[[object], Decimal | None]:
    quantum = Decimal(1).scaleb(-places)
    scaled = factor != 1
    numerator, denominator = Decimal(factor.numerator), Decimal(factor.denominator)
    to_decimal = Decimal
    quantize = _CONTEXT.quantize

    def parse(value: object) -> Decimal | None:
        kind = type(value)
        if kind is float:
            # repr gives the shortest text that round-trips, i.e. what Excel displays; Decimal(float) would
            # expose the binary expansion (1234.5 is fine, 0.1 is not).
            number = to_decimal(repr(value))
        elif kind is str:
            number = _text_to_decimal(value)  # type: ignore[arg-type]
            if number is None:
                return None
        elif kind is int:
            number = to_decimal(value)  # type: ignore[arg-type]
        else:
            raise _CellError(*_NOT_A_NUMBER)
        try:
            if scaled:
                number = _CONTEXT.divide(_CONTEXT.multiply(number, numerator), denominator)
            return quantize(number, quantum)
        except InvalidOperation:
            raise _CellError("数值过大或无效", "number too large or invalid") from None

    return parse


def _int_parser(factor: Fraction) -> Callable[[object], int | None]:
    scaled = factor != 1
    numerator, denominator = Decimal(factor.numerator), Decimal(factor.denominator)

    def parse(value: object) -> int | None:
        kind = type(value)
        if kind is float:
            number_float: float = value  # type: ignore[assignment]
            if not scaled and number_float.is_integer():
                return int(number_float)
            number = Decimal(repr(number_float))
        elif kind is str:
            parsed = _text_to_decimal(value)  # type: ignore[arg-type]
            if parsed is None:
                return None
            number = parsed
        elif kind is int:
            if not scaled:
                return value  # type: ignore[return-value]
            number = Decimal(value)  # type: ignore[arg-type]
        else:
            raise _CellError(*_NOT_A_NUMBER)
        if scaled:
            number = _CONTEXT.divide(_CONTEXT.multiply(number, numerator), denominator)
        if not number.is_finite() or number != number.to_integral_value():
            raise _CellError("不是整数", "not a whole number")
        return int(number)

    return parse


def _parse_text(value: object) -> str | None:
    if type(value) is str:
        text = value.strip()  # type: ignore[attr-defined]
        return None if not text or text in _PLACEHOLDERS else text
    # Codes typed into General cells arrive as numbers: 12345.0 is the code "12345".
    return _as_text(value)


_FLAG_WORDS: dict[str, bool] = {
    word: truth
    for words, truth in (
        (("是", "y", "yes", "true", "1", "√", "✓", "✔", "有", "对"), True),
        (("否", "n", "no", "false", "0", "×", "✗", "✘", "无", "不是"), False),
    )
    for word in words
}
_FLAG_WORDS_EXACT = {
    **_FLAG_WORDS,
    **{word.upper(): truth for word, truth in _FLAG_WORDS.items()},
    **{word.capitalize(): truth for word, truth in _FLAG_WORDS.items()},
}
_FLAG_HELP = ("可填：是/否、Y/N、1/0、√/×、有/无", "accepted: 是/否, Y/N, yes/no, true/false, 1/0, √/×, 有/无")


def _parse_flag(value: object) -> bool | None:
    kind = type(value)
    if kind is bool:
        return value  # type: ignore[return-value]
    if kind is str:
        word = _normalise(value)  # type: ignore[arg-type]
        if not word or word in _PLACEHOLDERS:
            return None
        truth = _FLAG_WORDS.get(word)
        if truth is not None:
            return truth
    elif (kind is float or kind is int) and value in (0, 1):
        return bool(value)
    raise _CellError(f"不是“是/否”；{_FLAG_HELP[0]}", f"not yes/no; {_FLAG_HELP[1]}")


_EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial 1 is 1900-01-01 because of Excel's 1900 leap-year bug
# Serials outside 1950..2099 are far more likely a year or an amount typed into the wrong column.
_FIRST_SERIAL = (dt.date(1950, 1, 1) - _EXCEL_EPOCH).days
_LAST_SERIAL = (dt.date(2099, 12, 31) - _EXCEL_EPOCH).days
_TIME_OF_DAY = re.compile(r"(?:T|\s+)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$")
_DATE_SEPARATED = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})")
_DATE_CHINESE = re.compile(r"(\d{4})年(\d{1,2})月(?:(\d{1,2})[日号]?)?")
_YEAR_MONTH = re.compile(r"(\d{4})[-/.](\d{1,2})")
_DATE_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_DATE_HELP = (
    "不是可识别的日期（可写 2024-05-01、2024/5/1、2024.5.1、2024年5月1日、2024年5月、20240501）",
    "not a recognisable date (write e.g. 2024-05-01, 2024/5/1, 2024年5月1日, 2024年5月 or 20240501)",
)


def _make_date(year: str | int, month: str | int, day: str | int) -> dt.date:
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        raise _CellError("日期不存在", "no such date") from None


def _text_to_date(text: str) -> dt.date | None:
    cleaned = _TIME_OF_DAY.sub("", unicodedata.normalize("NFKC", text).strip())
    cleaned = _WHITESPACE.sub("", cleaned)
    if not cleaned or cleaned in _PLACEHOLDERS:
        return None
    if match := _DATE_SEPARATED.fullmatch(cleaned):
        return _make_date(match[1], match[3], match[4])
    if match := _DATE_CHINESE.fullmatch(cleaned):
        return _make_date(match[1], match[2], match[3] or 1)
    if match := _YEAR_MONTH.fullmatch(cleaned):
        return _make_date(match[1], match[2], 1)
    # Eight digits can only be YYYYMMDD; six ("202405") could be several things and are refused.
    if match := _DATE_COMPACT.fullmatch(cleaned):
        return _make_date(match[1], match[2], match[3])
    raise _CellError(*_DATE_HELP)


def _parse_date(value: object) -> dt.date | None:
    kind = type(value)
    if kind is dt.date:
        return value  # type: ignore[return-value]
    if kind is dt.datetime:
        return value.date()  # type: ignore[attr-defined]
    if kind is str:
        return _text_to_date(value)  # type: ignore[arg-type]
    if kind is float or kind is int:
        number: float = value  # type: ignore[assignment]
        if _FIRST_SERIAL <= number <= _LAST_SERIAL:
            return _EXCEL_EPOCH + dt.timedelta(days=int(number))
        if float(number).is_integer() and 10_000_000 <= number <= 99_999_999:
            return _text_to_date(str(int(number)))
        raise _CellError(
            "数字不像日期（Excel 日期应在 1950–2099 年之间）", "number does not look like a date (1950–2099)"
        )
    raise _CellError(*_DATE_HELP)


def _choice_parser(choices: Mapping[str, str]) -> Callable[[object], str | None]:
    lookup = {_normalise(value): value for value in choices.values()}
    lookup.update({_normalise(label): value for label, value in choices.items()})
    labels = "、".join(choices)
    english = ", ".join(choices)

    def parse(value: object) -> str | None:
        text = _normalise(_as_text(value))
        if not text or text in _PLACEHOLDERS:
            return None
        stored = lookup.get(text)
        if stored is None:
            raise _CellError(f"不是可选值；可选：{labels}", f"not an accepted value; accepted: {english}")
        return stored

    return parse


def _parser_for(column: Column, factor: Fraction) -> Callable[[object], Any]:
    if column.kind == "decimal":
        return _decimal_parser(column.decimal_places, factor)
    if column.kind == "int":
        return _int_parser(factor)
    if column.kind == "date":
        return _parse_date
    if column.kind == "flag":
        return _parse_flag
    if column.kind == "choice":
        assert column.choices is not None  # checked in Column.__post_init__
        return _choice_parser(column.choices)
    return _parse_text


# Whole-column fast paths. A column of numbers (calamine gives floats for numeric cells), possibly with
# empty cells, is converted with map() over C functions, no Python frame per cell; any other column returns
# None and goes cell by cell through the parser, which also names each bad cell.

ColumnReader = Callable[[list[Any]], list[Any] | None]
_MISSING = object()


def _floats_or_blank(cells: list[Any]) -> tuple[list[float], bool] | None:
    """The float cells of a column whose other cells are all empty, and whether there were any empty ones."""
    kinds = set(map(type, cells))
    if kinds == {float}:
        return cells, False
    if kinds == {float, str}:
        floats = [cell for cell in cells if cell.__class__ is float]
        if len(floats) + cells.count("") == len(cells):
            return floats, True
    return None


def _put_back_blanks(cells: list[Any], converted: list[Any]) -> list[Any]:
    values = iter(converted)
    return [next(values) if cell.__class__ is float else None for cell in cells]


def _plain_text_numbers(cells: list[Any]) -> list[Decimal] | None:
    """A column of numbers stored as text ("1234.5", common in files exported by other systems), possibly
    mixed with number cells, that Decimal() takes exactly as they are; None if any cell needs more care."""
    if not set(map(type, cells)) <= {str, float}:
        return None
    texts = [cell if cell.__class__ is str else repr(cell) for cell in cells]
    joined = "\n".join(texts)
    if "_" in joined:
        return None  # Decimal() takes "1_000"; the cell-by-cell reader does not, and both must agree
    if "," in joined:
        # Thousands separators, as CSV files saved from formatted sheets have them: one regex pass over the
        # whole column checks every separator is in place, then they go.
        if not _GROUPED_COLUMN.fullmatch(joined):
            return None
        texts = list(map(str.replace, texts, repeat(","), repeat("")))
    try:
        numbers = list(map(Decimal, texts))
    except (ArithmeticError, ValueError):
        return None
    return numbers if all(map(Decimal.is_finite, numbers)) else None


class _DecimalTexts(list):
    """A decimal column read at once, as each value's text exactly as str() writes its Decimal (None where
    blank): `Table.column` makes the Decimals when they are asked for."""

    __slots__ = ()


def _decimal_column(places: int, factor: Fraction) -> ColumnReader:
    quantum = Decimal(1).scaleb(-places)
    numerator, denominator = Decimal(factor.numerator), Decimal(factor.denominator)
    # Numbers written with at most the field's places (and few enough digits for quantize's precision of 28)
    # are already exact: padded with zeros, their text is the quantised value, without quantize() per cell.
    exact = rf"^-?\d{{1,{28 - places}}}\.\d{{1,{places}}}$" if factor == 1 and 1 <= places <= 10 else None

    def read(cells: list[Any]) -> list[Any] | None:
        numbers: Iterable[Decimal]
        split = _floats_or_blank(cells)
        if split is not None:
            floats, has_blanks = split
            # Polars formats floats as the shortest text that round-trips, exactly like repr() (a test pins
            # this), and four times faster; that text is what Excel displays, Decimal(float) is not.
            texts = polars.Series("text", floats, dtype=polars.Float64).cast(polars.String)
            if exact is not None and texts.str.contains(exact).all():
                text = polars.col("text")
                padded = texts.to_frame().select(
                    (text + "0" * places).str.slice(0, text.str.find(".", literal=True) + 1 + places)
                )
                texts = padded.to_series().to_list()
                # The padded text is what str() writes for its Decimal (sign, digits, point, all the places),
                # as long as str() writes no exponent: it does for a value below 1E-6, so never with 6 places
                # or fewer.
                if places <= 6:
                    return _DecimalTexts(_put_back_blanks(cells, texts) if has_blanks else texts)
                converted = list(map(Decimal, texts))
                return _put_back_blanks(cells, converted) if has_blanks else converted
            numbers = map(Decimal, texts.to_list())
        else:
            has_blanks = False
            numbers = _plain_text_numbers(cells)  # type: ignore[assignment]
            if numbers is None:
                return None
        if factor != 1:
            numbers = map(_CONTEXT.divide, map(_CONTEXT.multiply, numbers, repeat(numerator)), repeat(denominator))
        try:
            converted = list(map(_CONTEXT.quantize, numbers, repeat(quantum)))
        except InvalidOperation:
            return None  # the cell-by-cell pass names the offending cell
        return _put_back_blanks(cells, converted) if has_blanks else converted

    return read


def _int_column(factor: Fraction) -> ColumnReader:
    def read(cells: list[Any]) -> list[Any] | None:
        if factor != 1:
            return None
        split = _floats_or_blank(cells)
        if split is not None:
            if not all(map(float.is_integer, split[0])):
                return None
            converted = list(map(int, split[0]))
            return _put_back_blanks(cells, converted) if split[1] else converted
        numbers = _plain_text_numbers(cells)
        if numbers is None:
            return None
        whole = list(map(int, numbers))
        return whole if all(map(Decimal.__eq__, numbers, whole)) else None

    return read


def _read_text_column(cells: list[Any]) -> list[Any] | None:
    if set(map(type, cells)) != {str}:
        return None
    stripped = list(map(str.strip, cells))
    if not _PLACEHOLDERS.isdisjoint(stripped):
        return None
    return [text or None for text in stripped] if "" in stripped else stripped


def _lookup_column(exact: Mapping[str, Any]) -> ColumnReader:
    """Flags and choices typed exactly as a known word ("是", "Y", "政府原因") need no normalising."""
    table = {"": None, **exact}

    def read(cells: list[Any]) -> list[Any] | None:
        if set(map(type, cells)) != {str}:
            return None
        values = list(map(table.get, cells, repeat(_MISSING)))
        return None if _MISSING in values else values

    return read


def _read_date_column(cells: list[Any]) -> list[Any] | None:
    kinds = set(map(type, cells))
    if kinds == {dt.date}:
        return list(cells)
    if kinds == {dt.datetime}:
        return list(map(dt.datetime.date, cells))
    return None


def _column_reader_for(column: Column, factor: Fraction) -> ColumnReader:
    if column.kind == "decimal":
        return _decimal_column(column.decimal_places, factor)
    if column.kind == "int":
        return _int_column(factor)
    if column.kind == "date":
        return _read_date_column
    if column.kind == "flag":
        return _lookup_column(_FLAG_WORDS_EXACT)
    if column.kind == "choice":
        assert column.choices is not None
        exact = {value: value for value in column.choices.values()}
        exact.update(column.choices)
        return _lookup_column(exact)
    return _read_text_column


# --------------------------------------------------------------------------------------------------------------
# Loading a grid of cells
# --------------------------------------------------------------------------------------------------------------

Grid = list[list[Any]]
MergedRanges = list[tuple[tuple[int, int], tuple[int, int]]]


class _FileError(Exception):
    """The file as a whole cannot be read."""

    def __init__(self, reason_zh: str, reason_en: str) -> None:
        super().__init__(reason_en)
        self.reason_zh = reason_zh
        self.reason_en = reason_en


_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}


def _load(
    source: str | Path | bytes | BinaryIO, filename: str | None, sheet: str | int | None, limits: Limits
) -> tuple[Grid, MergedRanges | None, list[tuple[str, str]]]:
    """Read the cells of one sheet (or a CSV) as an absolute grid: grid[i] is Excel row i + 1.

    The file's size is checked before it is read, and a workbook's archive and sheet before the reader
    touches them (`limits`)."""
    if isinstance(source, str | Path):
        path = Path(source)
        check_file_size(path.stat().st_size, limits)
        with path.open("rb") as handle:
            head = handle.read(8)
        name = filename or path.name
        if head.startswith(_ZIP_MAGIC) or head == _OLE_MAGIC:
            with path.open("rb") as handle:
                return _load_workbook(handle, sheet, limits, zipped=head.startswith(_ZIP_MAGIC))
        data = path.read_bytes()
    else:
        if isinstance(source, bytes | bytearray | memoryview):
            data = bytes(source)
        else:
            data = source.read(limits.file_bytes + 1)
        check_file_size(len(data), limits)
        name = filename or str(getattr(source, "name", "") or "")
        if data.startswith(_ZIP_MAGIC) or data.startswith(_OLE_MAGIC):
            return _load_workbook(io.BytesIO(data), sheet, limits, zipped=data.startswith(_ZIP_MAGIC))
    if data.removeprefix(codecs.BOM_UTF8).lstrip()[:1] == b"<":
        raise _FileError(
            "文件不是真正的 Excel 文件（像是网页格式，常见于系统导出的 .xls），请用 Excel 打开后另存为 .xlsx",
            "not a real Excel file (looks like HTML, as some systems export .xls); open it in Excel and save as .xlsx",
        )
    if Path(name).suffix.lower() in _SPREADSHEET_SUFFIXES:
        raise _FileError("文件已损坏或不是 Excel 文件", "the file is damaged or not an Excel file")
    grid, notes = _load_csv(data, limits)
    return grid, None, notes


def _is_panic(error: BaseException) -> bool:
    """Whether an exception is a panic of the Rust reader (which derives from BaseException, not Exception)."""
    return type(error).__name__ == "PanicException"


def _damaged(error: object) -> _FileError:
    return _FileError(f"文件已损坏或不是 Excel 文件（{error}）", f"the file is damaged or not an Excel file ({error})")


def _load_workbook(
    handle: BinaryIO, sheet: str | int | None, limits: Limits, *, zipped: bool
) -> tuple[Grid, MergedRanges | None, list[tuple[str, str]]]:
    # Where the command line defers Polars (yuanqu.core.lazy), it loads while the archive is checked and the
    # sheet parsed (which lets other threads run), rather than after, when the cells are parsed with it; the
    # spreadsheet reader itself loads first, so that only one library loads at a time.
    python_calamine.CalamineWorkbook  # noqa: B018
    loaded = load_in_background("polars")
    try:
        return _load_workbook_checked(handle, sheet, limits, zipped=zipped)
    finally:
        loaded()


def _load_workbook_checked(
    handle: BinaryIO, sheet: str | int | None, limits: Limits, *, zipped: bool
) -> tuple[Grid, MergedRanges | None, list[tuple[str, str]]]:
    archive = None
    if zipped:
        # Every member is unpacked (streamed) within the budget, and each sheet measured, before the reader
        # sees the file: it would allocate the whole grid a single far cell claims.
        size = handle.seek(0, io.SEEK_END)
        handle.seek(0)
        try:
            archive = inspect_zip(handle, limits, packed_size=size)
        except LimitError:
            raise
        except Exception as error:  # a damaged archive fails in many ways (zlib, CRC, headers)
            raise _damaged(error) from None
        # The reader loads every sheet of an .ods when it opens it; an .xlsx or .xlsb one sheet when asked,
        # but which part of an .xlsb is which sheet is not told here: those are all checked now.
        if archive.kind == "ods":
            for name, extent in archive.sheets.items():
                check_extent(extent, limits, name)
        for index, extent in enumerate(archive.unnamed, start=1):
            check_extent(extent, limits, f"#{index}")
        handle.seek(0)
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(handle)
    except python_calamine.PasswordError:
        raise _FileError("文件设有密码，请先取消密码", "the file is password-protected") from None
    except python_calamine.CalamineError as error:
        raise _damaged(error) from None
    except BaseException as error:
        if _is_panic(error):
            raise _damaged(error) from None
        raise
    with workbook:
        names = workbook.sheet_names
        try:
            if sheet is None:
                # A hidden first sheet (lookup lists, old data) is common; read the first one a person sees.
                visible = [
                    meta.name
                    for meta in workbook.sheets_metadata
                    if meta.visible == python_calamine.SheetVisibleEnum.Visible
                    and meta.typ == python_calamine.SheetTypeEnum.WorkSheet
                ]
                name = visible[0] if visible else names[0]
            elif isinstance(sheet, int):
                name = names[sheet]
            else:
                name = sheet
                if name not in names:
                    raise python_calamine.WorksheetNotFound(name)
        except (python_calamine.WorksheetNotFound, IndexError):
            listed = "、".join(names)
            raise _FileError(
                f"找不到工作表「{sheet}」；文件中有：{listed}", f"no sheet {sheet!r}; the file has: {listed}"
            ) from None
        if archive is not None:
            for extent in archive.extent_of(name):
                check_extent(extent, limits, name)
        try:
            chosen = workbook.get_sheet_by_name(name)
            # What the reader holds now is bounded (by the checks above, or by the .xls format's 65536 x 256);
            # the grid anchored at A1 must be too before it is built.
            end = chosen.end
            if end is not None:
                check_extent(Extent(end[0] + 1, end[1] + 1), limits, name)
            # skip_empty_area=False keeps the grid anchored at A1, so grid indexes are Excel row numbers - 1.
            grid = chosen.to_python(skip_empty_area=False)
            merged = chosen.merged_cell_ranges
        except python_calamine.CalamineError as error:
            raise _damaged(error) from None
        except BaseException as error:
            if _is_panic(error):
                raise _damaged(error) from None
            raise
    return grid, merged, []


_UNKNOWN_ENCODING = ("无法识别文件编码（应为 UTF-8 或 GBK）", "unknown text encoding (expected UTF-8 or GBK)")


def _decode_csv(data: bytes) -> tuple[str, list[tuple[str, str]]]:
    """The text of a CSV: UTF-8 (with or without BOM), UTF-16 (Excel's "Unicode text") or GBK/GB18030."""
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8) :].decode("utf-8"), []
        except UnicodeDecodeError:
            # A byte-order mark says UTF-8, the rest is not (GBK saved behind a BOM): a guess either way.
            raise _FileError(
                f"{_UNKNOWN_ENCODING[0]}：文件开头标明是 UTF-8，但内容不是 UTF-8，请另存为 UTF-8",
                f"{_UNKNOWN_ENCODING[1]}: the file starts with a UTF-8 byte-order mark but is not UTF-8; save it "
                "as UTF-8",
            ) from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), []
        except UnicodeDecodeError:
            raise _FileError(
                f"{_UNKNOWN_ENCODING[0]}：文件开头标明是 UTF-16，但内容不是 UTF-16",
                f"{_UNKNOWN_ENCODING[1]}: the file starts with a UTF-16 byte-order mark but is not UTF-16",
            ) from None
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError:
        pass
    try:
        # GB18030 is a superset of GBK, which Excel uses when saving CSV on Chinese Windows.
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        raise _FileError(*_UNKNOWN_ENCODING) from None
    return text, [("文件按 GBK（GB18030）编码读取", "file decoded as GBK (GB18030)")]


def _load_csv(data: bytes, limits: Limits = DEFAULT_LIMITS) -> tuple[Grid, list[tuple[str, str]]]:
    """Decode a CSV and split it into rows, within the limits on rows, columns and cells."""
    text, notes = _decode_csv(data)
    first_lines = text[:4096].splitlines()[:5]
    sample = "\n".join(first_lines)
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    grid: Grid = []
    width = 0
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            grid.append(row)
            if len(row) > width:
                width = len(row)
                if width > limits.columns:
                    raise _FileError(
                        f"第 {len(grid)} 行有 {width:,} 列，超过上限 {limits.columns:,} 列（YUANQU_IMPORT_MAX_COLUMNS）",
                        f"row {len(grid)} has {width:,} columns, above the limit of {limits.columns:,} "
                        "(YUANQU_IMPORT_MAX_COLUMNS)",
                    )
            if len(grid) > limits.rows:
                raise _FileError(
                    f"文件超过 {limits.rows:,} 行（YUANQU_IMPORT_MAX_ROWS）",
                    f"the file has more than {limits.rows:,} rows (YUANQU_IMPORT_MAX_ROWS)",
                )
            if len(grid) * width > limits.cells:
                check_extent(Extent(len(grid), width), limits, "", where=("文件", "the file"))
    except csv.Error as error:
        raise _FileError(f"CSV 格式错误：{error}", f"malformed CSV: {error}") from None
    for row in grid:
        if len(row) < width:
            row.extend([""] * (width - len(row)))
    return grid, notes


def _fill_merged(grid: Grid, merged: MergedRanges) -> None:
    """Give every cell of a merged range the value Excel shows across it (stored only in its top-left cell)."""
    height = len(grid)
    for (top, left), (bottom, right) in merged:
        if top >= height:
            continue
        row = grid[top]
        if left >= len(row):
            continue
        value = row[left]
        if value == "":
            continue
        for index in range(top, min(bottom, height - 1) + 1):
            target = grid[index]
            for column in range(left, min(right, len(target) - 1) + 1):
                target[column] = value


# --------------------------------------------------------------------------------------------------------------
# Finding and mapping the header
# --------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _HeaderCell:
    key: str
    annotation: str | None  # the bracketed part after the name, normalised: a unit, usually
    shown: str  # as written in the file
    from_lower: bool = False  # named (partly) by the lower row of a two-row header


@dataclass
class _Header:
    first: int  # grid index of the top header row
    last: int  # grid index of the row holding the column names
    cells: dict[int, _HeaderCell]  # grid column -> what it maps to (duplicates included)
    unknown: list[tuple[int, str]]
    score: int  # how many schema columns it names
    uses_lower: bool = False  # a two-row header whose lower row helps name columns

    @property
    def rank(self) -> tuple[int, bool]:
        return self.score, self.uses_lower


def _names_of(schema: Sequence[Column]) -> dict[str, str]:
    """Every accepted header spelling (normalised) -> column key; the key itself is accepted too."""
    names: dict[str, str] = {}
    for column in schema:
        for name in (column.header, column.key, *column.aliases):
            normal = _normalise(name)
            other = names.setdefault(normal, column.key)
            if other != column.key:
                raise ValueError(f"header {name!r} is claimed by both {other!r} and {column.key!r}")
    return names


def _match(text: str, names: Mapping[str, str]) -> tuple[str, str | None] | None:
    normal = _normalise(text)
    if not normal:
        return None
    key = names.get(normal)
    if key is not None:
        return key, None
    if bracket := _TRAILING_BRACKET.match(normal):
        key = names.get(bracket[1])
        if key is not None:
            return key, _strip_unit_prefix(bracket[2])
    return None


_UNIT_STATEMENT = re.compile(r"单位\s*:\s*")
_LONGEST_UNIT = max(map(len, _UNITS))


def _sheet_units(title_rows: Grid) -> dict[str, str]:
    """Units stated above the table, e.g. "单位：元" or "金额单位：万元  面积单位：平方米": dimension -> unit."""
    units: dict[str, str] = {}
    for row in title_rows:
        for value in row:
            if type(value) is not str or "单位" not in value:
                continue
            text = unicodedata.normalize("NFKC", value)
            for statement in _UNIT_STATEMENT.finditer(text):
                rest = text[statement.end() :]
                for length in range(min(_LONGEST_UNIT, len(rest)), 0, -1):
                    unit = _normalise(rest[:length])
                    # "填报单位：元宝山区" names an office, not a unit: a unit ends the word.
                    ends_word = length == len(rest) or not rest[length].isalnum()
                    if unit in _UNITS and ends_word:
                        units.setdefault(_UNITS[unit][0], unit)
                        break
    return units


def _header_text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ("" if value is None else _as_text(value))


def _map_header(upper: list[Any] | None, lower: list[Any], names: Mapping[str, str]) -> _Header:
    """Map each column of a one-row (upper None) or two-row header to a schema key.

    For two rows, a column is named by its lower cell ("实缴税收(元)" under a group label), else by
    upper + lower ("用地面积" over "(亩)"), else by its upper cell (a name merged down across both rows).
    """
    cells: dict[int, _HeaderCell] = {}
    unknown: list[tuple[int, str]] = []
    uses_lower = False
    for index, raw in enumerate(lower):
        low = _header_text(raw)
        up = _header_text(upper[index]) if upper is not None and index < len(upper) else ""
        # (text, whether the lower row takes part in it)
        candidates = [(low, True)] if low else []
        if up and low and up != low:
            # A column of units ("单位", "计量单位") holds units in its data: one under it is a value, not its unit.
            if _normalise(low) in _UNITS and "单位" not in up:
                candidates.append((f"{up}({low})", True))
            candidates.append((up + low, True))
        if up:
            candidates.append((up, False))
        for candidate, from_lower in candidates:
            found = _match(candidate, names)
            if found is not None:
                in_lower = upper is not None and from_lower
                cells[index] = _HeaderCell(found[0], found[1], _shown(candidate), in_lower)
                uses_lower = uses_lower or in_lower
                break
        else:
            if low or up:
                unknown.append((index, _shown(low or up)))
    score = len({cell.key for cell in cells.values()})
    return _Header(first=-1, last=-1, cells=cells, unknown=unknown, score=score, uses_lower=uses_lower)


def _forward_filled(row: list[Any]) -> list[Any]:
    """Without merge information (CSV), a group label stands in its first cell only; carry it rightwards."""
    filled: list[Any] = []
    previous: Any = ""
    for value in row:
        if _header_text(value):
            previous = value
        filled.append(previous)
    return filled


def _is_blank_row(row: list[Any]) -> bool:
    return all(value == "" or (type(value) is str and not value.strip()) for value in row)


def _find_header(grid: Grid, names: Mapping[str, str], has_merges: bool) -> _Header | None:
    """The top row (or pair of rows) among the first non-blank rows that names the most schema columns.

    Ties go to the earlier row, so neither a title above the header nor the first data row below it
    displaces it; but a pair whose lower row helps name columns beats its upper row read alone.
    """
    candidates = []
    for index, row in enumerate(grid):
        if len(candidates) == HEADER_SEARCH_ROWS:
            break
        if not _is_blank_row(row):
            candidates.append(index)
    singles: dict[int, _Header] = {}

    def single(index: int) -> _Header:
        if index not in singles:
            singles[index] = _map_header(None, grid[index], names)
            singles[index].first = singles[index].last = index
        return singles[index]

    best: _Header | None = None
    for index in candidates:
        options = [single(index)]
        if index + 1 < len(grid):
            upper = grid[index] if has_merges else _forward_filled(grid[index])
            pair = _map_header(upper, grid[index + 1], names)
            pair.first, pair.last = index, index + 1
            # A pair counts if its upper row adds names, or names columns itself (cells merged down across
            # both rows); a title row above a one-row header does neither.
            below = single(index + 1).score
            if pair.score > below or (options[0].score and pair.score >= below):
                options.append(pair)
        for option in options:
            if option.score and (best is None or option.rank > best.rank):
                best = option
    return best


# --------------------------------------------------------------------------------------------------------------
# Marked rows: totals and footnotes
# --------------------------------------------------------------------------------------------------------------

_TOTAL_WORDS = ("合计", "总计", "小计")
_TOTAL_ROW = ("合计行", "total row")
_FOOTNOTE_ROW = ("表下说明文字", "note below the table")
_FOOTNOTE = re.compile(r"(?:注|说明|备注|填报|制表|审核|联系|负责人|单位负责人|数据来源)[^:]{0,6}:|注\d")
_MARK_FIRST_CHARS = frozenset("合总小注说备填制审联负单数")
_LEAD_COLUMNS = 3  # a total row names itself within the first few columns of the table


def _row_mark(lead: list[Any]) -> tuple[str, str] | None:
    """Why a row is not data (a total row or a footnote), judged from the table's first few cells."""
    first_text = True
    for value in lead:
        if type(value) is not str:
            if value != "":
                first_text = False
            continue
        stripped = value.strip()
        if not stripped:
            continue
        if stripped[0] in _MARK_FIRST_CHARS:
            normal = _normalise(stripped)
            if normal.startswith(_TOTAL_WORDS):
                return _TOTAL_ROW
            if first_text and _FOOTNOTE.match(normal):
                return _FOOTNOTE_ROW
        first_text = False
    return None


# --------------------------------------------------------------------------------------------------------------
# read_table
# --------------------------------------------------------------------------------------------------------------


def read_table(
    source: str | Path | bytes | BinaryIO,
    schema: Sequence[Column],
    *,
    filename: str | None = None,
    sheet: str | int | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Table:
    """Read a spreadsheet (.xlsx/.xlsm/.xls/.xlsb/.ods) or CSV against ``schema``; never raise on bad input.

    Finds the header below any title rows (one or two header rows, merged cells included), converts units
    named in headers to the stored units, parses every cell, and collects every problem with the row as
    Excel shows it and the header as written. Blank rows are skipped silently; total rows (合计/总计/小计)
    and notes below the table are skipped and listed in ``skipped``. The caller writes nothing unless
    ``problems`` is empty. Whatever breaks one of the ``limits`` (size, rows, columns, cells) is refused before
    it is read; problems beyond ``limits.problems`` are counted, not kept.
    """
    table = Table(problems=ProblemList(limit=limits.problems))
    try:
        grid, merged, load_notes = _load(source, filename, sheet, limits)
    except (_FileError, LimitError) as error:
        table.problems.append(Problem(None, None, None, error.reason_zh, error.reason_en))
        return table
    except OSError as error:
        table.problems.append(
            Problem(None, None, None, f"无法打开文件（{error.strerror}）", f"cannot open the file ({error})")
        )
        return table
    table.notes.extend(load_notes)
    return _read_grid_into(table, grid, schema, merged)


def read_grid(
    grid: Sequence[Sequence[object]],
    schema: Sequence[Column],
    *,
    filename: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Table:
    """Read rows already in memory (e.g. a GIS file's attribute table, header first) like a sheet.

    Row numbers in problems are positions in ``grid`` counted from 1, as in a spreadsheet.
    """
    rows = [["" if value is None else value for value in row] for row in grid]
    return _read_grid_into(Table(problems=ProblemList(limit=limits.problems)), rows, schema, None)


def _read_grid_into(table: Table, grid: Grid, schema: Sequence[Column], merged: MergedRanges | None) -> Table:
    names = _names_of(schema)
    if merged:
        _fill_merged(grid, merged)

    if all(_is_blank_row(row) for row in grid):
        table.problems.append(Problem(None, None, None, "文件是空的", "the file is empty"))
        return table
    header = _find_header(grid, names, has_merges=merged is not None)
    if header is None:
        expected = "、".join(column.template_header for column in schema)
        table.problems.append(
            Problem(
                None,
                None,
                None,
                f"在前 {HEADER_SEARCH_ROWS} 行中找不到表头；应包含这些列：{expected}",
                f"no header row in the first {HEADER_SEARCH_ROWS} rows; expected columns: {expected}",
            )
        )
        return table

    header_row = header.first + 1
    if header.first != header.last:
        table.notes.append(
            (f"表头在第 {header_row}–{header.last + 1} 行", f"header found at rows {header_row}–{header.last + 1}")
        )
    elif header.first != 0:
        table.notes.append((f"表头在第 {header_row} 行", f"header found at row {header_row}"))

    sheet_units = _sheet_units(grid[: header.first])
    for unit in sheet_units.values():
        table.notes.append(
            (
                f"表格上方注明“单位：{unit}”，适用于表头未写单位的同类列",
                f"unit {unit} stated above the table applies to like columns without a unit in their header",
            )
        )
    plan = _plan_columns(schema, header, header_row, sheet_units, table)
    if header.unknown:
        ignored = [text for index, text in header.unknown]
        table.notes.append(
            (
                "忽略未识别的列：" + "、".join(f"「{text}」" for text in ignored),
                "ignored unrecognised columns: " + ", ".join(ignored),
            )
        )
    if merged:
        in_data = sum(1 for (top, _), (bottom, _) in merged if top > header.last or bottom > header.last)
        if in_data:
            table.notes.append(
                (
                    f"数据区有 {in_data} 处合并单元格，其值已填入所覆盖的每个单元格",
                    f"{in_data} merged cell range(s) in the data: each value applied to every cell it covers",
                )
            )

    occupied = [*header.cells, *(index for index, _ in header.unknown)]
    left = min(occupied) if occupied else 0
    _read_rows(grid, header.last + 1, left, plan, table)
    return table


@dataclass(frozen=True)
class _ColumnPlan:
    index: int  # grid column
    key: str
    shown: str  # header as written
    required: bool
    parse: Callable[[object], Any]  # one cell; raises _CellError
    read: ColumnReader  # the whole column at once when it is uniform


_Plan = list[_ColumnPlan]


def _plan_columns(
    schema: Sequence[Column], header: _Header, header_row: int, sheet_units: Mapping[str, str], table: Table
) -> _Plan:
    """Resolve, once per column, where it is, how to parse it and what unit factor applies."""
    by_key = {column.key: column for column in schema}
    plan: _Plan = []
    for index, cell in sorted(header.cells.items()):
        column = by_key[cell.key]
        row = header.last + 1 if cell.from_lower else header_row
        if cell.key in table.headers:
            first = table.headers[cell.key]
            table.problems.append(
                Problem(
                    row,
                    cell.shown,
                    None,
                    f"与列「{first}」重复，都对应「{column.template_header}」",
                    f"duplicates column {first}: both map to {column.template_header}",
                )
            )
            continue
        table.headers[cell.key] = cell.shown
        if cell.annotation is None and column.unit is not None:
            # "单位：元" above the table speaks for every column of that dimension without its own unit.
            dimension = _UNITS.get(_normalise(column.unit), ("", 0))[0]
            if dimension in sheet_units:
                cell = _HeaderCell(cell.key, sheet_units[dimension], cell.shown, cell.from_lower)
        factor = _unit_factor(column, cell, row, table)
        if factor != 1:
            table.factors[cell.key] = factor
        plan.append(
            _ColumnPlan(
                index=index,
                key=cell.key,
                shown=cell.shown,
                required=column.required,
                parse=_parser_for(column, factor),
                read=_column_reader_for(column, factor),
            )
        )

    missing_optional = []
    for column in schema:
        if column.key in table.headers:
            continue
        if column.required:
            table.problems.append(
                Problem(header_row, column.template_header, None, "缺少必填列", "required column missing")
            )
        else:
            missing_optional.append(column.template_header)
    if missing_optional:
        table.notes.append(
            (
                "文件中没有这些列（不导入）：" + "、".join(missing_optional),
                "columns not in the file (not imported): " + ", ".join(missing_optional),
            )
        )
    return plan


def _unit_factor(column: Column, cell: _HeaderCell, row: int, table: Table) -> Fraction:
    """The factor from the unit written in the header to the stored unit; states the conversion in notes."""
    annotation = cell.annotation
    if annotation is None or column.unit is None:
        return Fraction(1)  # no unit written means the stored unit; a unitless column takes any remark
    stored = _normalise(column.unit)
    if annotation == stored:
        return Fraction(1)
    given, target = _UNITS.get(annotation), _UNITS.get(stored)
    if given is None:
        table.problems.append(
            Problem(
                row,
                cell.shown,
                None,
                f"无法识别表头中的单位「{annotation}」（应为 {column.unit}）",
                f"unrecognised unit {annotation!r} in the header (expected {column.unit})",
            )
        )
        return Fraction(1)
    if target is None or given[0] != target[0]:
        name_zh, name_en = _DIMENSIONS[given[0]]
        table.problems.append(
            Problem(
                row,
                cell.shown,
                None,
                f"表头单位「{annotation}」是{name_zh}单位，与本列的单位 {column.unit} 不符",
                f"unit {annotation!r} in the header is a {name_en} unit; this column is in {column.unit}",
            )
        )
        return Fraction(1)
    factor = given[1] / target[1]
    shown_factor = _format_factor(factor)
    table.notes.append(
        (
            f"「{cell.shown}」按 1 {annotation} = {shown_factor} {column.unit} 换算",
            f"{cell.shown} converted: 1 {annotation} = {shown_factor} {column.unit}",
        )
    )
    return factor


def _rows_needing_care(grid: Grid, start: int, left: int, lead_end: int, mapped: list[int]) -> set[int] | range:
    """Indexes of the rows below the header that may be blank, total or footnote rows, or rows without a
    recognised value; every other row is plainly data.

    Found a column at a time, so a 100,000-row sheet is not walked cell by cell in Python: a row whose
    first recognised cell holds something, and whose leading cells hold no text starting like 合计 or 注,
    is data.
    """
    if not mapped:
        return range(start, len(grid))
    rows = grid[start:]
    careful: set[int] = set()
    cells = list(map(itemgetter(mapped[0]), rows))
    kinds = set(map(type, cells))
    # A column of numbers has no blank cell; one of text only if some cell is empty or white space.
    if str in kinds and (kinds != {str} or "" in cells or any(map(str.isspace, cells))):
        careful.update(
            start + position
            for position, value in enumerate(cells)
            if value == "" or (value.__class__ is str and value.isspace())
        )
    marks = _MARK_FIRST_CHARS
    first_char = itemgetter(slice(0, 1))
    width = min(map(len, rows), default=0)
    for column in range(left, lead_end):
        cells = (
            list(map(itemgetter(column), rows))
            if column < width
            else [raw[column] if column < len(raw) else "" for raw in rows]
        )
        kinds = set(map(type, cells))
        if str not in kinds:
            continue
        if kinds == {str} and marks.isdisjoint(map(first_char, map(str.lstrip, cells))):
            continue  # checked at C speed: no cell of this column starts like 合计 or 注
        careful.update(
            start + position
            for position, value in enumerate(cells)
            if value.__class__ is str and value.lstrip()[:1] in marks
        )
    return careful


def _row_of(problem: Problem) -> int:
    return problem.row or 0


def _read_rows(grid: Grid, start: int, left: int, plan: _Plan, table: Table) -> None:
    """Pick the data rows, then parse column by column: parsers were chosen once per column, and a uniform
    column is converted in one pass of C-level map() calls."""
    skipped = table.skipped
    lead_end = left + _LEAD_COLUMNS
    mapped = [column.index for column in plan]
    data: list[list[Any]] = []
    numbers: list[int] = []
    following = start  # rows from here to the next careful one are data, taken as whole slices
    for index in sorted(_rows_needing_care(grid, start, left, lead_end, mapped)):
        data.extend(grid[following:index])
        numbers.extend(range(following + 1, index + 1))
        following = index + 1
        raw = grid[index]
        # Blank rows: a data row usually has content in its first cell, so these loops stop at once.
        for value in raw:
            if value != "" and not (type(value) is str and value.isspace()):
                break
        else:
            continue
        mark = _row_mark(raw[left:lead_end])
        if mark is not None:
            skipped.append((index + 1, *mark))
            if mark is _TOTAL_ROW:
                table.notes.append((f"跳过第 {index + 1} 行（合计行）", f"skipped row {index + 1} (total row)"))
            continue
        for column_index in mapped:
            value = raw[column_index]
            if value != "" and not (type(value) is str and value.isspace()):
                break
        else:
            skipped.append((index + 1, "可识别的列都为空", "all recognised columns are empty"))
            continue
        data.append(raw)
        numbers.append(index + 1)
    data.extend(grid[following:])
    numbers.extend(range(following + 1, len(grid) + 1))

    # Straight into the report's list, which keeps the first few hundred in row order and counts the rest.
    found = table.problems
    columns: list[list[Any]] = []
    for column in plan:
        cells = list(map(itemgetter(column.index), data))
        values = column.read(cells) if cells else []
        invalid = False
        if values is None:
            values = []
            append = values.append
            parse = column.parse
            for row_number, cell in zip(numbers, cells, strict=True):
                try:
                    append(parse(cell))
                except _CellError as error:
                    append(_INVALID)
                    invalid = True
                    found.append(Problem(row_number, column.shown, _as_text(cell), error.reason_zh, error.reason_en))
        if column.required and None in values:
            for row_number, value in zip(numbers, values, strict=True):
                if value is None:
                    found.append(Problem(row_number, column.shown, None, "必填项为空", "required value is empty"))
        if invalid:
            values = [None if value is _INVALID else value for value in values]
        elif isinstance(values, _DecimalTexts):
            table.texts[column.key] = values
        columns.append(values)

    found.sort(key=_row_of)  # stable: a row's problems stay in column order
    table.columns = dict(zip([column.key for column in plan], columns, strict=True))
    table.numbers = numbers


# --------------------------------------------------------------------------------------------------------------
# Writing templates and exports
# --------------------------------------------------------------------------------------------------------------

_DESCRIPTIONS = {
    "text": ("文本", "text"),
    "int": ("整数", "whole number"),
    "decimal": ("数字", "number"),
    "date": ("日期，如 2024-05-01", "date, e.g. 2024-05-01"),
    "flag": ("是/否", "yes/no"),
    "choice": ("从列表中选择", "pick from the list"),
}


class _SheetWriter:
    """Shared layout of templates and exports: optional title row, header row, typed cells."""

    def __init__(
        self, workbook: xlsx.SafeWorkbook, schema: Sequence[Column], title: str | None, sheet_name: str
    ) -> None:
        self.schema = list(schema)
        self.sheet = workbook.add_worksheet(sheet_name)
        self.title_format = workbook.add_format({"bold": True, "font_size": 14})
        self.header_format = workbook.add_format(
            {"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "vcenter"}
        )
        # Required columns get red names rather than a "*" prefix, so template headers stay the spec's text.
        self.required_format = workbook.add_format(
            {
                "bold": True,
                "bg_color": "#DDEBF7",
                "border": 1,
                "text_wrap": True,
                "valign": "vcenter",
                "font_color": "#C00000",
            }
        )
        self.date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
        # "@" keeps codes typed later (an all-digit 统一社会信用代码) as text instead of 9.13E+17.
        self.text_format = workbook.add_format({"num_format": "@"})
        self.title = title
        self.header_row = 1 if title else 0
        self.cell_writers = [(index, column.key, self._cell_writer(column)) for index, column in enumerate(schema)]

    def _cell_writer(self, column: Column) -> Callable[[int, int, object], object]:
        """How one column's values go into cells, chosen once per column."""
        sheet = self.sheet

        def write_text(row: int, index: int, value: object) -> object:
            # write_string, never write(): a value starting with "=" must stay text, not become a formula.
            return sheet.write_string(row, index, _as_text(value))

        if column.kind in ("decimal", "int"):

            def write_number(row: int, index: int, value: object) -> object:
                if isinstance(value, int | float | Decimal) and type(value) is not bool:
                    return sheet.write_number(row, index, float(value))
                return write_text(row, index, value)

            return write_number
        if column.kind == "date":
            date_format = self.date_format

            def write_date(row: int, index: int, value: object) -> object:
                if isinstance(value, dt.date):
                    return sheet.write_datetime(row, index, value, date_format)
                return write_text(row, index, value)

            return write_date
        if column.kind == "flag":

            def write_flag(row: int, index: int, value: object) -> object:
                if isinstance(value, bool):
                    return sheet.write_string(row, index, "是" if value else "否")
                return write_text(row, index, value)

            return write_flag
        if column.choices:
            # The first label of each stored value is the one written.
            labels = {value: label for label, value in reversed(list(column.choices.items()))}

            def write_choice(row: int, index: int, value: object) -> object:
                return sheet.write_string(row, index, labels.get(str(value), str(value)))

            return write_choice
        return write_text

    def write_head(self) -> int:
        """Write title and header; return the first data row (0-based)."""
        sheet = self.sheet
        for index, column in enumerate(self.schema):
            width = max(10, min(40, 2 * len(column.template_header) + 2))
            cell_format = self.text_format if column.kind == "text" else None
            if column.kind == "date":
                cell_format = self.date_format
            sheet.set_column(index, index, width, cell_format)
        if self.title:
            if len(self.schema) > 1:
                sheet.merge_range(0, 0, 0, len(self.schema) - 1, self.title, self.title_format)
            else:
                sheet.write_string(0, 0, self.title, self.title_format)
        for index, column in enumerate(self.schema):
            header_format = self.required_format if column.required else self.header_format
            sheet.write_string(self.header_row, index, column.template_header, header_format)
        sheet.freeze_panes(self.header_row + 1, 0)
        return self.header_row + 1

    def write_row(self, row: int, values: Mapping[str, object]) -> None:
        """Write one row of stored values; None and "" leave the cell empty."""
        for index, key, write in self.cell_writers:
            value = values.get(key)
            if value is not None and value != "":
                write(row, index, value)


def write_template(
    path_or_buffer: str | Path | BinaryIO,
    schema: Sequence[Column],
    *,
    title: str | None = None,
    sheet_name: str = "数据",
    example: Mapping[str, object] | None = None,
) -> None:
    """Write an empty import template: headers with units, drop-down lists, and a sheet explaining each column.

    ``example`` (values in stored units, keyed by column key) fills one sample row.
    """
    workbook = xlsx.workbook(path_or_buffer)
    writer = _SheetWriter(workbook, schema, title, sheet_name)
    first = writer.write_head()
    last = first + 9999
    for index, column in enumerate(writer.schema):
        comment = ("必填；" if column.required else "") + _DESCRIPTIONS[column.kind][0]
        if column.unit:
            comment += f"，单位：{column.unit}"
        writer.sheet.write_comment(writer.header_row, index, comment)
        options = ["是", "否"] if column.kind == "flag" else list(column.choices or ())
        # Excel refuses list validations longer than 255 characters; the reader still checks every value.
        if options and len(",".join(options)) <= 255:
            writer.sheet.data_validation(
                first, index, last, index, {"validate": "list", "source": options, "error_type": "warning"}
            )
    if example:
        writer.write_row(first, example)

    guide = workbook.add_worksheet("填写说明")
    bold = workbook.add_format({"bold": True})
    guide.set_column(0, 0, 28)
    guide.set_column(1, 3, 14)
    guide.set_column(4, 4, 60)
    for index, label in enumerate(("列名", "类型", "单位", "是否必填", "可填写的值 / 也接受的列名")):
        guide.write_string(0, index, label, bold)
    for row, column in enumerate(writer.schema, start=1):
        accepted = []
        if column.choices:
            accepted.append("、".join(column.choices))
        if column.kind == "flag":
            accepted.append(_FLAG_HELP[0])
        if column.unit:
            accepted.append(f"表头括号中可写其他单位，导入时换算为 {column.unit}")
        if column.aliases:
            accepted.append("也接受列名：" + "、".join(column.aliases))
        guide.write_string(row, 0, column.template_header)
        guide.write_string(row, 1, _DESCRIPTIONS[column.kind][0])
        guide.write_string(row, 2, column.unit or "")
        guide.write_string(row, 3, "是" if column.required else "否")
        guide.write_string(row, 4, "；".join(accepted))
    workbook.close()


def write_rows(
    path_or_buffer: str | Path | BinaryIO,
    schema: Sequence[Column],
    rows: Iterable[Mapping[str, object]],
    *,
    title: str | None = None,
    sheet_name: str = "数据",
    progress: Callable[[int], None] | None = None,
) -> int:
    """Export rows (values in stored units, keyed by column key) under the template's headers; return the count.

    Written in xlsxwriter's constant-memory mode, so a province's data streams out row by row; the file
    reads back through ``read_table`` unchanged. ``progress`` is called with the count every 1000 rows.
    """
    target = str(path_or_buffer) if isinstance(path_or_buffer, Path) else path_or_buffer
    workbook = xlsx.workbook(target, constant_memory=True)
    writer = _SheetWriter(workbook, schema, title, sheet_name)
    row = writer.write_head()
    count = 0
    for values in rows:
        writer.write_row(row, values)
        row += 1
        count += 1
        if progress is not None and count % 1000 == 0:
            progress(count)
    workbook.close()
    if progress is not None and count % 1000:
        progress(count)
    return count
