"""Tests for reading and writing parcel geometry files: CRS resolution, GBK shapefiles, repair, problems."""

import datetime as dt
import json
import zipfile

import numpy as np
import pytest
import shapely
from pyogrio import raw

from yuanqu.analytics import geo
from yuanqu.core.importing import gis

MU = 10000 / 15  # m² per mu, restated so the expected areas below do not lean on the code under test


def square(x0: float, y0: float, side: float) -> shapely.Polygon:
    return shapely.box(x0, y0, x0 + side, y0 + side)


def write_shapefile(path, *, codes, uses, geometries, crs, encoding="GBK"):
    """A shapefile as a land bureau would send it: Chinese field names and values in `encoding`."""
    raw.write(
        path,
        shapely.to_wkb(np.array(geometries, dtype=object)),
        [np.array(codes, dtype=object), np.array(uses, dtype=object)],
        ["地块编号", "用地性质"],
        geometry_type="Polygon",
        crs=crs,
        encoding=encoding,
    )


def prefixed_parcels():
    # Zone 40 (EPSG:4528): eastings carry the prefix 40.
    return [square(40_500_000, 3_500_000, 100), square(40_500_200, 3_500_000, 200)]


def test_geopackage_in_gauss_kruger_keeps_crs_attributes_and_areas(tmp_path):
    path = tmp_path / "parcels.gpkg"
    gis.write_features(
        path,
        [
            {"地块编号": "320102-001", "用地性质": "工业用地", "geometry": square(500_000, 3_500_000, 100)},
            {
                "地块编号": "320102-002",
                "用地性质": "仓储用地",
                "geometry": shapely.box(500_200, 3_500_000, 500_323.45, 3_500_067.89),
            },
        ],
        srid=4549,
    )
    features = gis.read_features(path)
    assert features.ok
    assert features.srid == 4549
    assert features.notes == []
    first, second = features.records
    assert first.row == 1 and second.row == 2
    assert first.attributes == {"地块编号": "320102-001", "用地性质": "工业用地"}
    assert round(geo.area_mu(first.geometry, features.srid), 3) == 15.000
    assert round(geo.area_mu(second.geometry, features.srid), 3) == round(123.45 * 67.89 / MU, 3) == 12.572


def test_gbk_shapefile_with_cpg_reads_chinese_attributes(tmp_path):
    path = tmp_path / "地块.shp"
    write_shapefile(
        path, codes=["A-01", "A-02"], uses=["工业用地", "商服用地"], geometries=prefixed_parcels(), crs="EPSG:4528"
    )
    assert (tmp_path / "地块.cpg").read_text().strip() == "GBK"
    features = gis.read_features(path)
    assert features.ok
    assert features.srid == 4528
    assert [f.attributes["地块编号"] for f in features.records] == ["A-01", "A-02"]
    assert [f.attributes["用地性质"] for f in features.records] == ["工业用地", "商服用地"]
    assert features.notes == ["属性编码：按 .cpg 文件（GBK） / attribute encoding: GBK, from the .cpg file"]
    assert [round(geo.area_mu(f.geometry, 4528), 3) for f in features.records] == [15.000, 60.000]


def test_gbk_shapefile_without_cpg_falls_back_to_gbk(tmp_path):
    path = tmp_path / "parcels.shp"
    write_shapefile(
        path, codes=["A-01", "A-02"], uses=["工业用地", "商服用地"], geometries=prefixed_parcels(), crs="EPSG:4528"
    )
    (tmp_path / "parcels.cpg").unlink()
    features = gis.read_features(path)
    assert features.ok
    assert [f.attributes["用地性质"] for f in features.records] == ["工业用地", "商服用地"]
    assert list(features.records[0].attributes) == ["地块编号", "用地性质"]
    assert features.notes == ["属性编码：无 .cpg 文件，按 GBK 读取 / attribute encoding: no .cpg file; read as GBK"]


