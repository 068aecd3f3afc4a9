"""Hostile and oversized files end to end: the command line exits with a message (not 134), the web answers
with a report and goes on serving, a file of thousands of bad rows lists the first problems and counts all,
and coordinates that contradict their CRS are refused naming it. Nothing is written in any of these."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile

import numpy as np
import pytest
import shapely
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client, override_settings
from django.urls import reverse
from pyogrio import raw

from yuanqu.accounts.testing import PASSWORD
from yuanqu.core.importing.gis import write_features
from yuanqu.core.importing.pipeline import run_import
from yuanqu.core.tests.test_limits import FAR_CELL
from yuanqu.enterprises.importers import EnterpriseYearImporter
from yuanqu.enterprises.models import Enterprise
from yuanqu.enterprises.testing import make_uscc
from yuanqu.land.importers import ParcelImporter
from yuanqu.site.tests.imports.conftest import YEAR_HEADERS, counts, run

FAR_CELL_MESSAGE = (
    "工作表「数据」有 1,048,576 行（最远的单元格 XFD1048576），超过上限 200,000 行（YUANQU_IMPORT_MAX_ROWS）"
)


@pytest.fixture
def client_a(user_a):
    client = Client()
    client.login(username="staff_a", password=PASSWORD)
    return client


def upload(client, kind: str, name: str, data: bytes):
    file = io.BytesIO(data)
    file.name = name
    return client.post(reverse("imports:import-start"), {"kind": kind, "file": file})


def test_the_command_line_refuses_the_far_cell_xlsx_with_a_message(tmp_path):
    path = tmp_path / "far.xlsx"
    path.write_bytes(FAR_CELL)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(p for p in sys.path if p),
        "YUANQU_DATA_DIR": str(tmp_path / "var"),
    }
    env.pop("YUANQU_DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-m", "yuanqu.cli", "import", "enterprise-years", str(path), "--dry-run"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1, done.stderr[-2000:]
    assert f"问题 / problem: {FAR_CELL_MESSAGE}" in done.stderr
    assert "far.xlsx：0 行，发现 1 个问题，未写入任何数据" in done.stderr


def test_the_web_refuses_the_far_cell_xlsx_and_serves_the_next_request(client_a, enterprise_a):
    before = counts()
    response = upload(client_a, "enterprise-years", "far.xlsx", FAR_CELL)
    assert response.status_code == 422
    assert FAR_CELL_MESSAGE in response.content.decode()
    assert counts() == before
    assert client_a.get(reverse("imports:import-start")).status_code == 200


def test_a_zip_bomb_upload_is_refused(client_a):
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(FAR_CELL)) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            out.writestr(info.filename, source.read(info))
        out.writestr("xl/media/image1.png", b"\0" * (300 * 1024 * 1024))
    response = upload(client_a, "enterprise-years", "bomb.xlsx", buffer.getvalue())
    assert response.status_code == 422
    assert "xl/media/image1.png in the archive is packed" in response.content.decode()


@override_settings(YUANQU_IMPORT_MAX_FILE_MB=1)
def test_an_upload_above_the_file_limit_is_refused_before_it_is_read(client_a):
    response = upload(client_a, "enterprise-years", "big.csv", b"x" * (3 * 1024 * 1024))
    assert response.status_code == 413
    assert "文件太大（上限 1 MB，YUANQU_IMPORT_MAX_FILE_MB）。" in response.content.decode()


def bad_rows_csv(zone, count: int) -> bytes:
    """``count`` rows of a hundred enterprises' years, each with a tax that is no number."""
    Enterprise.objects.bulk_create(
        [Enterprise(uscc=make_uscc(9000 + i), name=f"企业{i}", zone=zone) for i in range(100)]
    )
    lines = [",".join([*YEAR_HEADERS[:3], YEAR_HEADERS[5]])]
    lines += [f"{make_uscc(9000 + i % 100)},企业{i % 100},{1950 + i // 100},abc" for i in range(count)]
    return ("\n".join(lines) + "\n").encode()


