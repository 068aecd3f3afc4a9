"""The monthly report (月报): what a city's office (or a zone's) sends upward, as docx and as xlsx, written from
the same sections as the cockpit (``dashboard.cockpit.build_sections``), so every number in the report is the one
the cockpit shows.

The docx: a cover (the city or zone, the title, the period "2026年1–11月", the date, the issuing office), a table
of contents Word refreshes on opening, then one chapter per section: its headline figures as a table (this year
to date, the same months of last year, the change, the target and the pace), each of its tables, each of its
charts as an image (``core.charts``), each with its source and date. The xlsx: the figures on one sheet, each
table of each section on a sheet of its own. A figure or cell not reported shows "未报送", never 0.

Any section of the contract (``core.cockpit.Section``) is rendered: nothing here knows one app's figures.
"""

from __future__ import annotations

import calendar
import datetime as dt
import io
import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yuanqu.core import registry
from yuanqu.core.cockpit import AMBER, GREEN, RED, Chart, Column, Figure, Period, Row, Scope, Section, Table
from yuanqu.dashboard.cockpit import build_sections, scope_for

SUFFIXES = (".docx", ".xlsx")
BODY_FONT, HEADING_FONT, LATIN_FONT = "仿宋", "黑体", "Times New Roman"
TITLE_FONT = "宋体"
SHADES = {GREEN: "C8E6C9", AMBER: "FFE082", RED: "FFCDD2"}
"""Cell shading of a target's pace (light, so the figure stays legible printed in black and white)."""
PACE_WORDS = {GREEN: gettext_lazy("正常"), AMBER: gettext_lazy("滞后"), RED: gettext_lazy("严重滞后")}
NUMERALS = "一二三四五六七八九十"
MISSING = "—"


@dataclass
class MonthlyReport:
    """What one report covers: whose zones (``scope``), which months (``period``), and the sections to render."""

    scope: Scope
    period: Period
    sections: list[Section]
    place: str
    issued: dt.date

    @property
    def title(self) -> str:
        return _("园区发展情况月报")


def place_name(scope: Scope) -> str:
    """Whom the report is about: the zone drilled into, a zone user's one zone, or the city."""
    if scope.zone is not None:
        return scope.zone.name
    if scope.user is not None and len(scope.zones) == 1:
        return scope.zones[0].name
    return getattr(settings, "YUANQU_CITY_NAME", "") or _("全市")


def monthly_report(*, user, year: int, month: int, zone=None, today: dt.date | None = None) -> MonthlyReport:
    """The report of January to ``month`` of ``year`` for what ``user`` sees (None: the system, every zone), or
    for ``zone`` (which the caller has checked the user may see)."""
    today = today or timezone.localdate()
    period = Period(year, month, today)
    scope = scope_for(user, zone_id=zone.pk if zone is not None else None)
    keys = [item.key for item in registry.cockpit_sections if item.in_report]
    sections = build_sections(scope, period, keys=keys, stale_ok=False)  # a report is never stale
    return MonthlyReport(scope=scope, period=period, sections=sections, place=place_name(scope), issued=today)


# --- words and numbers ---------------------------------------------------------------------------------------


def chinese() -> bool:
    return (translation.get_language() or "zh-hans").startswith("zh")


def period_label(period: Period) -> str:
    if chinese():
        return period.label()
    first = calendar.month_name[1]
    if period.month == 1:
        return f"{first} {period.year}"
    return f"{first}–{calendar.month_name[period.month]} {period.year}"


def date_label(day: dt.date) -> str:
    if chinese():
        return f"{day.year}年{day.month}月{day.day}日"
    return f"{day.day} {calendar.month_name[day.month]} {day.year}"


def numeral(n: int) -> str:
    """The chapter's number: 一、二、… in Chinese (up to 九十九), 1. 2. … in English."""
    if not chinese():
        return f"{n}. "
    if n <= 10:
        text = NUMERALS[n - 1]
    else:
        tens, ones = divmod(n, 10)
        text = ("" if tens == 1 else NUMERALS[tens - 1]) + "十" + (NUMERALS[ones - 1] if ones else "")
    return f"{text}、"


