"""Tests for the CRS, area, repair and GCJ-02 helpers, against values derived independently."""

import math

import numpy as np
import pyproj
import pytest
import shapely

from yuanqu.analytics import geo

# GRS80, from its defining constants, for the closed-form checks below.
GRS80_A = 6378137.0
GRS80_F = 1 / 298.257222101


def ellipsoidal_quadrangle_area(*, lat1: float, lat2: float, dlon: float) -> float:
    """Area in m² between two parallels and two meridians on GRS80 (via the authalic function q)."""
    e2 = GRS80_F * (2 - GRS80_F)
    e = math.sqrt(e2)

    def q(lat_deg: float) -> float:
        s = math.sin(math.radians(lat_deg))
        return (1 - e2) * (s / (1 - e2 * s * s) - math.log((1 - e * s) / (1 + e * s)) / (2 * e))

    return GRS80_A**2 / 2 * math.radians(dlon) * (q(lat2) - q(lat1))


def hundred_metre_square() -> shapely.Polygon:
    # On the central meridian of EPSG:4549 (120°E), where the Gauss–Krüger scale factor is 1.
    return shapely.box(500_000, 3_500_000, 500_100, 3_500_100)


def test_hundred_metre_square_in_gauss_kruger_is_fifteen_mu():
    assert geo.area_m2(hundred_metre_square(), 4549) == pytest.approx(10_000.0, rel=1e-12)
    assert round(geo.area_mu(hundred_metre_square(), 4549), 3) == 15.000


def test_same_square_in_lonlat_measures_fifteen_mu_geodesically():
    lonlat = geo.to_lonlat(hundred_metre_square(), 4549)
    assert 119.99 < lonlat.bounds[0] < 120.01  # really degrees, lon first
    assert geo.area_mu(lonlat, 4490) == pytest.approx(15.0, rel=1e-4)
    assert geo.area_mu(lonlat, 4326) == pytest.approx(15.0, rel=1e-4)


def test_thousandth_degree_cell_matches_closed_form_ellipsoidal_area():
    cell = shapely.box(120.0, 31.0, 120.001, 31.001)
    expected = ellipsoidal_quadrangle_area(lat1=31.0, lat2=31.001, dlon=0.001)
    assert expected == pytest.approx(10_588.452, abs=1e-3)
    assert geo.area_m2(cell, 4490) == pytest.approx(expected, rel=1e-6)


def test_geodesic_area_ignores_ring_orientation_of_multipolygon_parts():
    clockwise = shapely.Polygon([(120.0, 31.0), (120.0, 31.001), (120.001, 31.001), (120.001, 31.0)])
    counter = shapely.box(120.002, 31.0, 120.003, 31.001)
    both = shapely.MultiPolygon([clockwise, counter])
    expected = 2 * ellipsoidal_quadrangle_area(lat1=31.0, lat2=31.001, dlon=0.001)
    assert geo.area_m2(both, 4490) == pytest.approx(expected, rel=1e-6)


def test_geodesic_area_subtracts_holes():
    shell = [(120.0, 31.0), (120.002, 31.0), (120.002, 31.002), (120.0, 31.002)]
    hole = [(120.0005, 31.0005), (120.0015, 31.0005), (120.0015, 31.0015), (120.0005, 31.0015)]
    donut = shapely.Polygon(shell, [hole])
    expected = ellipsoidal_quadrangle_area(lat1=31.0, lat2=31.002, dlon=0.002) - ellipsoidal_quadrangle_area(
        lat1=31.0005, lat2=31.0015, dlon=0.001
    )
    assert geo.area_m2(donut, 4490) == pytest.approx(expected, rel=1e-6)


def test_vectorised_areas_match_scalar_and_mark_missing_as_nan():
    cell = shapely.box(120.0, 31.0, 120.001, 31.001)
    areas = geo.areas_m2([cell, None], 4490)
    assert areas[0] == pytest.approx(geo.area_m2(cell, 4490))
    assert math.isnan(areas[1])
    assert geo.areas_m2([hundred_metre_square()], 4549).tolist() == pytest.approx([10_000.0])


def test_area_refuses_web_mercator():
    with pytest.raises(ValueError, match="EPSG:3857"):
        geo.area_m2(hundred_metre_square(), 3857)