@override_settings(YUANQU_IMPORT_MAX_PROBLEMS=300)
def test_ten_thousand_bad_rows_report_the_first_problems_and_the_counts(tmp_path, client_a, zone_a):
    data = bad_rows_csv(zone_a, 10_000)
    path = tmp_path / "bad.csv"
    path.write_bytes(data)
    before = counts()

    report = run_import(EnterpriseYearImporter(), path)
    assert report.problem_count == 10_000
    assert len(report.problems) == 300
    assert [p.row for p in report.problems[:2]] == [2, 3] and report.problems[-1].row == 301
    assert report.problems_omitted == 9_700
    assert [(c.column, c.reason_en, c.count) for c in report.problem_counts()] == [
        ("实缴税收(万元)", "not a number", 10_000)
    ]

    with pytest.raises(CommandError) as refused:
        run("import", "enterprise-years", str(path))
    assert (
        str(refused.value)
        == "bad.csv：10000 行，发现 10000 个问题，未写入任何数据 / 10000 rows, 10000 problem(s) found, nothing written"
    )

    response = upload(client_a, "enterprise-years", "bad.csv", data)
    page = response.content.decode()
    assert response.status_code == 422
    assert page.count("<td>不是数字</td>") == 301  # 300 listed, and the one line of counts
    assert "另有 9700 个问题未逐一列出。全部问题按列和原因计数：" in page
    assert '<td>实缴税收(万元)</td><td>不是数字</td><td>not a number</td><td class="num">10000</td>' in page
    assert counts() == before


def test_the_command_line_prints_the_counts_of_the_problems_not_listed(tmp_path, zone_a):
    path = tmp_path / "bad.csv"
    path.write_bytes(bad_rows_csv(zone_a, 600))
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError):
        call_command("import", "enterprise-years", str(path), stdout=out, stderr=err)
    lines = err.getvalue().splitlines()
    assert len([line for line in lines if line.startswith("问题 / problem: 第 ")]) == 500
    assert lines[-2:] == [
        "问题 / problem: 另有 100 个问题未逐一列出；全部问题按列和原因计数如下 / and 100 more problems; all problems "
        "counted per column and reason:",
        "问题 / problem: 列「实缴税收(万元)」：不是数字 × 600 | column 实缴税收(万元): not a number × 600",
    ]


def test_a_gbk_csv_behind_a_utf8_bom_gets_the_encoding_message(tmp_path, client_a):
    data = b"\xef\xbb\xbf" + (",".join(YEAR_HEADERS[:3]) + "\n91320100MA1XXXXX0X,企业,2024\n").encode("gbk")
    path = tmp_path / "bom.csv"
    path.write_bytes(data)
    with pytest.raises(CommandError) as refused:
        run("import", "enterprise-years", str(path))
    assert "发现 1 个问题" in str(refused.value)
    response = upload(client_a, "enterprise-years", "bom.csv", data)
    assert response.status_code == 422
    assert "无法识别文件编码（应为 UTF-8 或 GBK）：文件开头标明是 UTF-8，但内容不是 UTF-8" in response.content.decode()


# Coordinates that contradict their CRS ---------------------------------------------------------------------

DEGREES = [shapely.box(118.78, 32.04, 118.781, 32.041), shapely.box(118.79, 32.05, 118.7905, 32.0505)]


def test_a_shapefile_in_degrees_whose_prj_says_gauss_kruger_is_refused(tmp_path, zone_a):
    path = tmp_path / "地块.shp"
    raw.write(
        path,
        shapely.to_wkb(np.array(DEGREES, dtype=object)),
        [np.array(["GY-1", "GY-2"], dtype=object), np.array(["A001"] * 2, dtype=object), np.array(["工业"] * 2)],
        ["地块编号", "园区代码", "用地性质"],
        geometry_type="Polygon",
        crs="EPSG:4549",
        encoding="GBK",
    )
    before = counts()
    report = run_import(ParcelImporter(), path, dry_run=False)
    assert [str(p) for p in report.problems] == [
        "值“EPSG:4549”：坐标像经纬度（118.7800–118.7905, 32.0400–32.0505），但文件声明为 EPSG:4549（CGCS2000 / 3-degree "
        "Gauss-Kruger CM 120E，单位为米）；经纬度请用 EPSG:4490，或改正文件的坐标系 | value 'EPSG:4549': the "
        "coordinates look like degrees (118.7800–118.7905, 32.0400–32.0505) but the file declares EPSG:4549 (CGCS2000 / "
        "3-degree Gauss-Kruger CM 120E, in metres); give EPSG:4490 for lon/lat, or correct the file's CRS"
    ]
    assert not report.written
    assert counts() == before


def test_a_geopackage_in_degrees_given_a_gauss_kruger_code_is_refused(tmp_path, zone_a):
    path = write_features(
        tmp_path / "p.gpkg",
        [{"地块编号": "GY-1", "园区代码": "A001", "用地性质": "工业", "geometry": DEGREES[0]}],
        srid=4490,
    )
    importer = ParcelImporter()
    importer.configure(srid=4549)
    report = run_import(importer, path)
    [problem] = report.problems
    assert problem.reason_en.startswith(
        "the coordinates look like degrees (118.7800–118.7810, 32.0400–32.0410) but was "
    )
    assert "EPSG:4549" in problem.reason_zh and "指定为" in problem.reason_zh