@pytest.mark.filterwarnings("ignore:Could not decode error message")
def test_utf8_shapefile_without_cpg_reads_as_utf8_despite_cut_field_names(tmp_path):
    path = tmp_path / "parcels.shp"
    write_shapefile(
        path, codes=["A-01"], uses=["工业用地"], geometries=prefixed_parcels()[:1], crs="EPSG:4528", encoding="UTF-8"
    )
    (tmp_path / "parcels.cpg").unlink()
    features = gis.read_features(path)
    assert features.ok
    # GDAL cut the 12-byte UTF-8 names to 10 bytes, in the middle of their fourth character.
    assert features.records[0].attributes == {"地块编": "A-01", "用地性": "工业用地"}
    assert features.notes == [
        "属性编码：无 .cpg 文件，按 UTF-8 读取 / attribute encoding: no .cpg file; read as UTF-8",
        "字段名「地块编」在文件中被截断（DBF 字段名最长 10 字节） / field name 地块编 is cut short in the file (DBF "
        "field names hold at most 10 bytes)",
        "字段名「用地性」在文件中被截断（DBF 字段名最长 10 字节） / field name 用地性 is cut short in the file (DBF "
        "field names hold at most 10 bytes)",
    ]


def test_cpg_that_lies_is_overruled(tmp_path):
    path = tmp_path / "parcels.shp"
    write_shapefile(path, codes=["A-01"], uses=["工业用地"], geometries=prefixed_parcels()[:1], crs="EPSG:4528")
    (tmp_path / "parcels.cpg").write_text("UTF-8")
    features = gis.read_features(path)
    assert features.records[0].attributes["用地性质"] == "工业用地"
    assert features.notes == [
        "属性编码：.cpg 文件声明为 UTF-8，与内容不符，按 GBK 读取 / attribute encoding: the .cpg file says UTF-8 but "
        "the text is GBK"
    ]


def test_cpg_with_code_page_number(tmp_path):
    path = tmp_path / "parcels.shp"
    write_shapefile(path, codes=["A-01"], uses=["工业用地"], geometries=prefixed_parcels()[:1], crs="EPSG:4528")
    (tmp_path / "parcels.cpg").write_text("936")
    features = gis.read_features(path)
    assert features.records[0].attributes["用地性质"] == "工业用地"
    assert features.notes == ["属性编码：按 .cpg 文件（936） / attribute encoding: 936, from the .cpg file"]


def test_explicit_encoding_wins(tmp_path):
    path = tmp_path / "parcels.shp"
    write_shapefile(path, codes=["A-01"], uses=["工业用地"], geometries=prefixed_parcels()[:1], crs="EPSG:4528")
    (tmp_path / "parcels.cpg").unlink()
    features = gis.read_features(path, encoding="GB18030")
    assert features.records[0].attributes["用地性质"] == "工业用地"
    assert features.notes == ["属性编码：按指定的 GB18030 读取 / attribute encoding: GB18030, as requested"]


def test_wrong_explicit_encoding_is_a_problem(tmp_path):
    path = tmp_path / "parcels.shp"
    write_shapefile(path, codes=["A-01"], uses=["工业用地"], geometries=prefixed_parcels()[:1], crs="EPSG:4528")
    features = gis.read_features(path, encoding="UTF-8")
    assert features.records == []
    assert features.problems[0].reason_en == (
        "cannot tell the attribute table's text encoding (tried UTF-8); give the encoding"
    )


def test_zipped_shapefile_without_cpg(tmp_path):
    folder = tmp_path / "export"
    folder.mkdir()
    write_shapefile(
        folder / "宗地图.shp",
        codes=["A-01", "A-02"],
        uses=["工业用地", "商服用地"],
        geometries=prefixed_parcels(),
        crs="EPSG:4528",
    )
    (folder / "宗地图.cpg").unlink()
    upload = tmp_path / "upload.zip"
    with zipfile.ZipFile(upload, "w") as archive:
        for part in sorted(folder.iterdir()):
            archive.write(part, f"数据/{part.name}")
        archive.writestr("__MACOSX/数据/._宗地图.shp", b"junk")
    features = gis.read_features(upload)
    assert features.ok
    assert features.srid == 4528
    assert [f.attributes["用地性质"] for f in features.records] == ["工业用地", "商服用地"]
    assert round(geo.area_mu(features.records[1].geometry, features.srid), 3) == 60.000


