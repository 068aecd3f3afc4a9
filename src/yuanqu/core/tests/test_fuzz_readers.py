"""Whatever bytes arrive under whatever name, the readers answer with problems and never raise: random bytes,
bytes behind the magic numbers of every format, and real workbooks and GIS files cut short or damaged.
Hypothesis draws them from a fixed seed, a bounded number per test."""

from __future__ import annotations

import codecs
import io
import tempfile
import zipfile
from pathlib import Path

import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from yuanqu.core.importing import gis
from yuanqu.core.importing.tabular import read_table, write_rows
from yuanqu.core.tests.test_limits import FAR_CELL, SCHEMA, ods_bytes

SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods", ".csv", ".txt", "")
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
FUZZ = settings(
    max_examples=150, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None
)


def real_workbook() -> bytes:
    buffer = io.BytesIO()
    write_rows(buffer, SCHEMA, [{"code": f"G{i}", "tax": i * 1.5} for i in range(30)])
    return buffer.getvalue()


SEEDS = (
    b"",
    b"PK\x03\x04",
    OLE,
    codecs.BOM_UTF8,
    codecs.BOM_UTF16_LE,
    codecs.BOM_UTF16_BE,
    b"<html><table>",
    "代码,税收\n".encode("gbk"),
    real_workbook(),
    FAR_CELL,
    ods_bytes('<table:table-row><table:table-cell office:value-type="string"><text:p>代码</text:p></table:table-cell>'),
)


@st.composite
def damaged(draw, seeds=SEEDS) -> bytes:
    """A seed cut short and with some bytes replaced, then random bytes after it."""
    data = bytearray(draw(st.sampled_from(seeds)))
    if data and draw(st.booleans()):
        del data[draw(st.integers(0, len(data))) :]
    for _ in range(draw(st.integers(0, 8))):
        if data:
            data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
    return bytes(data) + draw(st.binary(max_size=512))


@FUZZ
@given(data=damaged(), suffix=st.sampled_from(SUFFIXES))
def test_any_bytes_under_any_name_give_problems_not_exceptions(data, suffix):
    table = read_table(data, SCHEMA, filename=f"file{suffix}")
    assert table.problems or table.rows


@FUZZ
@given(data=damaged(), suffix=st.sampled_from(SUFFIXES))
def test_any_file_on_disk_gives_problems_not_exceptions(data, suffix):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"file{suffix}"
        path.write_bytes(data)
        table = read_table(path, SCHEMA)
    assert table.problems or table.rows


def real_geometry_files() -> tuple[bytes, ...]:
    with tempfile.TemporaryDirectory() as folder:
        features = [{"地块编号": "A-1", "geometry": shapely.box(500_000, 3_500_000, 500_100, 3_500_100)}]
        gpkg = gis.write_features(Path(folder) / "a.gpkg", features, srid=4549).read_bytes()
        geojson = gis.write_features(Path(folder) / "a.geojson", features, srid=4549).read_bytes()
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.writestr("layer.geojson", geojson)
    return (gpkg, geojson, zipped.getvalue(), b"PK\x03\x04", b'{"type": "FeatureCollection", "features": [')


GIS_SEEDS = real_geometry_files()


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # GDAL's remarks on odd files, e.g. a GeoPackage named .json
@settings(max_examples=60, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)
@given(data=damaged(GIS_SEEDS), suffix=st.sampled_from((".gpkg", ".shp", ".geojson", ".json", ".zip")))
def test_any_bytes_as_a_gis_file_give_problems_not_exceptions(data, suffix):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"layer{suffix}"
        path.write_bytes(data)
        features = gis.read_features(path)
    assert features.problems or features.records is not None