def is_number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def number(value: Any, places: int = 0) -> str:
    """A number with thousands separators and ``places`` decimals; anything else as its text ("未报送"), and
    nothing as "—"."""
    if value is None or value == "":
        return MISSING
    if is_number(value):
        if isinstance(value, float) and not math.isfinite(value):
            return MISSING
        rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)  # 四舍五入
        return f"{rounded:,.{places}f}"
    return str(value)


def parenthesised(text: Any) -> str:
    """（text） in Chinese, (text) in English."""
    return f"（{text}）" if chinese() else f"({text})"


def with_unit(label: Any, unit: Any) -> str:
    label, unit = str(label), str(unit or "")
    if not unit or unit in label:
        return label
    return f"{label}{parenthesised(unit)}" if chinese() else f"{label} ({unit})"


def figure_cells(figure: Figure) -> list[str]:
    """指标, 本年累计, 上年同期, 同比(%), 目标, 完成进度 of one figure, as text."""
    value = str(figure.missing) if figure.value is None and figure.missing else number(figure.value, figure.places)
    change = figure.change
    share = figure.target_share
    pace = MISSING if share is None else f"{number(share, 1)}%"
    if share is not None and figure.colour in PACE_WORDS:
        word = PACE_WORDS[figure.colour]
        pace = f"{pace}{parenthesised(word)}" if chinese() else f"{pace} ({word})"
    return [
        with_unit(figure.label, figure.unit),
        value,
        number(figure.previous, figure.places),
        number(change, 1),
        number(figure.target, figure.places),
        pace,
    ]


def figure_headers() -> list[str]:
    return [_("指标"), _("本年累计"), _("上年同期"), _("同比(%)"), _("目标"), _("完成进度")]


def source_line(section: Section, period: Period, fresh: Any = "") -> str:
    """数据来源：… 截至 …, under every figure table and chart."""
    fresh = fresh or section.fresh
    text = _("数据来源：%(source)s；截至 %(date)s") % {
        "source": section.source or _("本平台"),
        "date": date_label(period.as_of),
    }
    if not fresh:
        return text
    return f"{text}{parenthesised(fresh)}" if chinese() else f"{text} ({fresh})"


def header_text(column: Column) -> str:
    return with_unit(column.label, column.unit)


# --- docx ----------------------------------------------------------------------------------------------------


def _fonts(element, *, latin: str, east_asian: str) -> None:
    """Set the Latin and the East Asian font of a style's or a run's properties (Word takes Chinese text from
    w:eastAsia; without it Word falls back to a font of its own choosing)."""
    from docx.oxml.ns import qn

    properties = element.get_or_add_rPr() if hasattr(element, "get_or_add_rPr") else element.find(qn("w:rPr"))
    fonts = properties.find(qn("w:rFonts"))
    if fonts is None:
        fonts = properties.makeelement(qn("w:rFonts"), {})
        properties.insert(0, fonts)
    # A theme font (w:asciiTheme, w:eastAsiaTheme…) wins over a named one: the template's are removed.
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attribute), None)
    for attribute in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attribute), latin)
    fonts.set(qn("w:eastAsia"), east_asian)


def _style_document(document) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    styles = document.styles
    defaults = styles.element.find(qn("w:docDefaults"))
    if defaults is not None and defaults.find(qn("w:rPrDefault")) is not None:
        default_run = defaults.find(qn("w:rPrDefault"))
        if default_run.find(qn("w:rPr")) is not None:
            _fonts(default_run, latin=LATIN_FONT, east_asian=BODY_FONT)
    normal = styles["Normal"]
    normal.font.size = Pt(12)
    _fonts(normal.element, latin=LATIN_FONT, east_asian=BODY_FONT)
    for name, size, font in (
        ("Title", 26, TITLE_FONT),
        ("Heading 1", 16, HEADING_FONT),
        ("Heading 2", 14, HEADING_FONT),
        ("Caption", 10, BODY_FONT),
    ):
        style = styles[name]
        style.font.size = Pt(size)
        style.font.color.rgb = RGBColor(0, 0, 0)
        style.font.bold = name != "Caption"
        _fonts(style.element, latin=LATIN_FONT, east_asian=font)
    section = document.sections[0]
    from docx.shared import Cm

    section.page_height, section.page_width = Cm(29.7), Cm(21.0)  # A4, as offices file
    section.top_margin = section.bottom_margin = Cm(2.5)
    section.left_margin = section.right_margin = Cm(2.6)


