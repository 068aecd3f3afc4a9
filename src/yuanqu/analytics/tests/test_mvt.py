"""Tests for the vector-tile maths and encoder, decoded by an independent decoder (mapbox-vector-tile)."""

import itertools
import math

import mapbox_vector_tile
import numpy as np
import pytest
import shapely
from mapbox_vector_tile.Mapbox import vector_tile_pb2

from yuanqu.analytics import mvt

# Latitude whose Web-Mercator row is 0.5 at zoom 0: atan(sinh(pi / 2)), i.e. tile y = 2048 in z1/x/0.
LAT_HALF = math.degrees(math.atan(math.sinh(math.pi / 2)))


def decode(data: bytes) -> dict:
    """The tile as raw tile coordinates (y down), as the encoder wrote them."""
    return mapbox_vector_tile.decode(data, default_options={"y_coord_down": True})


def tile(geoms, z, x, y, **properties):
    ids = list(range(1, len(geoms) + 1))
    props = properties or {"code": [f"P{i}" for i in ids]}
    return mvt.polygon_tile(geoms, z, x, y, layer="parcels", ids=ids, properties=props)


def signed_area(ring) -> float:
    """Surveyor's formula over a closed ring in tile coordinates (positive: an exterior ring for MVT)."""
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in itertools.pairwise(ring)) / 2


def test_tile_bounds_of_the_world_and_of_a_quarter():
    west, south, east, north = mvt.tile_bounds(0, 0, 0)
    assert (west, east) == (-180.0, 180.0)
    assert north == pytest.approx(85.0511287798, abs=1e-9) and south == pytest.approx(-85.0511287798, abs=1e-9)
    assert mvt.tile_bounds(1, 1, 0) == pytest.approx((0.0, 0.0, 180.0, 85.0511287798), abs=1e-9)
    assert mvt.tile_bounds(2, 3, 1) == pytest.approx((90.0, 0.0, 180.0, LAT_HALF), abs=1e-9)


def test_tiles_covering_a_box_near_suzhou():
    # lon 120.0 is column 16384 * 300 / 360 = 13653.33 at zoom 14; 120.05 is 13655.6.
    covering = mvt.tiles_covering((120.0, 31.25, 120.05, 31.27), 14)
    assert sorted({x for _z, x, _y in covering}) == [13653, 13654, 13655]
    assert all(z == 14 for z, _x, _y in covering)


@pytest.mark.parametrize(
    ("z", "x", "y", "words"),
    [(25, 0, 0, "zoom 25"), (1, 2, 0, "tile 1/2/0"), (3, 0, 8, "tile 3/0/8"), (-1, 0, 0, "zoom -1")],
)
def test_tiles_outside_the_scheme_are_refused_in_both_languages(z, x, y, words):
    with pytest.raises(mvt.TileError) as raised:
        mvt.check_tile(z, x, y)
    assert words in str(raised.value) and "/" in str(raised.value)
    assert "瓦片" in str(raised.value) or "缩放级别" in str(raised.value)


def test_box_lands_on_hand_computed_tile_coordinates_with_clockwise_exterior():
    # Tile z1/1/0 spans lon 0..180 and lat 0..85.05: lon 45 → x 1024, lon 135 → x 3072, the equator → y 4096
    # (the bottom edge), LAT_HALF → y 2048.
    data = tile([shapely.box(45, 0, 135, LAT_HALF)], 1, 1, 0)
    layer = decode(data)["parcels"]
    assert layer["extent"] == 4096 and layer["version"] == 2
    (feature,) = layer["features"]
    assert feature["id"] == 1 and feature["properties"] == {"code": "P1"}
    assert feature["geometry"]["type"] == "Polygon"
    (ring,) = feature["geometry"]["coordinates"]
    assert sorted(map(tuple, ring[:-1])) == [(1024, 2048), (1024, 4096), (3072, 2048), (3072, 4096)]
    assert ring[0] == ring[-1]
    # Exterior rings have positive area in tile coordinates (clockwise on screen, y down), per spec 4.3.4.4.
    assert signed_area(ring) == 2048 * 2048


