"""Charts as images: a ``core.cockpit.Chart`` (charts as data) drawn as a PNG with matplotlib, for the documents
the platform writes (the monthly report, the per-mu evaluation report). The cockpit draws the same charts in the
browser with ECharts; here every chart gets its title, axis labels with units, a legend where there are several
series, and Chinese text in a CJK font.

The font: ``settings.YUANQU_CJK_FONT`` (a font file) when set, else the first CJK font matplotlib finds on the
system (Noto Sans CJK from the Debian package fonts-noto-cjk, Source Han Sans, WenQuanYi, …). Without one the
drawing stops with :class:`NoCJKFont` rather than drawing boxes for every Chinese character.

matplotlib is imported when the first chart is drawn (it is one of ``core.lazy.LAZY_LIBRARIES`` too): a command
that draws nothing never loads it. Drawing uses the object-oriented API on the Agg canvas, never pyplot; the style
is set in an ``rc_context``, which is process-wide, so one chart is drawn at a time (``_draw_lock``).
"""

from __future__ import annotations

import io
import json
import math
import threading
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from yuanqu.core.cockpit import Chart

KINDS = ("bar", "hbar", "line", "pie", "funnel", "stacked", "map")

PREFERRED_FONTS = (
    "Noto Sans CJK SC",
    "Noto Serif CJK SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "Source Han Serif SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "SimHei",
    "Microsoft YaHei",
    "PingFang SC",
    "Noto Sans CJK JP",
)
"""CJK fonts in the order they are chosen when ``YUANQU_CJK_FONT`` names none."""

PALETTE = ("#2f5597", "#c55a11", "#548235", "#7f6000", "#7030a0", "#2e75b6", "#bf9000", "#a5a5a5", "#843c0c")
"""Sober colours that print well in black and white too (one per series, or per slice of a pie)."""

COLOURS = {"green": "#2e7d32", "amber": "#f9a825", "red": "#c62828", "grey": "#9e9e9e"}
WIDTH_INCHES, HEIGHT_INCHES, DPI = 6.3, 3.6, 160


class NoCJKFont(RuntimeError):
    """No font with Chinese characters was found: charts would show boxes."""

    def __init__(self) -> None:
        super().__init__(
            "找不到中文字体（CJK）：请安装 fonts-noto-cjk 或以 YUANQU_CJK_FONT 指定字体文件 / "
            "no CJK font found: install fonts-noto-cjk or point YUANQU_CJK_FONT at a font file"
        )


_font_lock = threading.Lock()
_draw_lock = threading.Lock()
_font_family: dict[str, str] = {}


def cjk_font() -> str:
    """The family name of the CJK font the charts use (found once per process and setting)."""
    chosen = getattr(settings, "YUANQU_CJK_FONT", "") or ""
    with _font_lock:
        if chosen not in _font_family:
            _font_family[chosen] = _find_font(chosen)
        return _font_family[chosen]


def _find_font(chosen: str) -> str:
    from matplotlib import font_manager

    if chosen:
        path = Path(chosen)
        if not path.is_file():
            raise NoCJKFont
        font_manager.fontManager.addfont(str(path))
        return font_manager.FontProperties(fname=str(path)).get_name()
    found = _cjk_family(font_manager.fontManager)
    if found is None:
        # matplotlib keeps its list of the system's fonts in a cache file written at its first use, so a font
        # installed since (fonts-noto-cjk after the first report) is not in it: add the fonts it does not know.
        known = {entry.fname for entry in font_manager.fontManager.ttflist}
        for path in font_manager.findSystemFonts():
            if path not in known:
                try:
                    font_manager.fontManager.addfont(path)
                except (OSError, RuntimeError, ValueError):
                    continue  # a file matplotlib cannot read is skipped, as its own scan skips it
        found = _cjk_family(font_manager.fontManager)
    if found is None:
        raise NoCJKFont
    return found


def _cjk_family(manager) -> str | None:
    """The preferred CJK family among the fonts matplotlib knows, else any CJK family, else ``None``."""
    names = {entry.name for entry in manager.ttflist}
    for name in PREFERRED_FONTS:
        if name in names:
            return name
    for name in sorted(names):
        if "CJK" in name and "Mono" not in name:
            return name
    return None