def _update_fields_on_open(document) -> None:
    """Ask Word to refresh the fields (the table of contents) when the document is opened."""
    from docx.oxml.ns import qn

    settings_element = document.settings.element
    update = settings_element.find(qn("w:updateFields"))
    if update is None:
        update = settings_element.makeelement(qn("w:updateFields"), {})
        settings_element.append(update)
    update.set(qn("w:val"), "true")


def _toc(document) -> None:
    """A table of contents field (headings 1–2) whose text Word writes when it refreshes the fields."""
    from docx.oxml.ns import qn

    paragraph = document.add_paragraph()
    run = paragraph.add_run()
    begin = run._r.makeelement(qn("w:fldChar"), {qn("w:fldCharType"): "begin"})
    instruction = run._r.makeelement(qn("w:instrText"), {qn("xml:space"): "preserve"})
    instruction.text = 'TOC \\o "1-2" \\h \\z \\u'
    separate = run._r.makeelement(qn("w:fldChar"), {qn("w:fldCharType"): "separate"})
    run._r.append(begin)
    run._r.append(instruction)
    run._r.append(separate)
    placeholder = paragraph.add_run(_("（打开文档时更新目录；如未更新，请右键单击此处选择“更新域”。）"))
    placeholder.italic = True
    end = paragraph.add_run()
    end._r.append(end._r.makeelement(qn("w:fldChar"), {qn("w:fldCharType"): "end"}))


def _shade(cell, colour: str) -> None:
    from docx.oxml.ns import qn

    properties = cell._tc.get_or_add_tcPr()
    shading = properties.makeelement(qn("w:shd"), {qn("w:val"): "clear", qn("w:color"): "auto", qn("w:fill"): colour})
    properties.append(shading)


def _repeat_header(row) -> None:
    from docx.oxml.ns import qn

    properties = row._tr.get_or_add_trPr()
    properties.append(properties.makeelement(qn("w:tblHeader"), {qn("w:val"): "true"}))


def _table(document, headers: list[str], rows: list[tuple[list[str], list[bool], list[str], bool]]):
    """A table with a bold header row (repeated on every page); each row is (texts, right-aligned?, shades,
    bold?)."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _repeat_header(table.rows[0])
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = ""
        run = cell.paragraphs[0].add_run(text)
        run.bold = True
        run.font.size = Pt(10.5)
        _fonts(run._r, latin=LATIN_FONT, east_asian=HEADING_FONT)
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        _shade(cell, "E7E6E6")
    for texts, right, shades, bold in rows:
        cells = table.add_row().cells
        for n, (cell, text) in enumerate(zip(cells, texts, strict=False)):
            run = cell.paragraphs[0].add_run(text)
            run.font.size = Pt(10.5)
            run.bold = bold
            if n < len(right) and right[n]:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
            if n < len(shades) and shades[n]:
                _shade(cell, shades[n])
    return table


def _caption(document, text: str) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    paragraph = document.add_paragraph(text, style="Caption")
    paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT


def _cover(document, report: MonthlyReport) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
    from docx.shared import Pt

    for _blank in range(5):
        document.add_paragraph()
    place = document.add_paragraph()
    place.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = place.add_run(report.place)
    run.font.size = Pt(22)
    run.bold = True
    _fonts(run._r, latin=LATIN_FONT, east_asian=HEADING_FONT)
    title = document.add_paragraph(report.title, style="Title")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    period = document.add_paragraph()
    period.alignment = WD_ALIGN_PARAGRAPH.CENTER
    period_run = period.add_run(parenthesised(period_label(report.period)))
    period_run.font.size = Pt(16)
    for _blank in range(10):
        document.add_paragraph()
    for text in (getattr(settings, "YUANQU_REPORT_ISSUER", "") or _("开发区管理办公室"), date_label(report.issued)):
        line = document.add_paragraph()
        line.alignment = WD_ALIGN_PARAGRAPH.CENTER
        line_run = line.add_run(text)
        line_run.font.size = Pt(16)
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _cell(value: Any, column: Column | None) -> tuple[str, bool]:
    """A table cell as text, and whether it is right-aligned (a number)."""
    if is_number(value):
        return number(value, column.places if column is not None else 0), True
    if value is None:
        return MISSING, bool(column and column.numeric)
    if isinstance(value, dt.date):
        return value.isoformat(), False
    return str(value), bool(column and column.numeric)


def _mark(mark: Any) -> tuple[str, str]:
    """A cell's mark: (shade, text appended): a pace colour shades the cell; an arrow or a word is written."""
    if not mark:
        return "", ""
    mark = str(mark)
    if mark in SHADES:
        return SHADES[mark], ""
    return "", {"up": "↑", "down": "↓", "same": "→"}.get(mark, mark)


