"""Parcels from GIS files: GeoPackage, GBK Shapefile (with or without .cpg, zipped or not) and GeoJSON, in
CGCS2000 lon/lat or Gauss-Krüger zones; reprojected, repaired or refused, with areas checked against values
computed here independently (1 mu = 10000/15 m²)."""

from __future__ import annotations

import json
import re
import zipfile
from decimal import Decimal

import numpy as np
import pyproj
import pytest
import shapely
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from pyogrio import raw

from yuanqu.accounts.testing import PASSWORD
from yuanqu.core.importing.gis import write_features
from yuanqu.core.importing.pipeline import run_import
from yuanqu.core.models import ChangeLogEntry
from yuanqu.land.importers import ParcelImporter
from yuanqu.land.models import Parcel
from yuanqu.land.services import parcel_shape
from yuanqu.site.tests.imports.conftest import counts, run

SQ_M_PER_MU = 10000 / 15


def square(x: float, y: float, side: float) -> shapely.Polygon:
    return shapely.box(x, y, x + side, y + side)


def mu(square_metres: float) -> Decimal:
    return Decimal(f"{square_metres / SQ_M_PER_MU:.4f}")


def write_shapefile(path, *, codes, zones, uses, geometries, crs, encoding):
    raw.write(
        path,
        shapely.to_wkb(np.array(geometries, dtype=object)),
        [np.array(codes, dtype=object), np.array(zones, dtype=object), np.array(uses, dtype=object)],
        ["地块编号", "园区代码", "用地性质"],
        geometry_type="Polygon",
        crs=crs,
        encoding=encoding,
    )
    return path


def test_geopackage_in_gauss_kruger_4549(tmp_path, zone_a):
    features = [
        {"地块编号": "GY-101", "园区代码": "A001", "用地性质": "工业用地", "geometry": square(500_000, 3_460_000, 100)},
        {
            "地块编号": "GY-102",
            "园区代码": "A001",
            "用地性质": "仓储用地",
            "供地日期": "2023-05-01",
            "geometry": shapely.box(500_200, 3_460_000, 500_400, 3_460_150),
        },
    ]
    path = write_features(tmp_path / "parcels.gpkg", features, srid=4549)
    out, _err = run("import", "parcels", str(path))
    assert "新增 2" in out.splitlines()[-1]
    first, second = Parcel.objects.order_by("code")
    assert (first.source_srid, first.area_mu, first.land_use) == (4549, Decimal("15.0000"), "industrial")
    assert (second.area_mu, second.land_use, str(second.supplied_on)) == (mu(200 * 150), "warehouse", "2023-05-01")
    assert second.area_mu == Decimal("45.0000")
    lon, lat = parcel_shape(first).centroid.coords[0]
    assert (round(lon, 3), round(lat, 3)) == (120.001, 31.262)  # EPSG:4549 has its central meridian at 120°E
    assert (
        "说明 / note: 坐标系 EPSG:4549，面积在该投影坐标系中计算 / CRS EPSG:4549; areas measured in this projection"
        in out
    )


def test_gbk_shapefile_without_cpg_in_a_prefixed_zone(tmp_path, zone_a):
    path = write_shapefile(
        tmp_path / "宗地.shp",
        codes=["GY-201", "GY-202"],
        zones=["甲经济开发区", "A001"],
        uses=["工业用地", "商服用地"],
        geometries=[square(40_500_000, 3_500_000, 100), square(40_500_200, 3_500_000, 200)],
        crs="EPSG:4528",
        encoding="GBK",
    )
    path.with_suffix(".cpg").unlink(missing_ok=True)
    assert "甲经济开发区".encode("gbk") in path.with_suffix(".dbf").read_bytes()

    report = run_import(ParcelImporter(), path)

    assert report.ok, report.problems
    assert ("属性编码：无 .cpg 文件，按 GBK 读取", "attribute encoding: no .cpg file; read as GBK") in report.notes
    parcels = {p.code: p for p in Parcel.objects.all()}
    assert parcels["GY-201"].area_mu == Decimal("15.0000")
    assert parcels["GY-202"].area_mu == mu(200 * 200) == Decimal("60.0000")
    assert parcels["GY-202"].land_use == "commercial"
    assert {p.source_srid for p in parcels.values()} == {4528}
    lon, _lat = parcel_shape(parcels["GY-201"]).centroid.coords[0]
    assert round(lon, 2) == 120.0  # zone 40 of the 3° zones is centred on 120°E


def test_zipped_shapefile_through_the_web_upload(tmp_path, user_a):
    path = write_shapefile(
        tmp_path / "layer.shp",
        codes=["GY-301"],
        zones=["A001"],
        uses=["M1"],
        geometries=[square(500_000, 3_460_000, 100)],
        crs="EPSG:4549",
        encoding="GBK",
    )
    assert path.with_suffix(".cpg").is_file()
    archive = tmp_path / "甲园区地块.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        for part in tmp_path.glob("layer.*"):
            bundle.write(part, f"地块/{part.name}")
    client = Client()
    client.login(username="staff_a", password=PASSWORD)
    with archive.open("rb") as upload:
        response = client.post(reverse("imports:import-start"), {"kind": "parcels", "file": upload})
    assert response.status_code == 200
    page = response.content.decode()
    assert "1 rows, 1 would be created" in page
    assert Parcel.objects.count() == 0
    token = re.search(r"/imports/confirm/([0-9a-f]{32})/", page)[1]

    response = client.post(reverse("imports:import-confirm", args=[token]))

    assert response.status_code == 200
    parcel = Parcel.objects.get()
    assert (parcel.code, parcel.land_use, parcel.area_mu, parcel.source_srid) == (
        "GY-301",
        "industrial",
        Decimal("15"),
        4549,
    )
    log = ChangeLogEntry.objects.get(object_id=str(parcel.pk), content_type__model="parcel")
    assert (log.source, log.user, log.action) == ("import", user_a, "create")


