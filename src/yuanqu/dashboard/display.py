"""What the cockpit pages show of the sections (``yuanqu.core.cockpit.Section``): every number formatted once, with
its places and unit, its change against the same months of last year, its target; tables with their cells
formatted and their zone rows drilling down; charts as plain JSON for ``dashboard/static/dashboard/cockpit.js``.

The page and the big screen read the same ``SectionView``s, so they show the same numbers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from yuanqu.core.cockpit import AMBER, GREEN, RED, Chart, Figure, Section, Table
from yuanqu.core.templatetags.yuanqu_format import DASH, num

TENTH = Decimal("0.1")
COLOURS = (GREEN, AMBER, RED)
ARROWS = {"up": "▲", "down": "▼", "▲": "▲", "▼": "▼", "↑": "▲", "↓": "▼"}


def plain(value: Any) -> Any:
    """``value`` as JSON can hold it: numbers as floats, lazy texts as texts, dates as ISO dates."""
    if isinstance(value, bool) or value is None or isinstance(value, (int, float, str)):
        return value
    if isinstance(value, Decimal):
        return float(value) if value.is_finite() else None
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(plain(key)): plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [plain(item) for item in value]
    return str(value)


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def with_unit(value: Any, places: int, unit: Any) -> str:
    """A number with its places and unit ("1,234.50 万元"); a dash for none."""
    shown = num(value, places)
    return f"{shown} {unit}" if unit and shown != DASH else shown


@dataclass
class FigureView:
    """A figure as its card shows it."""

    key: str
    label: str
    value: str  # the number with its places (or the missing text)
    unit: str
    reported: bool  # False: ``value`` is the missing text (未报送) or a dash
    change: str = ""  # "+12.5%"
    direction: str = ""  # up / down / flat
    previous: str = ""  # last year's same months, with its unit
    target: str = ""
    share: str = ""  # the value as a share of the target
    colour: str = ""  # the pace's colour against the target
    fresh: str = ""
    note: str = ""
    url: str = ""


def figure_view(figure: Figure) -> FigureView:
    unit = _text(figure.unit)
    reported = figure.value is not None
    if not reported:
        value = _text(figure.missing) or DASH
    elif isinstance(figure.value, (str, Promise)):  # a grade, a rank band: shown as it is
        value = str(figure.value)
    else:
        value = num(figure.value, figure.places)
    view = FigureView(
        key=figure.key,
        label=_text(figure.label),
        value=value,
        unit=unit if reported else "",
        reported=reported,
        fresh=_text(figure.fresh),
        note=_text(figure.note),
        url=figure.url or "",
        colour=figure.colour if figure.colour in COLOURS else "",
    )
    if isinstance(figure.previous, (str, Promise)):
        view.previous = f"{figure.previous} {unit}".strip()
    elif figure.previous is not None:
        view.previous = with_unit(figure.previous, figure.places, unit)
    try:
        change = figure.change
    except ArithmeticError:  # a value that is text has no change
        change = None
    if change is not None:
        view.change = f"{change.quantize(TENTH, ROUND_HALF_UP):+}%"
        view.direction = "up" if change > 0 else "down" if change < 0 else "flat"
    if figure.target is not None:
        view.target = with_unit(figure.target, figure.places, unit)
        try:
            share = figure.target_share
        except ArithmeticError:
            share = None
        if share is not None:
            view.share = f"{share.quantize(TENTH, ROUND_HALF_UP)}%"
    return view


@dataclass
class CellView:
    text: str
    numeric: bool
    mark: str = ""  # green / amber / red: the cell's colour
    arrow: str = ""  # ▲ / ▼ (or a short text the section gave)
    drill: str = ""  # the cockpit of the zone the cell names


@dataclass
class RowView:
    cells: list[CellView]
    url: str = ""


@dataclass
class TableView:
    key: str
    title: str
    headers: list[tuple[str, bool]]  # (label with unit, numeric)
    rows: list[RowView]
    total: RowView | None = None
    note: str = ""
    html: str = ""  # the whole table, escaped (``table_html``)


def _mark(mark: Any) -> tuple[str, str]:
    """A cell's mark as (colour, arrow): a colour of the pace, an arrow, a signed number (a rank change: +2 is up
    two places) or a short text shown beside the value."""
    if mark in (None, ""):
        return "", ""
    if isinstance(mark, str) and mark in COLOURS:
        return mark, ""
    if isinstance(mark, str) and mark in ARROWS:
        return "", ARROWS[mark]
    if isinstance(mark, (int, Decimal, float)) and not isinstance(mark, bool):
        return ("", f"▲{abs(mark)}") if mark > 0 else ("", f"▼{abs(mark)}") if mark < 0 else ("", "–")
    return "", str(mark)


def _cells(cells: list, table: Table, marks: list) -> list[CellView]:
    shown = []
    for at, cell in enumerate(cells):
        column = table.columns[at] if at < len(table.columns) else None
        numeric = bool(column and column.numeric)
        if numeric and not isinstance(cell, (str, Promise)):
            text = num(cell, column.places)
        else:
            text = DASH if cell is None else str(cell)
        colour, arrow = _mark(marks[at] if at < len(marks) else None)
        shown.append(CellView(text, numeric, colour, arrow))
    return shown


def _headed(label: Any, unit: Any) -> str:
    if not unit or str(label).endswith((f"（{unit}）", f"({unit})")):  # "总投资（万元）" names its unit already
        return str(label)
    english = (translation.get_language() or "").startswith("en")
    return f"{label} ({unit})" if english else f"{label}（{unit}）"


def table_view(table: Table, drill: dict[str, str]) -> TableView:
    """``drill``: the cockpit of each zone shown, by its name, for the rows that name one."""
    headers = [(_headed(column.label, column.unit), column.numeric) for column in table.columns]
    rows = []
    for row in table.rows:
        cells = _cells(list(row.cells), table, list(row.marks))
        if cells and not cells[0].numeric and cells[0].text in drill:
            cells[0].drill = drill[cells[0].text]
        rows.append(RowView(cells, row.url or ""))
    total = (
        RowView(_cells(list(table.total.cells), table, list(table.total.marks)), table.total.url or "")
        if table.total
        else None
    )
    return TableView(table.key, _text(table.title), headers, rows, total, _text(table.note))


def chart_data(chart: Chart, section_key: str) -> dict:
    """The chart as the script draws it."""
    return {
        "id": f"chart-{section_key}-{chart.key}",
        "key": chart.key,
        "kind": chart.kind,
        "title": _text(chart.title),
        "caption": _headed(chart.title, chart.unit),  # the title with its unit
        "unit": _text(chart.unit),
        "categories": plain(list(chart.categories)),
        "series": [
            {
                "name": _text(series.name),
                "values": plain(list(series.values)),
                "stack": series.stack,
                "kind": series.kind,
            }
            for series in chart.series
        ],
        "extra": plain(chart.extra or {}),
    }


def _cell_html(cell: CellView, *, directed: bool, drill_title: str) -> str:
    classes = ("num" if cell.numeric else "") + (f" mark-{cell.mark}" if cell.mark else "")
    text = escape(cell.text)
    if cell.drill:
        text = f'<a href="{escape(cell.drill)}" class="drill" title="{escape(drill_title)}">{text}</a>'
    if cell.arrow:
        way = (" up" if cell.arrow[0] == "▲" else " down" if cell.arrow[0] == "▼" else "") if directed else ""
        text += f' <span class="arrow{way}">{escape(cell.arrow)}</span>'
    return f'<td class="{classes}">{text}</td>'


SHOWN_ROWS = 15  # the rows a long table shows on the page; the rest on demand (``more``)


def table_html(table: TableView, section_key: str, *, limit: int | None = None, more: str = "") -> str:
    """The table as the cockpit shows it, written here rather than by a template loop: a section's tables may
    hold hundreds of rows, and the page is drawn on every visit while the sections come from the cache.

    With ``limit``, a longer table shows its first ``limit`` rows (in the section's order) and a control that
    replaces the whole block with the full table from ``more`` (htmx; without script, a link to it)."""
    details, drill_title = gettext("明细"), gettext("进入该园区")
    block = f"block-{section_key}-{table.key}"
    numeric_th = '<th class="num">'
    head = "".join(f"{numeric_th if numeric else '<th>'}{escape(label)}</th>" for label, numeric in table.headers)
    cut = limit is not None and len(table.rows) > limit
    rows = table.rows[:limit] if cut else table.rows
    parts = [
        f'<div class="cockpit-table-block" id="{escape(block)}">',
        f'<div class="table-scroll"><table class="cockpit-table" id="table-{escape(section_key)}-{escape(table.key)}">',
        f"<caption>{escape(table.title)}</caption>",
        f'<thead><tr>{head}<th><span class="visually-hidden">{escape(details)}</span></th></tr></thead>',
        "<tbody>",
    ]
    for row in rows:
        drill = row.cells[0].drill if row.cells else ""
        parts.append(f'<tr data-drill="{escape(drill)}">' if drill else "<tr>")
        parts.extend(_cell_html(cell, directed=True, drill_title=drill_title) for cell in row.cells)
        parts.append(f'<td><a href="{escape(row.url)}">{escape(details)}</a></td>' if row.url else "<td></td>")
        parts.append("</tr>")
    parts.append("</tbody>")
    if table.total is not None:
        parts.append('<tfoot><tr class="total">')
        parts.extend(_cell_html(cell, directed=False, drill_title=drill_title) for cell in table.total.cells)
        url = table.total.url
        parts.append(f'<td><a href="{escape(url)}">{escape(details)}</a></td>' if url else "<td></td>")
        parts.append("</tr></tfoot>")
    parts.append("</table></div>")
    if cut:
        parts.append(_more_html(table, block, shown=len(rows), url=more))
    if table.note:
        parts.append(f'<p class="muted small">{escape(table.note)}</p>')
    parts.append("</div>")
    return mark_safe("".join(parts))


def _more_html(table: TableView, block: str, *, shown: int, url: str) -> str:
    """The control under a cut table: "展开全部 141 个园区" when each row is another zone, else "展开全部 N 行" (a
    table of targets names each zone on several rows)."""
    count = len(table.rows)
    drills = [row.cells[0].drill if row.cells else "" for row in table.rows]
    zones = all(drills) and len(set(drills)) == count
    label = gettext("展开全部 %(n)d 个园区") if zones else gettext("展开全部 %(n)d 行")
    showing = gettext("已显示 %(shown)d / %(n)d") % {"shown": shown, "n": count}
    return (
        f'<p class="table-more"><a class="button small" href="{escape(url)}" hx-get="{escape(url)}"'
        f' hx-target="#{escape(block)}" hx-swap="outerHTML" data-more="{escape(table.key)}"'
        f' data-rows="{count}">'
        f"{escape(label % {'n': count})}</a> "
        f'<span class="muted small">{escape(showing)}</span></p>'
    )


@dataclass
class SectionView:
    key: str
    title: str
    source: str
    fresh: str
    url: str
    figures: list[FigureView] = field(default_factory=list)
    tables: list[TableView] = field(default_factory=list)
    charts: list[dict] = field(default_factory=list)
    stale: str = ""  # when the figures shown were built, while a worker rebuilds them after a write


def section_view(
    section: Section,
    drill: dict[str, str],
    *,
    tables: bool = True,
    limit: int | None = None,
    more: Callable[[str], str] | None = None,
) -> SectionView:
    """``drill``: the cockpit of each zone by its name; ``tables`` False leaves the tables' HTML out (the big screen
    draws its own); ``limit`` cuts long tables to their first rows, with ``more(table key)`` the URL of the full one."""
    views = [table_view(table, drill) for table in section.tables]
    if tables:
        for view in views:
            view.html = table_html(view, section.key, limit=limit, more=more(view.key) if more else "")
    return SectionView(
        key=section.key,
        title=_text(section.title),
        source=_text(section.source),
        fresh=_text(section.fresh),
        url=section.url or "",
        figures=[figure_view(figure) for figure in section.figures],
        tables=views,
        charts=[chart_data(chart, section.key) for chart in section.charts],
        stale=_when(getattr(section, "stale", None)),
    )


@dataclass
class SectionFragment:
    """A section as a cockpit page shows it, as it is kept in the cache (``dashboard.cockpit.rendered_sections``):
    its header's texts and its body drawn once (figures, charts with their data, tables), so that a page from the
    cache is a join of fragments. ``dense`` is the big screen's body with fewer figures and charts, for a screen of
    many sections; ``stale`` is set when served (the time its figures were built, while they are rebuilt)."""

    key: str
    title: str
    source: str
    fresh: str
    url: str
    body: str
    charted: bool = False
    dense: str = ""
    stale: str = ""


def fragment(view: SectionView, body: str, dense: str = "") -> SectionFragment:
    return SectionFragment(
        view.key, view.title, view.source, view.fresh, view.url, mark_safe(body), bool(view.charts), mark_safe(dense)
    )


def served(made: SectionFragment, stale: Any) -> SectionFragment:
    """The cached fragment as this request shows it: with the time its figures were built if they are stale."""
    return replace(made, stale=_when(stale))


def _when(moment: Any) -> str:
    if isinstance(moment, dt.datetime):
        return (
            timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")
            if timezone.is_aware(moment)
            else f"{moment:%Y-%m-%d %H:%M}"
        )
    return "" if moment is None else str(moment)