def _row_texts(row: Row, columns: list[Column]) -> tuple[list[str], list[bool], list[str]]:
    texts, right, shades = [], [], []
    for n, value in enumerate(row.cells):
        text, align = _cell(value, columns[n] if n < len(columns) else None)
        shade, extra = _mark(row.marks[n] if n < len(row.marks) else "")
        texts.append(f"{text} {extra}" if extra else text)
        right.append(align)
        shades.append(shade)
    return texts, right, shades


def _figures(document, report: MonthlyReport, section: Section) -> None:
    rows = []
    for figure in section.figures:
        cells = figure_cells(figure)
        rows.append(
            (cells, [False, True, True, True, True, True], ["", "", "", "", "", SHADES.get(figure.colour, "")], False)
        )
    _table(document, figure_headers(), rows)
    fresh = (
        "、".join(dict.fromkeys(str(f.fresh) for f in section.figures if f.fresh))
        if chinese()
        else "; ".join(dict.fromkeys(str(f.fresh) for f in section.figures if f.fresh))
    )
    _caption(document, source_line(section, report.period, fresh))


def _section_table(document, report: MonthlyReport, section: Section, table: Table) -> None:
    document.add_heading(str(table.title), level=2)
    rows = [(*_row_texts(row, table.columns), False) for row in table.rows]
    if table.total is not None:
        rows.append((*_row_texts(table.total, table.columns), True))
    _table(document, [header_text(column) for column in table.columns], rows)
    if table.note:
        _caption(document, str(table.note))
    _caption(document, source_line(section, report.period))


def _chart(document, report: MonthlyReport, section: Section, chart: Chart, number_: int) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm

    from yuanqu.core.charts import draw

    document.add_picture(io.BytesIO(draw(chart)), width=Cm(15.5))
    document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
    caption = document.add_paragraph(_("图%(n)s　%(title)s") % {"n": number_, "title": chart.title}, style="Caption")
    caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _caption(document, source_line(section, report.period))