def test_zip_with_two_layers_is_refused(tmp_path):
    for name in ("a", "b"):
        write_shapefile(
            tmp_path / f"{name}.shp", codes=["X"], uses=["工业用地"], geometries=prefixed_parcels()[:1], crs="EPSG:4528"
        )
    upload = tmp_path / "two.zip"
    with zipfile.ZipFile(upload, "w") as archive:
        for part in sorted(tmp_path.glob("[ab].*")):
            archive.write(part, part.name)
    features = gis.read_features(upload)
    assert features.records == []
    assert features.problems[0].reason_en == "the zip holds several layers (a.shp, b.shp); put one per zip"


def test_zip_without_layer_is_refused(tmp_path):
    upload = tmp_path / "empty.zip"
    with zipfile.ZipFile(upload, "w") as archive:
        archive.writestr("readme.txt", "nothing here")
    assert gis.read_features(upload).problems[0].reason_en == "the zip holds no .shp, .gpkg or .geojson file"


def geojson_cell(tmp_path, *, crs_member=None):
    """A 0.001° × 0.001° cell at 120°E 31°N, hand-written GeoJSON."""
    document = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"地块编号": "G-1"},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [
                        [[120.0, 31.0], [120.001, 31.0], [120.001, 31.001], [120.0, 31.001], [120.0, 31.0]]
                    ],
                },
            }
        ],
    }
    if crs_member:
        document["crs"] = {"type": "name", "properties": {"name": crs_member}}
    path = tmp_path / "cell.geojson"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


# GRS80 area of the cell from the closed-form quadrangle formula (authalic latitude), 10 588.452 m².
CELL_MU = 10_588.452 / MU


def test_geojson_without_crs_is_wgs84_treated_as_cgcs2000(tmp_path):
    features = gis.read_features(geojson_cell(tmp_path))
    assert features.ok
    assert features.srid == 4490
    assert features.notes == [
        "GeoJSON 坐标按 WGS 84 经纬度读取（RFC 7946），视同 CGCS2000 / GeoJSON coordinates read as WGS 84 lon/lat "
        "(RFC 7946), treated as CGCS2000"
    ]
    assert round(geo.area_mu(features.records[0].geometry, features.srid), 3) == round(CELL_MU, 3) == 15.883


def test_geojson_declaring_cgcs2000(tmp_path):
    features = gis.read_features(geojson_cell(tmp_path, crs_member="urn:ogc:def:crs:EPSG::4490"))
    assert features.ok
    assert features.srid == 4490
    assert features.notes == []


def test_geojson_with_projected_coordinates_and_no_crs_is_inferred(tmp_path):
    document = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {}, "geometry": shapely.geometry.mapping(prefixed_parcels()[0])}
        ],
    }
    path = tmp_path / "projected.json"
    path.write_text(json.dumps(document))
    features = gis.read_features(path)
    assert features.ok
    assert features.srid == 4528
    assert "inferred EPSG:4528" in features.notes[0]


def test_web_mercator_file_is_refused(tmp_path):
    path = tmp_path / "mercator.gpkg"
    gis.write_features(path, [{"geometry": square(13_358_338, 3_503_549, 100)}], srid=3857)
    features = gis.read_features(path)
    assert features.srid is None
    [problem] = features.problems
    assert problem.row is None
    assert problem.value == "3857"
    assert problem.reason_zh.startswith("不支持的坐标系 EPSG:3857（WGS 84 / Pseudo-Mercator）；支持：EPSG:4490")
    assert "EPSG:4491–4554" in problem.reason_en


def test_unsupported_explicit_srid_is_refused(tmp_path):
    path = tmp_path / "p.gpkg"
    gis.write_features(path, [{"geometry": square(500_000, 3_500_000, 100)}], srid=4549)
    features = gis.read_features(path, srid=2385)  # Xian 1980 / 3-degree GK CM 120E
    assert features.srid is None
    assert features.problems[0].value == "2385"


def write_without_crs(path, geometries):
    raw.write(
        path,
        shapely.to_wkb(np.array(geometries, dtype=object)),
        [np.array([f"P-{i + 1}" for i in range(len(geometries))], dtype=object)],
        ["DKBH"],
        geometry_type="Polygon",
    )