def test_column_at_zoom_14_near_suzhou():
    # Column of lon λ at zoom 14: (λ + 180) / 360 * 16384. lon 120.0 → 13653.333…: x = 0.333… * 4096 = 1365 in
    # tile 13653; lon 120.01 → (300.01 / 360 * 16384 - 13653) * 4096 = 3229.47 → 3229.
    lat = 31.26
    _tx, ty = mvt.lonlat_to_tile_xy(120.0, lat, 14)
    y = int(ty)
    data = tile([shapely.box(120.0, lat, 120.01, lat + 0.001)], 14, 13653, y)
    (feature,) = decode(data)["parcels"]["features"]
    xs = {point[0] for point in feature["geometry"]["coordinates"][0]}
    assert xs == {1365, 3229}


def test_hole_is_kept_and_wound_the_other_way():
    outer = [(45, 0), (135, 0), (135, LAT_HALF), (45, LAT_HALF)]
    hole = [(67.5, 30), (112.5, 30), (112.5, 50), (67.5, 50)]
    data = tile([shapely.Polygon(outer, [hole])], 1, 1, 0)
    (feature,) = decode(data)["parcels"]["features"]
    exterior, interior = feature["geometry"]["coordinates"]
    assert signed_area(exterior) > 0 and signed_area(interior) < 0
    # lon 67.5 → x 1536, lon 112.5 → x 2560.
    assert sorted({p[0] for p in interior}) == [1536, 2560]


def test_multipolygon_keeps_both_parts():
    parts = shapely.MultiPolygon([shapely.box(45, 0, 90, LAT_HALF), shapely.box(112.5, 0, 135, LAT_HALF)])
    (feature,) = decode(tile([parts], 1, 1, 0))["parcels"]["features"]
    assert feature["geometry"]["type"] == "MultiPolygon"
    first, second = feature["geometry"]["coordinates"]
    assert sorted({p[0] for p in first[0]}) == [1024, 2048]
    assert sorted({p[0] for p in second[0]}) == [2560, 3072]
    assert signed_area(first[0]) > 0 and signed_area(second[0]) > 0


def test_polygon_crossing_the_edge_is_clipped_to_the_buffer():
    # 30 degrees west of the tile: 683 units past its edge, more than the buffer and the overhang left whole.
    data = tile([shapely.box(-30, 0, 90, LAT_HALF)], 1, 1, 0)
    (feature,) = decode(data)["parcels"]["features"]
    assert sorted({p[0] for p in feature["geometry"]["coordinates"][0]}) == [-mvt.BUFFER, 2048]


def test_a_polygon_reaching_a_little_past_the_buffer_is_left_whole():
    # 10 degrees west: -227.6 units, within BUFFER + OVERHANG; the renderer clips at the tile's edge.
    data = tile([shapely.box(-10, 0, 90, LAT_HALF)], 1, 1, 0)
    (feature,) = decode(data)["parcels"]["features"]
    assert sorted({p[0] for p in feature["geometry"]["coordinates"][0]}) == [-228, 2048]
    assert -mvt.BUFFER - mvt.OVERHANG < -228 < -mvt.BUFFER


def test_polygon_outside_the_tile_gives_an_empty_tile():
    assert tile([shapely.box(-90, 0, -45, LAT_HALF)], 1, 1, 0) == b""


def test_tiny_polygon_becomes_a_square_of_min_size():
    # A hundredth of a degree at zoom 1 is 0.1 tile units: drawn as a 4 × 4 square around its centre.
    data = tile([shapely.box(90, 10, 90.01, 10.01)], 1, 1, 0)
    (feature,) = decode(data)["parcels"]["features"]
    ring = feature["geometry"]["coordinates"][0]
    xs, ys = {p[0] for p in ring}, {p[1] for p in ring}
    assert xs == {2046, 2050} and max(ys) - min(ys) == mvt.MIN_SIZE
    assert signed_area(ring) == 16