def test_supported_srids_and_their_names():
    assert geo.is_supported_srid(4490)
    assert geo.is_supported_srid(4326)
    assert geo.is_supported_srid(4491) and geo.is_supported_srid(4554)
    assert not geo.is_supported_srid(4555)
    assert not geo.is_supported_srid(3857)
    assert geo.describe_srid(4549) == "CGCS2000 / 3-degree Gauss-Kruger CM 120E"
    assert geo.describe_srid(4528) == "CGCS2000 / 3-degree Gauss-Kruger zone 40"
    assert geo.describe_srid(4491) == "CGCS2000 / Gauss-Kruger zone 13"
    assert geo.describe_srid(4512) == "CGCS2000 / Gauss-Kruger CM 135E"


@pytest.mark.parametrize("srid", [4491, 4501, 4502, 4512, 4513, 4528, 4533, 4534, 4549, 4554])
def test_srid_table_agrees_with_the_epsg_database(srid):
    crs = pyproj.CRS.from_epsg(srid)
    params = {p.name: p.value for p in crs.coordinate_operation.params}
    gk = geo.GAUSS_KRUGER[srid]
    assert crs.name == gk.name
    assert params["Longitude of natural origin"] == gk.central_meridian
    expected_false_easting = gk.zone * 1_000_000 + 500_000 if gk.prefixed else 500_000
    assert params["False easting"] == expected_false_easting


def test_three_degree_zone_for_longitude():
    assert geo.gk3_srid_for_lon(121.47) == 4549  # Shanghai: zone 40, CM 120E
    assert geo.gk3_srid_for_lon(121.47, prefixed=True) == 4528
    assert geo.gk3_srid_for_lon(116.4) == 4548  # Beijing: zone 39, CM 117E
    assert geo.gk3_srid_for_lon(76.6) == 4535  # Kashgar edge: zone 26
    with pytest.raises(ValueError):
        geo.gk3_srid_for_lon(10.0)


def test_gk_srid_by_central_meridian():
    assert geo.gk_srid(central_meridian=120) == 4549
    assert geo.gk_srid(central_meridian=120, prefixed=True) == 4528
    assert geo.gk_srid(central_meridian=117, zone_width=6, prefixed=True) == 4498  # zone 20
    assert geo.gk_srid(central_meridian=118) is None


def test_lonlat_round_trip_within_a_millimetre():
    square = hundred_metre_square()
    back = geo.from_lonlat(geo.to_lonlat(square, 4549), 4549)
    assert shapely.hausdorff_distance(square, back) < 1e-3
    prefixed = shapely.box(40_500_000, 3_500_000, 40_500_100, 3_500_100)
    back = geo.from_lonlat(geo.to_lonlat(prefixed, 4528), 4528)
    assert shapely.hausdorff_distance(prefixed, back) < 1e-3


def test_prefixed_and_plain_zones_give_the_same_lonlat():
    plain = geo.to_lonlat(shapely.Point(500_000, 3_500_000), 4549)
    prefixed = geo.to_lonlat(shapely.Point(40_500_000, 3_500_000), 4528)
    assert plain.x == pytest.approx(120.0, abs=1e-9)
    assert (prefixed.x, prefixed.y) == pytest.approx((plain.x, plain.y), abs=1e-9)


def test_transform_of_arrays_matches_single_geometries():
    squares = np.array([hundred_metre_square(), shapely.box(510_000, 3_510_000, 510_050, 3_510_050)])
    moved = geo.to_lonlat(squares, 4549)
    assert shapely.equals_exact(moved[1], geo.to_lonlat(squares[1], 4549), tolerance=1e-12)


def test_infer_srid_from_prefixed_three_degree_zone():
    assert geo.infer_srid((40_500_000, 3_500_000, 40_500_100, 3_500_100)) == 4528
    assert geo.infer_srid(shapely.Point(40_500_000, 3_500_000)) == 4528


def test_infer_srid_from_prefixed_six_degree_zone():
    assert geo.infer_srid(shapely.Point(20_500_000, 3_500_000)) == 4498  # zone 20, CM 117E


def test_infer_srid_from_lonlat():
    assert geo.infer_srid([shapely.Point(121.47, 31.23), None]) == 4490


def test_infer_srid_leaves_plain_eastings_and_nonsense_undecided():
    assert geo.infer_srid(shapely.Point(500_000, 3_500_000)) is None  # central meridian unknown
    assert geo.infer_srid(shapely.Point(24_500_000, 3_500_000)) is None  # no zone 24 in either series
    assert geo.infer_srid(shapely.Point(13_500_000, 1_500_000_000)) is None
    assert geo.infer_srid((39_900_000, 3_500_000, 40_100_000, 3_500_100)) is None  # spans two zones
    assert geo.infer_srid(shapely.Polygon()) is None