@pytest.mark.filterwarnings("ignore:'crs' was not provided")
def test_file_without_crs_and_prefixed_eastings_is_inferred(tmp_path):
    path = tmp_path / "nocrs.gpkg"
    write_without_crs(path, prefixed_parcels())
    features = gis.read_features(path)
    assert features.ok
    assert features.srid == 4528
    assert features.notes == [
        "文件未声明坐标系，按坐标范围推断为 EPSG:4528（CGCS2000 / 3-degree Gauss-Kruger zone 40） / the file declares "
        "no CRS; inferred EPSG:4528 (CGCS2000 / 3-degree Gauss-Kruger zone 40) from the coordinates"
    ]


@pytest.mark.filterwarnings("ignore:'crs' was not provided")
def test_file_without_crs_and_plain_eastings_needs_an_explicit_srid(tmp_path):
    path = tmp_path / "nocrs.shp"
    write_without_crs(path, [square(500_000, 3_500_000, 100)])
    features = gis.read_features(path)
    assert features.srid is None
    [problem] = features.problems
    assert problem.reason_en.startswith("the file declares no CRS and none can be inferred")
    given = gis.read_features(path, srid=4549)
    assert given.ok
    assert given.srid == 4549
    assert round(geo.area_mu(given.records[0].geometry, given.srid), 3) == 15.000


def test_explicit_srid_overriding_the_file_is_noted(tmp_path):
    path = tmp_path / "p.gpkg"
    gis.write_features(path, [{"geometry": square(500_000, 3_500_000, 100)}], srid=4549)
    features = gis.read_features(path, srid=4548)
    assert features.srid == 4548
    assert features.notes == [
        "文件声明的坐标系为 CGCS2000 / 3-degree Gauss-Kruger CM 120E，按指定的 EPSG:4548 读取 / the file declares "
        "CGCS2000 / 3-degree Gauss-Kruger CM 120E; read as EPSG:4548 as requested"
    ]


def test_crs_that_puts_parcels_outside_china_is_a_problem(tmp_path):
    path = tmp_path / "p.gpkg"
    # Prefixed eastings labelled with the plain-easting zone: 40 000 km east of the meridian.
    gis.write_features(path, [{"geometry": prefixed_parcels()[0]}], srid=4549)
    features = gis.read_features(path)
    assert features.srid == 4549
    assert [p.reason_en for p in features.problems] == [
        "in EPSG:4549 (CGCS2000 / 3-degree Gauss-Kruger CM 120E) the coordinates fall outside China; the CRS is "
        "probably wrong"
    ]


def test_esri_prj_with_unknown_name_is_matched_by_parameters(tmp_path):
    path = tmp_path / "esri.shp"
    write_shapefile(
        path, codes=["A-01"], uses=["工业用地"], geometries=[square(500_000, 3_500_000, 100)], crs="EPSG:4549"
    )
    (tmp_path / "esri.prj").write_text(
        'PROJCS["CGCS2000_GK_CM_120E_county_edition",GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",'
        'DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],'
        'UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",500000.0],'
        'PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",120.0],PARAMETER["Scale_Factor",1.0],'
        'PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]'
    )
    features = gis.read_features(path)
    assert features.ok
    assert features.srid == 4549


def test_bow_tie_is_repaired_and_noted(tmp_path):
    path = tmp_path / "p.gpkg"
    x, y = 500_000, 3_500_000
    bow_tie = shapely.Polygon([(x, y), (x + 20, y + 20), (x + 20, y), (x, y + 20)])
    gis.write_features(
        path,
        [
            {"地块编号": "A-01", "geometry": square(x + 100, y, 100)},
            {"地块编号": "A-02", "geometry": bow_tie},
        ],
        srid=4549,
    )
    features = gis.read_features(path)
    assert features.ok
    assert features.notes == [
        "要素 2（地块编号 A-02）：多边形自相交（Self-intersection[500010 3500010]），已修复 / feature 2 (地块编号 A-02): "
        "self-intersecting polygon, repaired (Self-intersection[500010 3500010])"
    ]
    repaired = features.records[1].geometry
    assert repaired.geom_type == "MultiPolygon"
    assert repaired.is_valid
    # Two triangles, each with base 20 m and height 10 m.
    assert geo.area_m2(repaired, 4549) == pytest.approx(200.0)
    assert round(geo.area_mu(repaired, 4549), 3) == round(200 / MU, 3) == 0.300