def test_geojson_in_lon_lat(tmp_path, zone_a):
    # A 100 m square on the central meridian of EPSG:4549, carried to lon/lat by pyproj alone.
    to_lonlat = pyproj.Transformer.from_crs(4549, 4490, always_xy=True)
    corners = [(500_000, 3_460_000), (500_100, 3_460_000), (500_100, 3_460_100), (500_000, 3_460_100)]
    ring = [list(to_lonlat.transform(x, y)) for x, y in corners]
    ring.append(ring[0])
    collection = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"code": "GY-401", "zone": "A001", "land_use": "工业用地", "总投资(万元)": 8000},
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
        ],
    }
    path = tmp_path / "parcels.geojson"
    path.write_text(json.dumps(collection, ensure_ascii=False), encoding="utf-8")
    expected, _perimeter = pyproj.Geod(ellps="GRS80").geometry_area_perimeter(shapely.Polygon(ring))

    report = run_import(ParcelImporter(), path)

    assert report.ok, report.problems
    parcel = Parcel.objects.get()
    assert parcel.source_srid == 4490
    assert parcel.total_investment == Decimal("8000")
    assert parcel.area_mu == mu(abs(expected))
    assert abs(parcel.area_mu - Decimal("15")) < Decimal("0.001")  # a 100 m square, measured on the ellipsoid


def test_web_mercator_is_refused(tmp_path, zone_a):
    features = [
        {
            "地块编号": "GY-501",
            "园区代码": "A001",
            "用地性质": "工业用地",
            "geometry": square(13_358_339, 3_649_000, 100),
        }
    ]
    path = write_features(tmp_path / "mercator.gpkg", features, srid=3857)
    before = counts()
    report = run_import(ParcelImporter(), path)
    assert [p.reason_en.split(";")[0] for p in report.problems] == [
        "unsupported CRS EPSG:3857 (WGS 84 / Pseudo-Mercator)"
    ]
    assert counts() == before


def test_a_bow_tie_polygon_is_repaired_with_a_note(tmp_path, zone_a):
    bow_tie = shapely.Polygon(
        [(500_000, 3_460_000), (500_100, 3_460_100), (500_100, 3_460_000), (500_000, 3_460_100), (500_000, 3_460_000)]
    )
    assert not bow_tie.is_valid
    features = [{"地块编号": "GY-601", "园区代码": "A001", "用地性质": "工业用地", "geometry": bow_tie}]
    path = write_features(tmp_path / "bowtie.gpkg", features, srid=4549)

    report = run_import(ParcelImporter(), path)

    assert report.ok, report.problems
    notes = [en for _zh, en in report.notes if en.startswith("feature 1")]
    assert len(notes) == 1 and "repaired" in notes[0] and "地块编号 GY-601" in notes[0]
    parcel = Parcel.objects.get()
    # Two triangles of 100 m base and 50 m height: 2 × 2500 m² = 5000 m² = 7.5 mu.
    assert parcel.area_mu == Decimal("7.5000")
    assert shapely.from_wkb(bytes(parcel.geometry)).is_valid


def test_a_polygon_that_cannot_be_repaired_is_reported(tmp_path, zone_a):
    line_like = shapely.Polygon(
        [(500_000, 3_460_000), (500_100, 3_460_000), (500_200, 3_460_000), (500_000, 3_460_000)]
    )
    features = [
        {"地块编号": "GY-701", "园区代码": "A001", "用地性质": "工业用地", "geometry": square(500_000, 3_460_000, 10)},
        {"地块编号": "GY-702", "园区代码": "A001", "用地性质": "工业用地", "geometry": line_like},
    ]
    report = run_import(ParcelImporter(), write_features(tmp_path / "bad.gpkg", features, srid=4549))
    assert [(p.row, "cannot be repaired" in p.reason_en, "GY-702" in p.reason_en) for p in report.problems] == [
        (2, True, True)
    ]
    assert Parcel.objects.count() == 0


def test_a_gis_file_without_zone_column_takes_the_zone_option(tmp_path, zone_a):
    features = [{"地块编号": "GY-801", "用地性质": "工业用地", "geometry": square(500_000, 3_460_000, 100)}]
    path = write_features(tmp_path / "no-zone.gpkg", features, srid=4549)
    with pytest.raises(CommandError, match="1 problem"):
        run("import", "parcels", str(path))
    run("import", "parcels", str(path), zone="A001")
    assert Parcel.objects.get().zone == zone_a


def test_moving_a_polygon_updates_geometry_and_area(tmp_path, zone_a):
    first = [
        {"地块编号": "GY-901", "园区代码": "A001", "用地性质": "工业用地", "geometry": square(500_000, 3_460_000, 100)}
    ]
    run("import", "parcels", str(write_features(tmp_path / "a.gpkg", first, srid=4549)))
    second = [dict(first[0], geometry=square(500_000, 3_460_000, 200))]
    out, _err = run("import", "parcels", str(write_features(tmp_path / "b.gpkg", second, srid=4549)))
    assert "更新 1" in out.splitlines()[-1]
    parcel = Parcel.objects.get()
    assert parcel.area_mu == Decimal("60.0000")
    entry = ChangeLogEntry.objects.filter(object_id=str(parcel.pk), action="update").get()
    assert ("area_mu", "15", "60") in entry.changes()