def test_repair_bow_tie_gives_two_triangles():
    bow_tie = shapely.Polygon([(0, 0), (2, 2), (2, 0), (0, 2), (0, 0)])
    fixed, note = geo.repair_polygon(bow_tie)
    assert fixed.geom_type == "MultiPolygon"
    assert fixed.is_valid
    assert len(fixed.geoms) == 2
    assert fixed.area == pytest.approx(2.0)  # two triangles of base 2, height 1
    assert note.startswith("多边形自相交（Self-intersection[1 1]），已修复 / self-intersecting polygon, repaired")


def test_repair_keeps_valid_polygon_untouched():
    square = hundred_metre_square()
    fixed, note = geo.repair_polygon(square)
    assert fixed is square
    assert note is None


def test_repair_drops_dangling_spike():
    spiked = shapely.Polygon([(0, 0), (10, 0), (10, 10), (10, 20), (10, 10), (0, 10), (0, 0)])
    fixed, note = geo.repair_polygon(spiked)
    assert fixed.geom_type == "Polygon"
    assert fixed.area == pytest.approx(100.0)
    assert note is not None


def test_repair_refuses_non_polygons_and_empty():
    assert geo.repair_polygon(None) == (None, "几何为空 / geometry is empty")
    assert geo.repair_polygon(shapely.Polygon())[0] is None
    fixed, reason = geo.repair_polygon(shapely.LineString([(0, 0), (1, 1)]))
    assert fixed is None
    assert reason == "几何类型为 LineString，不是面 / geometry is a LineString, not a polygon"


def test_repair_refuses_collapsed_polygon():
    flat = shapely.Polygon([(0, 0), (1, 1), (2, 2), (0, 0)])
    fixed, reason = geo.repair_polygon(flat)
    assert fixed is None
    assert "cannot be repaired" in reason


def metres_between(lon1, lat1, lon2, lat2) -> float:
    return pyproj.Geod(ellps="GRS80").inv(lon1, lat1, lon2, lat2)[2]


def test_gcj02_shift_in_shanghai_is_hundreds_of_metres_and_inverts():
    lon, lat = 121.4737, 31.2304  # People's Square
    glon, glat = geo.wgs84_to_gcj02(lon, lat)
    # GCJ-02 moves Shanghai east and slightly south by roughly half a kilometre.
    assert glon > lon and glat < lat
    assert 300 < metres_between(lon, lat, glon, glat) < 700
    back = geo.gcj02_to_wgs84(glon, glat)
    assert back == pytest.approx((lon, lat), abs=1e-6)


def test_gcj02_leaves_points_outside_china_alone():
    assert geo.wgs84_to_gcj02(2.35, 48.85) == (2.35, 48.85)
    assert geo.gcj02_to_wgs84(2.35, 48.85) == (2.35, 48.85)


def test_gcj02_arrays_match_scalar_functions():
    lons = np.array([121.4737, 116.3913, 2.35])
    lats = np.array([31.2304, 39.9075, 48.85])
    glons, glats = geo.wgs84_to_gcj02_arrays(lons, lats)
    for lon, lat, glon, glat in zip(lons, lats, glons, glats, strict=True):
        assert geo.wgs84_to_gcj02(lon, lat) == pytest.approx((glon, glat), abs=1e-12)
    wlons, wlats = geo.gcj02_to_wgs84_arrays(glons, glats)
    assert np.allclose(wlons, lons, atol=1e-9) and np.allclose(wlats, lats, atol=1e-9)


def test_shift_geometry_to_gcj02_projects_then_shifts_every_vertex():
    square = hundred_metre_square()
    shifted = geo.shift_geometry_to_gcj02(square, srid=4549)
    lonlat = geo.to_lonlat(square, 4549)
    first = shapely.get_coordinates(lonlat)[0]
    assert tuple(shapely.get_coordinates(shifted)[0]) == pytest.approx(geo.wgs84_to_gcj02(*first), abs=1e-12)
    # GCJ-02 is not a rigid shift: its short-period sine terms stretch this square by about 0.27 %,
    # which is why areas are never measured on shifted geometry.
    assert 1.001 < geo.area_mu(shifted, 4490) / 15.0 < 1.01