def test_missing_and_non_polygon_geometries_are_problems_with_feature_numbers(tmp_path):
    path = tmp_path / "mixed.gpkg"
    x, y = 500_000, 3_500_000
    gis.write_features(
        path,
        [
            {"地块编号": "A-01", "geometry": square(x, y, 100)},
            {"地块编号": "A-02", "geometry": None},
            {"地块编号": "A-03", "geometry": shapely.LineString([(x, y), (x + 10, y + 10)])},
            {"地块编号": "A-04", "geometry": shapely.Polygon([(x, y), (x + 1, y + 1), (x + 2, y + 2), (x, y)])},
        ],
        srid=4549,
    )
    features = gis.read_features(path)
    assert [f.geometry is None for f in features.records] == [False, True, True, True]
    assert [(p.row, p.reason_en) for p in features.problems] == [
        (2, "geometry is empty (地块编号 A-02)"),
        (3, "geometry is a LineString, not a polygon (地块编号 A-03)"),
        (4, "self-intersecting polygon, cannot be repaired (Self-intersection[500001 3500001]) (地块编号 A-04)"),
    ]
    assert str(features.problems[0]) == "第 2 行：几何为空（地块编号 A-02） | row 2: geometry is empty (地块编号 A-02)"


def test_unsupported_file_type_and_missing_file(tmp_path):
    sheet = tmp_path / "parcels.xlsx"
    sheet.write_bytes(b"")
    assert gis.read_features(sheet).problems[0].value == "parcels.xlsx"
    assert gis.read_features(tmp_path / "gone.gpkg").problems[0].reason_en == "file not found"


def test_corrupt_file_is_a_problem_not_a_crash(tmp_path):
    path = tmp_path / "broken.gpkg"
    path.write_bytes(b"not a geopackage")
    [problem] = gis.read_features(path).problems
    assert problem.reason_en.startswith("cannot read the file")


def test_written_fields_round_trip_with_types_and_nulls(tmp_path):
    path = tmp_path / "out.gpkg"
    gis.write_features(
        path,
        [
            {
                "code": "A-01",
                "plots": 3,
                "area": 1.25,
                "vacant": True,
                "agreed": dt.date(2024, 3, 1),
                "geometry": square(120, 31, 0.001),
            },
            {
                "code": "A-02",
                "plots": None,
                "area": 2,
                "vacant": None,
                "agreed": None,
                "geometry": square(120.01, 31, 0.001),
            },
        ],
    )
    features = gis.read_features(path)
    assert features.srid == 4490
    assert [f.attributes for f in features.records] == [
        {"code": "A-01", "plots": 3, "area": 1.25, "vacant": True, "agreed": "2024-03-01"},
        {"code": "A-02", "plots": None, "area": 2.0, "vacant": None, "agreed": None},
    ]
    meta = raw.read(path, read_geometry=False)[0]
    assert list(meta["ogr_types"]) == ["OFTString", "OFTInteger64", "OFTReal", "OFTInteger", "OFTString"]
    assert meta["crs"] == "EPSG:4490"


def test_mixed_polygons_are_written_as_multipolygons_to_geojson(tmp_path):
    path = tmp_path / "out.geojson"
    two = shapely.MultiPolygon([square(120, 31, 0.001), square(120.002, 31, 0.001)])
    gis.write_features(path, [{"code": "A", "geometry": square(120, 31, 0.001)}, {"code": "B", "geometry": two}])
    document = json.loads(path.read_text(encoding="utf-8"))
    assert [f["geometry"]["type"] for f in document["features"]] == ["MultiPolygon", "MultiPolygon"]
    assert document["crs"]["properties"]["name"] == "urn:ogc:def:crs:EPSG::4490"
    features = gis.read_features(path)
    assert features.srid == 4490
    assert round(geo.area_mu(features.records[1].geometry, 4490), 3) == round(2 * CELL_MU, 3)


def test_write_refuses_other_formats(tmp_path):
    with pytest.raises(ValueError, match="gpkg"):
        gis.write_features(tmp_path / "out.shp", [])