def write_docx(report: MonthlyReport, target) -> None:
    """Write the report as docx to ``target`` (a path or a binary stream)."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK

    document = docx.Document()
    _style_document(document)
    document.core_properties.title = f"{report.place} {report.title} {period_label(report.period)}"
    document.core_properties.author = getattr(settings, "YUANQU_REPORT_ISSUER", "") or "yuanqu"
    _cover(document, report)
    contents = document.add_paragraph()
    contents.alignment = WD_ALIGN_PARAGRAPH.CENTER
    contents_run = contents.add_run(_("目录"))
    contents_run.bold = True
    from docx.shared import Pt

    contents_run.font.size = Pt(16)
    _fonts(contents_run._r, latin=LATIN_FONT, east_asian=HEADING_FONT)
    _toc(document)
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    _update_fields_on_open(document)
    if not report.sections:
        document.add_paragraph(_("本期没有可报告的数据。"))
    charts = 0
    for n, section in enumerate(report.sections, start=1):
        document.add_heading(f"{numeral(n)}{section.title}", level=1)
        if section.figures:
            _figures(document, report, section)
        for table in section.tables:
            _section_table(document, report, section, table)
        for chart in section.charts:
            charts += 1
            _chart(document, report, section, chart, charts)
    document.save(str(target) if isinstance(target, Path) else target)


# --- xlsx ----------------------------------------------------------------------------------------------------

INVALID_SHEET_CHARACTERS = str.maketrans({c: " " for c in "[]:*?/\\"})


def sheet_name(title: Any, taken: set[str]) -> str:
    """A sheet name from a title: without the characters Excel refuses, at most 31 characters, unique (ignoring
    case) among ``taken``, which it joins."""
    base = str(title).translate(INVALID_SHEET_CHARACTERS).strip().strip("'") or "Sheet"
    name, n = base[:31], 1
    while name.lower() in taken:
        n += 1
        suffix = f"({n})"
        name = base[: 31 - len(suffix)] + suffix
    taken.add(name.lower())
    return name


def _number_format(places: int) -> str:
    return "#,##0" + ("." + "0" * places if places > 0 else "")


def write_xlsx(report: MonthlyReport, target) -> None:
    """Write the report's tables as xlsx to ``target`` (a path or a binary stream): the headline figures on one
    sheet, each section table on a sheet of its own, numbers as numbers, "未报送" as text."""
    from yuanqu.core.xlsx import workbook

    book = workbook(target)
    header = book.add_format({"bold": True, "bg_color": "#E7E6E6", "border": 1, "text_wrap": True})
    formats: dict[tuple[int, str, bool], Any] = {}

    def fmt(places: int = 0, shade: str = "", strong: bool = False):
        key = (places, shade, strong)
        if key not in formats:
            spec: dict[str, Any] = {"num_format": _number_format(places)}
            if shade:
                spec["bg_color"] = f"#{shade}"
            if strong:
                spec["bold"] = True
            formats[key] = book.add_format(spec)
        return formats[key]

    def put(sheet, row: int, col: int, value: Any, places: int = 0, shade: str = "", strong: bool = False):
        if is_number(value):
            sheet.write_number(row, col, float(value), fmt(places, shade, strong))
        elif value is None:
            sheet.write_blank(row, col, None, fmt(places, shade, strong))
        elif isinstance(value, dt.date):
            sheet.write_string(row, col, value.isoformat(), fmt(places, shade, strong))
        else:
            sheet.write_string(row, col, str(value), fmt(places, shade, strong))

    taken: set[str] = set()
    sheet = book.add_worksheet(sheet_name(_("主要指标"), taken))
    headers = [
        _("板块"),
        _("指标"),
        _("单位"),
        _("本年累计"),
        _("上年同期"),
        _("同比(%)"),
        _("目标"),
        _("完成进度(%)"),
        _("数据来源"),
        _("截至"),
    ]
    for col, text in enumerate(headers):
        sheet.write_string(0, col, text, header)
    line = 1
    for section in report.sections:
        for figure in section.figures:
            value = figure.value if figure.value is not None or not figure.missing else str(figure.missing)
            share = figure.target_share
            put(sheet, line, 0, str(section.title))
            put(sheet, line, 1, str(figure.label))
            put(sheet, line, 2, str(figure.unit or ""))
            put(sheet, line, 3, value, figure.places)
            put(sheet, line, 4, figure.previous, figure.places)
            put(sheet, line, 5, figure.change, 1)
            put(sheet, line, 6, figure.target, figure.places)
            put(sheet, line, 7, share, 1, SHADES.get(figure.colour, ""))
            put(sheet, line, 8, str(section.source or ""))
            put(sheet, line, 9, report.period.as_of)
            line += 1
    sheet.set_column(0, 0, 14)
    sheet.set_column(1, 1, 34)
    sheet.set_column(2, 8, 12)
    sheet.set_column(9, 9, 12)
    sheet.freeze_panes(1, 0)
    for section in report.sections:
        for table in section.tables:
            sheet = book.add_worksheet(sheet_name(table.title, taken))
            for col, column in enumerate(table.columns):
                sheet.write_string(0, col, header_text(column), header)
                sheet.set_column(col, col, 12 if column.numeric else 24)
            rows = [(row, False) for row in table.rows]
            if table.total is not None:
                rows.append((table.total, True))
            for n, (row, strong) in enumerate(rows, start=1):
                for col, value in enumerate(row.cells):
                    column = table.columns[col] if col < len(table.columns) else None
                    shade, extra = _mark(row.marks[col] if col < len(row.marks) else "")
                    if extra and not is_number(value):
                        value = f"{'' if value is None else value} {extra}".strip()
                    put(sheet, n, col, value, column.places if column is not None else 0, shade, strong)
            sheet.freeze_panes(1, 0)
    book.close()


def write(report: MonthlyReport, path: Path) -> None:
    """The report to ``path``, docx or xlsx by its suffix."""
    if path.suffix.lower() == ".xlsx":
        write_xlsx(report, path)
    else:
        write_docx(report, path)