def _number(value: Any) -> float:
    """A value to draw: a number, or NaN (nothing drawn) for a missing one (None, "未报送")."""
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, int | float | Decimal):
        return float(value)
    return math.nan


def _label(text: Any) -> str:
    return "" if text is None else str(text)


def _unit_label(unit: Any) -> str:
    unit = _label(unit)
    return _("单位：%(unit)s") % {"unit": unit} if unit else ""


def _colours(chart: Chart, count: int) -> list[str]:
    given = chart.extra.get("colours") or chart.extra.get("colors") or []
    named = [COLOURS.get(str(colour), str(colour)) for colour in given]
    return [named[n] if n < len(named) and named[n] else PALETTE[n % len(PALETTE)] for n in range(count)]


def _stacked(chart: Chart) -> bool:
    return chart.kind == "stacked" or any(series.stack for series in chart.series)


def draw(chart: Chart, *, width: float = WIDTH_INCHES, height: float | None = None) -> bytes:
    """The chart as PNG bytes, whatever its kind (``KINDS``; an unknown kind is drawn as bars)."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    family = cjk_font()
    if height is None:
        rows = len(chart.categories) if chart.kind in ("hbar", "funnel") else 0
        height = max(HEIGHT_INCHES, 1.2 + 0.32 * rows) if rows else HEIGHT_INCHES
    with (
        _draw_lock,
        matplotlib.rc_context(
            {
                "font.family": [family],
                "font.sans-serif": [family, "DejaVu Sans"],
                "axes.unicode_minus": False,
                "font.size": 9,
                "axes.titlesize": 11,
                "axes.titleweight": "bold",
                "axes.spines.top": False,
                "axes.spines.right": False,
            }
        ),
    ):
        figure = Figure(figsize=(width, height), dpi=DPI, layout="constrained")
        FigureCanvasAgg(figure)
        axes = figure.add_subplot()
        drawer = {
            "hbar": _bars,
            "bar": _bars,
            "stacked": _bars,
            "line": _lines,
            "pie": _pie,
            "funnel": _funnel,
            "map": _map,
        }.get(chart.kind, _bars)
        drawer(axes, chart)
        axes.set_title(_label(chart.title))
        out = io.BytesIO()
        figure.savefig(out, format="png", dpi=DPI, facecolor="white", bbox_inches="tight", pad_inches=0.15)
    return out.getvalue()


def _legend(axes, chart: Chart) -> None:
    """Below the plot, in a row, where it covers nothing."""
    if len(chart.series) > 1:
        axes.figure.legend(frameon=False, fontsize=8, loc="outside lower center", ncol=min(len(chart.series), 6))


def _wrapped(labels: list[str], room: int = 48) -> list[str]:
    """Category labels broken into lines when together they are too long for the axis (Chinese has no spaces to
    break at: every ``width`` characters)."""
    if sum(len(label) for label in labels) <= room or not labels:
        return labels
    width = max(4, room // len(labels))
    return ["\n".join(label[i : i + width] for i in range(0, len(label), width)) for label in labels]


def _whole_numbers(axis, series: list) -> None:
    """Counts get whole ticks (no 0.25 of a project)."""
    from matplotlib.ticker import MaxNLocator

    values = [value for one in series for value in one.values if value is not None]
    if values and all(isinstance(value, int) and not isinstance(value, bool) for value in values):
        axis.set_major_locator(MaxNLocator(integer=True))


def _axis_labels(axes, chart: Chart, *, horizontal: bool = False) -> None:
    value_label = chart.extra.get("value_label") or _unit_label(chart.unit)
    category_label = _label(chart.extra.get("category_label", ""))
    if horizontal:
        axes.set_xlabel(_label(value_label))
        axes.set_ylabel(category_label)
    else:
        axes.set_ylabel(_label(value_label))
        axes.set_xlabel(category_label)


def _bars(axes, chart: Chart) -> None:
    """Bars per category, side by side per series, or stacked (series with a ``stack``, or kind "stacked"); a
    series of kind "line" on a bar chart is drawn as a line over the bars."""
    horizontal = chart.kind == "hbar"
    categories = [_label(category) for category in chart.categories]
    positions = list(range(len(categories)))
    bars = [series for series in chart.series if series.kind in ("", "bar", chart.kind)]
    lines = [series for series in chart.series if series not in bars]
    colours = _colours(chart, len(chart.series))
    stacked = _stacked(chart)
    width = 0.7 if stacked or len(bars) <= 1 else 0.8 / len(bars)
    bottoms: dict[str, list[float]] = {}
    for n, series in enumerate(bars):
        values = [_number(value) for value in series.values]
        if stacked:
            key = series.stack or "all"
            base = bottoms.setdefault(key, [0.0] * len(values))
            offsets = positions
        else:
            base = [0.0] * len(values)
            offsets = [p - 0.4 + width * (n + 0.5) if len(bars) > 1 else p for p in positions]
        colour = colours[chart.series.index(series)]
        if len(chart.series) == 1 and chart.extra.get("colours"):
            colour = _colours(chart, len(values))  # one series: a colour per category
        if horizontal:
            axes.barh(offsets, values, height=width, left=base, label=_label(series.name), color=colour)
        else:
            axes.bar(offsets, values, width=width, bottom=base, label=_label(series.name), color=colour)
        if stacked:
            bottoms[key] = [b + (0.0 if math.isnan(v) else v) for b, v in zip(base, values, strict=True)]
    for series in lines:
        values = [_number(value) for value in series.values]
        colour = colours[chart.series.index(series)]
        axes.plot(positions, values, marker="o", label=_label(series.name), color=colour)
    _whole_numbers(axes.xaxis if horizontal else axes.yaxis, chart.series)
    if horizontal:
        axes.set_yticks(positions, categories)
        axes.invert_yaxis()  # the first category on top, as in the table above the chart
    else:
        categories = _wrapped(categories)
        axes.set_xticks(
            positions,
            categories,
            rotation=30 if len(categories) > 6 else 0,
            ha="right" if len(categories) > 6 else "center",
        )
    _axis_labels(axes, chart, horizontal=horizontal)
    _legend(axes, chart)


def _lines(axes, chart: Chart) -> None:
    categories = [_label(category) for category in chart.categories]
    positions = list(range(len(categories)))
    colours = _colours(chart, len(chart.series))
    for n, series in enumerate(chart.series):
        values = [_number(value) for value in series.values]
        axes.plot(positions, values, marker="o", markersize=3, label=_label(series.name), color=colours[n])
    axes.set_xticks(positions, _wrapped(categories))
    _whole_numbers(axes.yaxis, chart.series)
    axes.grid(axis="y", alpha=0.3)
    _axis_labels(axes, chart)
    _legend(axes, chart)


def _pie(axes, chart: Chart) -> None:
    values = [_number(value) for value in (chart.series[0].values if chart.series else [])]
    shown = [(category, value) for category, value in zip(chart.categories, values, strict=False) if value > 0]
    colours = _colours(chart, len(chart.categories))
    kept = [colours[chart.categories.index(category)] for category, _value in shown]
    if not shown:
        axes.text(0.5, 0.5, _("无数据"), ha="center", va="center", transform=axes.transAxes)
        axes.set_axis_off()
        return
    _wedges, _texts, shares = axes.pie(
        [value for _category, value in shown],
        labels=[_label(category) for category, _value in shown],
        colors=kept,
        autopct="%1.1f%%",
        startangle=90,
        counterclock=False,
        textprops={"fontsize": 8},
    )
    for share in shares:
        share.set_color("white")
    axes.set_aspect("equal")
    unit = _unit_label(chart.unit)
    if unit:
        axes.set_xlabel(unit)


def _funnel(axes, chart: Chart) -> None:
    """Stages from the top down, each bar centred and as wide as its value, the value written on it."""
    values = [_number(value) for value in (chart.series[0].values if chart.series else [])]
    drawn = [0.0 if math.isnan(value) else value for value in values]
    widest = max(drawn, default=0.0) or 1.0
    colours = _colours(chart, len(values))
    positions = list(range(len(values)))
    axes.barh(positions, drawn, left=[(widest - value) / 2 for value in drawn], height=0.8, color=colours)
    for position, shown in zip(positions, values, strict=True):
        text = "—" if math.isnan(shown) else f"{shown:,.0f}"
        axes.text(widest / 2, position, text, ha="center", va="center", color="white", fontweight="bold")
    axes.set_yticks(positions, [_label(category) for category in chart.categories])
    axes.invert_yaxis()
    axes.set_xticks([])
    axes.spines["bottom"].set_visible(False)
    axes.set_xlabel(_unit_label(chart.unit))


def _map(axes, chart: Chart) -> None:
    """The GeoJSON's polygons (``extra["geojson"]``, a FeatureCollection as a dict or text) filled by each
    feature's ``colour`` property (a colour name or #rrggbb; ``extra["colours"]`` maps a property's value
    to a colour, ``extra["property"]`` names the property), with a legend of ``extra["legend"]``
    ([{"label":, "colour":}])."""
    from matplotlib.patches import Patch, PathPatch
    from matplotlib.path import Path as DrawnPath
    from shapely.geometry import shape

    data = chart.extra.get("geojson") or {"type": "FeatureCollection", "features": []}
    if isinstance(data, str | bytes):
        data = json.loads(data)
    features = data.get("features", []) if data.get("type") == "FeatureCollection" else [data]
    by_value = chart.extra.get("colours") if isinstance(chart.extra.get("colours"), dict) else {}
    prop = chart.extra.get("property", "")
    bounds = []
    for feature in features:
        if not feature or not feature.get("geometry"):
            continue
        geometry = shape(feature["geometry"])
        properties = feature.get("properties") or {}
        colour = properties.get("colour") or properties.get("color") or by_value.get(properties.get(prop), "")
        colour = COLOURS.get(str(colour), str(colour)) if colour else PALETTE[0]
        polygons = getattr(geometry, "geoms", [geometry])
        for polygon in polygons:
            if polygon.geom_type != "Polygon" or polygon.is_empty:
                continue
            rings = [polygon.exterior, *polygon.interiors]
            vertices, codes = [], []
            for ring in rings:
                coords = list(ring.coords)
                vertices.extend(coords)
                codes.extend([DrawnPath.MOVETO, *[DrawnPath.LINETO] * (len(coords) - 2), DrawnPath.CLOSEPOLY])
            axes.add_patch(PathPatch(DrawnPath(vertices, codes), facecolor=colour, edgecolor="#555555", linewidth=0.4))
            bounds.append(polygon.bounds)
    extent = chart.extra.get("extent")
    if extent:
        west, south, east, north = extent
    elif bounds:
        west, south = min(b[0] for b in bounds), min(b[1] for b in bounds)
        east, north = max(b[2] for b in bounds), max(b[3] for b in bounds)
    else:
        west, south, east, north = 0, 0, 1, 1
        axes.text(0.5, 0.5, _("无数据"), ha="center", va="center", transform=axes.transAxes)
    pad_x, pad_y = (east - west) * 0.05 or 0.01, (north - south) * 0.05 or 0.01
    axes.set_xlim(west - pad_x, east + pad_x)
    axes.set_ylim(south - pad_y, north + pad_y)
    # Degrees of longitude shrink towards the poles: the map keeps the shapes' proportions at its latitude.
    middle = (south + north) / 2
    axes.set_aspect(1 / max(math.cos(math.radians(middle)), 0.1) if -90 < middle < 90 else 1, adjustable="box")
    axes.set_xlabel(_("经度（°）"))
    axes.set_ylabel(_("纬度（°）"))
    legend = chart.extra.get("legend") or []
    if legend:
        handles = [
            Patch(
                facecolor=COLOURS.get(str(item.get("colour", "")), str(item.get("colour", "")) or PALETTE[0]),
                label=_label(item.get("label")),
            )
            for item in legend
        ]
        axes.legend(handles=handles, frameon=False, fontsize=8, loc="best")