def test_a_parcel_smaller_than_a_square_metre_is_refused_per_row(tmp_path, zone_a):
    # Millimetres declared as metres: the file lies in China, each polygon is a few square millimetres.
    path = write_features(
        tmp_path / "p.gpkg",
        [
            {
                "地块编号": "GY-1",
                "园区代码": "A001",
                "用地性质": "工业",
                "geometry": shapely.box(500_000, 3_500_000, 500_100, 3_500_100),
            },
            {
                "地块编号": "GY-2",
                "园区代码": "A001",
                "用地性质": "工业",
                "geometry": shapely.box(500_200, 3_500_000, 500_200.01, 3_500_000.01),
            },
        ],
        srid=4549,
    )
    before = counts()
    report = run_import(ParcelImporter(), path)
    assert [(p.row, p.value, p.reason_en) for p in report.problems] == [
        (
            2,
            "0.0001 m²",
            "in EPSG:4549 the polygon is under 1 m², no parcel: the coordinates are probably in another unit or CRS",
        )
    ]
    assert counts() == before


@override_settings(YUANQU_IMPORT_MAX_ROWS=2)
def test_a_gis_file_with_more_features_than_the_limit_is_refused_before_reading_them(tmp_path, zone_a):
    squares = [shapely.box(500_000 + 200 * i, 3_500_000, 500_100 + 200 * i, 3_500_100) for i in range(3)]
    path = write_features(
        tmp_path / "p.gpkg",
        [{"地块编号": f"GY-{i}", "园区代码": "A001", "geometry": g} for i, g in enumerate(squares)],
        srid=4549,
    )
    report = run_import(ParcelImporter(), path)
    assert [p.reason_en for p in report.problems] == [
        "the file has 3 features, above the limit of 2 (YUANQU_IMPORT_MAX_ROWS)"
    ]


def test_a_zipped_shapefile_bomb_is_refused(tmp_path, zone_a):
    path = tmp_path / "layer.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("layer.shp", b"\0" * (100 * 1024 * 1024))
        archive.writestr("layer.dbf", b"\0" * 100)
    report = run_import(ParcelImporter(), path)
    [problem] = report.problems
    assert problem.reason_en.startswith("layer.shp in the archive is packed ")
    assert problem.reason_en.endswith("(100.0 MB unpacked), like a zip bomb; refused")


def shapefile_zip(tmp_path, geometries, crs: str) -> bytes:
    """A zipped shapefile of two parcels of zone A001 in ``crs``, as a user would upload it."""
    path = tmp_path / "地块.shp"
    raw.write(
        path,
        shapely.to_wkb(np.array(geometries, dtype=object)),
        [np.array(["GY-1", "GY-2"], dtype=object), np.array(["A001"] * 2, dtype=object), np.array(["工业"] * 2)],
        ["地块编号", "园区代码", "用地性质"],
        geometry_type="Polygon",
        crs=crs,
        encoding="GBK",
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for part in sorted(tmp_path.glob("地块.*")):
            archive.write(part, part.name)
    return buffer.getvalue()


METRES = [shapely.box(500_000, 3_500_000, 500_100, 3_500_100), shapely.box(500_200, 3_500_000, 500_300, 3_500_100)]


def test_a_shapefile_in_metres_whose_prj_says_lon_lat_is_refused_naming_both(tmp_path, client_a):
    before = counts()
    response = upload(client_a, "parcels", "地块.zip", shapefile_zip(tmp_path, METRES, "EPSG:4490"))
    assert response.status_code == 422
    assert (
        "坐标是投影坐标（500000.0–500300.0, 3500000.0–3500100.0），但文件声明为经纬度 EPSG:4490（China Geodetic "
        "Coordinate System 2000），且无法推断其坐标系；请指定 EPSG 代码，或改正文件的坐标系"
    ) in response.content.decode()
    assert (
        "the coordinates are projected (500000.0–500300.0, 3500000.0–3500100.0) but the file declares lon/lat "
        "EPSG:4490 (China Geodetic Coordinate System 2000), and their CRS cannot be inferred; give its EPSG code, "
        "or correct the file&#x27;s CRS"
    ) in response.content.decode()
    assert counts() == before


def test_the_web_refuses_a_zipped_shapefile_in_degrees_whose_prj_says_gauss_kruger(tmp_path, client_a):
    before = counts()
    response = upload(client_a, "parcels", "地块.zip", shapefile_zip(tmp_path, DEGREES, "EPSG:4549"))
    assert response.status_code == 422
    assert (
        "坐标像经纬度（118.7800–118.7905, 32.0400–32.0505），但文件声明为 EPSG:4549（CGCS2000 / 3-degree "
        "Gauss-Kruger CM 120E，单位为米）" in response.content.decode()
    )
    assert counts() == before