def test_properties_keep_their_types_and_features_their_ids():
    geoms = [shapely.box(45, 0, 90, LAT_HALF), shapely.box(90, 0, 135, LAT_HALF), shapely.box(-90, 0, -45, 10)]
    data = mvt.polygon_tile(
        geoms,
        1,
        1,
        0,
        layer="parcels",
        ids=[7, 70000, 9],
        properties={
            "code": ["甲-001", "乙-002", "gone"],
            "zone_id": [3, 4, 5],
            "area_mu": [15.25, 0.0, 1.0],
            "enterprise_id": [0, 12, 0],
            "grade": ["", "A", "B"],
        },
    )
    features = decode(data)["parcels"]["features"]
    assert [f["id"] for f in features] == [7, 70000]  # the third lies in another tile
    assert features[0]["properties"] == {
        "code": "甲-001",
        "zone_id": 3,
        "area_mu": 15.25,
        "enterprise_id": 0,
        "grade": "",
    }
    assert features[1]["properties"] == {
        "code": "乙-002",
        "zone_id": 4,
        "area_mu": 0.0,
        "enterprise_id": 12,
        "grade": "A",
    }
    assert isinstance(features[0]["properties"]["area_mu"], float)
    assert isinstance(features[1]["properties"]["zone_id"], int)


def test_many_polygons_decode_to_the_same_squares():
    # 20 × 20 squares of 0.5° at zoom 4 (tile 13/6 holds lon 112.5..135): each decodes to its own 4 corners.
    n = 4
    x, y = 13, 6
    west, south, east, _north = mvt.tile_bounds(n, x, y)
    step = (east - west) / 20
    boxes = [shapely.box(west + i * step, south + 0.1, west + (i + 0.5) * step, south + 0.2) for i in range(20)]
    data = tile(boxes, n, x, y)
    features = decode(data)["parcels"]["features"]
    assert len(features) == 20
    for i, feature in enumerate(features):
        ring = feature["geometry"]["coordinates"][0]
        assert sorted({p[0] for p in ring}) == [round(i * 4096 / 20), round((i + 0.5) * 4096 / 20)]
        assert signed_area(ring) > 0


def test_prepare_reports_which_inputs_were_kept():
    geoms = np.array([shapely.box(-90, 0, -45, 10), shapely.box(45, 0, 90, 10), None], dtype=object)
    polygons, kept = mvt.prepare_polygons(geoms, 1, 1, 0)
    assert kept.tolist() == [1] and len(polygons) == 1


def test_encoded_layer_shares_values_across_keys_and_skips_features_without_a_ring():
    square = shapely.Polygon([(10, 10), (20, 10), (20, 20), (10, 20)])
    flat = shapely.Polygon([(30, 30), (40, 30), (40, 30), (30, 30)])  # no ring of three points: not written
    polygons = np.array([square, flat, shapely.affinity.translate(square, 100, 0)], dtype=object)
    data = mvt.encode_layer(
        "parcels",
        polygons,
        ids=[2**40 + 1, 5, 300],
        properties={
            "id": [2**40 + 1, 5, 300],
            "zone_id": [300, 5, 300],  # the same integers as "id": one entry of the value table each
            "area_mu": [2.5, 2.5, -1.0],
            "grade": ["A", "B", "A"],
            "mixed": [None, 1, "x"],  # two types and a missing value: no tag for the first feature
        },
    )
    features = decode(data)["parcels"]["features"]
    assert [f["id"] for f in features] == [2**40 + 1, 300]
    assert [f["properties"] for f in features] == [
        {"id": 2**40 + 1, "zone_id": 300, "area_mu": 2.5, "grade": "A"},
        {"id": 300, "zone_id": 300, "area_mu": -1.0, "grade": "A", "mixed": "x"},
    ]
    assert [f["geometry"]["coordinates"][0][:4] for f in features] == [
        [[10, 10], [20, 10], [20, 20], [10, 20]],
        [[110, 10], [120, 10], [120, 20], [110, 20]],
    ]
    # The value table holds each (type, value) once, in order of first appearance, also those of the
    # feature that was not written.
    message = vector_tile_pb2.tile()
    message.ParseFromString(data)
    values = [value.ListFields()[0][1] for value in message.layers[0].values]
    assert values == [2**40 + 1, 5, 300, 2.5, -1.0, "A", "B", 1, "x"]
    assert mvt._varints(np.array([0, 127, 128, 300, 2**63 - 1 + 2**63], dtype=np.uint64))[0] == bytes(
        [0, 127, 0x80, 1, 0xAC, 2] + [0xFF] * 9 + [1]
    )


