"""Charts as images (core.charts): every kind of the cockpit's contract drawn as a PNG, in a font that has the
Chinese characters (no boxes), the map's polygons filled with their colours."""

import io

import pytest
from PIL import Image

from yuanqu.core import charts
from yuanqu.core.cockpit import Chart, Series

SQUARE = {"type": "Polygon", "coordinates": [[[120, 30], [120.1, 30], [120.1, 30.1], [120, 30.1], [120, 30]]]}


def test_the_chosen_font_has_the_chinese_characters():
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    path = font_manager.findfont(font_manager.FontProperties(family=charts.cjk_font()), fallback_to_default=False)
    font = FT2Font(path)
    assert all(font.get_char_index(ord(character)) for character in "园区签约项目亩万元")


@pytest.mark.parametrize("kind", charts.KINDS)
def test_every_kind_is_drawn_as_a_png(kind):
    extra = (
        {"geojson": {"type": "Feature", "properties": {"colour": "red"}, "geometry": SQUARE}} if kind == "map" else {}
    )
    chart = Chart(
        kind,
        "各园区对比",
        kind,
        ["甲园区", "乙园区"],
        [Series("本年", [3, None]), Series("上年", [1, 2])],
        unit="个",
        extra=extra,
    )
    drawn = Image.open(io.BytesIO(charts.draw(chart)))
    assert drawn.format == "PNG" and drawn.size[0] > 500
    image = drawn.convert("RGB")
    colours = {colour for _count, colour in image.getcolors(maxcolors=1_000_000)}
    if kind == "map":
        assert (198, 40, 40) in colours  # the polygon's red (#c62828)
    else:
        assert (47, 85, 151) in colours  # the first series' (or slice's) colour (#2f5597)


def test_an_unusable_font_setting_stops_the_drawing(settings, tmp_path):
    settings.YUANQU_CJK_FONT = str(tmp_path / "missing.ttf")
    with pytest.raises(charts.NoCJKFont):
        charts.draw(Chart("c", "标题", "bar", ["甲"], [Series("本年", [1])]))


def test_colours_are_per_category_for_one_series_and_per_series_for_several():
    def drawn_colours(series, colours):
        chart = Chart("c", "等级", "bar", ["A", "B"], series, extra={"colours": colours})
        image = Image.open(io.BytesIO(charts.draw(chart))).convert("RGB")
        return {colour for _count, colour in image.getcolors(maxcolors=1_000_000)}

    one = drawn_colours([Series("企业数", [3, 2])], ["#2e7d32", "#d32f2f"])
    assert (46, 125, 50) in one and (211, 47, 47) in one  # A green, B red
    several = drawn_colours([Series("A", [3, 2], stack="g"), Series("D", [1, 1], stack="g")], ["#2e7d32", "#d32f2f"])
    assert (46, 125, 50) in several and (211, 47, 47) in several


def test_a_font_installed_after_matplotlib_listed_the_fonts_is_found(settings, monkeypatch):
    """matplotlib caches the system's font list at its first use; a CJK font installed later is found anyway."""
    from matplotlib import font_manager

    settings.YUANQU_CJK_FONT = ""
    manager = font_manager.fontManager
    cjk = [entry for entry in manager.ttflist if "CJK" in entry.name]
    if not cjk:
        pytest.skip("no CJK font on this machine")
    monkeypatch.setattr(manager, "ttflist", [entry for entry in manager.ttflist if "CJK" not in entry.name])
    assert charts._cjk_family(manager) is None  # the stale list, as after an installation
    assert charts._find_font("") in {entry.name for entry in cjk}
    assert charts._cjk_family(manager) == charts._find_font("")


def test_no_cjk_font_anywhere_stops_the_drawing(settings, monkeypatch):
    from matplotlib import font_manager

    settings.YUANQU_CJK_FONT = ""
    manager = font_manager.fontManager
    monkeypatch.setattr(manager, "ttflist", [entry for entry in manager.ttflist if "CJK" not in entry.name])
    monkeypatch.setattr(font_manager, "findSystemFonts", lambda *args, **kwargs: [])
    with pytest.raises(charts.NoCJKFont):
        charts._find_font("")