# --- the numpy path for one-ring polygons (prepare_wkb) against the shapely one (prepare_polygons) -------------


def decoded_by_id(data: bytes) -> dict[int, shapely.Geometry]:
    layer = decode(data)["parcels"] if data else {"features": []}
    return {f["id"]: shapely.geometry.shape(f["geometry"]) for f in layer["features"]}


def both_ways(geoms, z, x, y):
    """The features of the same polygons through prepare_wkb and through prepare_polygons alone."""
    ids = list(range(1, len(geoms) + 1))
    fast = mvt.prepare_wkb(shapely.to_wkb(np.asarray(geoms, dtype=object)), z, x, y)
    polygons, kept = mvt.prepare_polygons(geoms, z, x, y)
    slow = mvt.Rings.of(polygons, kept)
    out = []
    for rings in (fast, slow):
        picked = [ids[i] for i in rings.indices.tolist()]
        data = mvt.encode_layer("parcels", rings, ids=picked, properties={"n": picked})
        out.append(decoded_by_id(data))
    return out


def lonlat_of_tile_point(z, x, y, px, py):
    """The lon/lat of a point given in tile coordinates of z/x/y (inverse Web Mercator)."""
    n = 1 << z
    lon = (x + px / mvt.EXTENT) / n * 360.0 - 180.0
    lat = math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * (y + py / mvt.EXTENT) / n))))
    return lon, lat


def test_the_numpy_path_draws_what_shapely_draws_for_many_kinds_of_polygon():
    z, x, y = 12, 3405, 1671
    rng = np.random.default_rng(7)
    geoms = []
    for _ in range(400):
        cx, cy = rng.uniform(-100, 4200, 2)
        kind = rng.integers(0, 5)
        if kind == 0:  # a quadrilateral of a few to hundreds of units
            w, h = rng.uniform(0.5, 300, 2)
            pts = [(cx, cy), (cx + w, cy + rng.uniform(-3, 3)), (cx + w, cy + h), (cx + rng.uniform(-3, 3), cy + h)]
        elif kind == 1:  # a triangle
            pts = [(cx, cy), (cx + rng.uniform(1, 80), cy), (cx, cy + rng.uniform(1, 80))]
        elif kind == 2:  # an L
            a, b = rng.uniform(2, 60, 2)
            pts = [
                (cx, cy),
                (cx + 2 * a, cy),
                (cx + 2 * a, cy + b),
                (cx + a, cy + b),
                (cx + a, cy + 2 * b),
                (cx, cy + 2 * b),
            ]
        elif kind == 3:  # a sliver under a unit wide: collapses or crosses itself on the grid
            pts = [(cx, cy), (cx + 50, cy + 0.3), (cx + 100, cy), (cx + 50, cy + 0.6)]
        else:  # a star of 5 points (concave, 10 vertices)
            r = rng.uniform(3, 40)
            pts = [
                (
                    cx + (r if i % 2 == 0 else r / 2.5) * math.cos(i * math.pi / 5),
                    cy + (r if i % 2 == 0 else r / 2.5) * math.sin(i * math.pi / 5),
                )
                for i in range(10)
            ]
        geoms.append(shapely.Polygon([lonlat_of_tile_point(z, x, y, px, py) for px, py in pts]))
    fast, slow = both_ways(geoms, z, x, y)
    assert len(fast) > 300
    # Clipped to the buffered tile, the same shapes (the numpy path leaves small overhangs to the renderer, and
    # may keep a polygon whose box meets the buffered tile when the polygon does not).
    edge = (-mvt.BUFFER, -mvt.BUFFER, mvt.EXTENT + mvt.BUFFER, mvt.EXTENT + mvt.BUFFER)
    fast = {pk: shapely.clip_by_rect(shape, *edge) for pk, shape in fast.items()}
    assert {pk for pk, shape in fast.items() if shape.area > 0} <= slow.keys() <= fast.keys()
    for pk, shape in slow.items():
        # Where clipped, the numpy path rounded before the clip and shapely after: they may differ by under half
        # a unit along the outline.
        assert shapely.symmetric_difference(fast[pk], shape).area <= 0.5 * shape.length, pk


def test_polygons_with_holes_parts_or_many_vertices_and_those_crossing_the_edge_take_the_shapely_path(monkeypatch):
    z, x, y = 12, 3405, 1671
    box = [lonlat_of_tile_point(z, x, y, px, py) for px, py in ((100, 100), (300, 100), (300, 300), (100, 300))]
    hole = [lonlat_of_tile_point(z, x, y, px, py) for px, py in ((150, 150), (200, 150), (200, 200), (150, 200))]
    edge = [lonlat_of_tile_point(z, x, y, px, py) for px, py in ((4000, 100), (4600, 100), (4600, 300), (4000, 300))]
    circle = shapely.Point(box[0]).buffer(0.001, quad_segs=8)  # 33 coordinates
    geoms = [
        shapely.Polygon(box),
        shapely.Polygon(box, [hole]),
        shapely.MultiPolygon([shapely.Polygon(box), shapely.Polygon(hole)]),
        shapely.Polygon(edge),
        circle,
    ]
    seen = []
    real = mvt.prepare_polygons

    def spy(polygons, *args, **kwargs):
        seen.append(len(polygons))
        return real(polygons, *args, **kwargs)

    monkeypatch.setattr(mvt, "prepare_polygons", spy)
    rings = mvt.prepare_wkb(shapely.to_wkb(np.asarray(geoms, dtype=object)), z, x, y)
    assert seen == [4] and rings.indices.tolist() == [0, 1, 2, 3, 4]
    # The plain box, on the numpy path: hand-computed corners, exterior with positive area (clockwise on screen).
    ring = rings.coords[rings.ring_offsets[0] : rings.ring_offsets[1]].tolist()
    assert ring[0] == ring[-1] and sorted(map(tuple, ring[:-1])) == [(100, 100), (100, 300), (300, 100), (300, 300)]
    assert signed_area(ring) > 0
    # The box reaching past the edge (by more than OVERHANG) is clipped to the buffer.
    feature = rings.indices.tolist().index(3)
    first, end = (
        rings.ring_offsets[rings.feature_offsets[feature]],
        rings.ring_offsets[rings.feature_offsets[feature + 1]],
    )
    assert rings.coords[first:end, 0].max() == mvt.EXTENT + mvt.BUFFER


def test_a_polygon_that_crosses_itself_once_on_the_grid_takes_the_shapely_path(monkeypatch):
    z, x, y = 12, 3405, 1671
    # Valid as given; rounded to the grid its edge (5, 1)-(1, 3) crosses the edge (3, 1)-(24, 3).
    pts = [(0.823, 3.336), (3.442, 0.79), (24.296, 3.339), (22.539, 8.505), (5.135, 1.326)]
    polygon = shapely.Polygon([lonlat_of_tile_point(z, x, y, 1000 + px, 1000 + py) for px, py in pts])
    assert polygon.is_valid and not shapely.Polygon([(round(px), round(py)) for px, py in pts]).is_valid
    seen = []
    real = mvt.prepare_polygons
    monkeypatch.setattr(mvt, "prepare_polygons", lambda p, *a, **k: seen.append(len(p)) or real(p, *a, **k))
    rings = mvt.prepare_wkb([shapely.to_wkb(polygon)], z, x, y)
    assert seen == [1] and rings.count == 1
    drawn = shapely.Polygon(rings.coords[rings.ring_offsets[0] : rings.ring_offsets[1]])
    assert (
        drawn.is_valid
        or shapely.MultiPolygon(
            [shapely.Polygon(rings.coords[a:b]) for a, b in itertools.pairwise(rings.ring_offsets)]
        ).is_valid
    )
