"""Mapbox Vector Tiles (MVT 2.1) of polygons: Web-Mercator XYZ tile maths, projection of lon/lat polygons to
tile coordinates, clipping and simplifying (shapely 2, vectorised), and a small protobuf encoder.

Pure: no Django, no I/O. Tiles follow the XYZ scheme of EPSG:3857 (y counted from the top), extent 4096.
"""

from __future__ import annotations

import functools
import math
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import compress, repeat

import numpy as np
import shapely

EXTENT = 4096
"""Tile coordinates run from 0 to EXTENT on both axes."""
BUFFER = 64
"""Polygons are clipped this many units beyond the tile edge, so that outlines join without seams."""
OVERHANG = 256
"""A small polygon (see prepare_wkb) reaching at most this many units past the buffer is left whole: renderers
clip at the tile's edge, and leaving it saves clipping about one polygon in ten of a dense tile."""
MIN_SIZE = 4
"""A polygon whose projected bounding box is under this many units on both sides (half a pixel of a
512-pixel tile) is drawn as a MIN_SIZE square at its centre, so that no parcel vanishes at low zoom."""
SIMPLIFY = 1.0
"""Simplification tolerance in tile units (the grid the coordinates are rounded to)."""
SIMPLIFY_MIN_COORDS = 12
"""Polygons with more coordinates than this (rings' closing points included) are simplified; smaller ones are
only rounded to the grid, which merges the vertices closer than a unit."""
MAX_ZOOM = 24
MAX_LATITUDE = 85.0511287798066

# Protobuf wire types and the MVT geometry commands.
_VARINT, _BYTES, _FIXED64 = 0, 2, 1
_MOVE_TO, _LINE_TO, _CLOSE_PATH = 1, 2, 7
_POLYGON = 3


class TileError(ValueError):
    """Tile coordinates outside the XYZ scheme."""


# --- tile maths --------------------------------------------------------------------------------------


def check_tile(z: int, x: int, y: int) -> None:
    """Raise TileError (bilingual) unless 0 ≤ z ≤ MAX_ZOOM and 0 ≤ x, y < 2**z."""
    if not 0 <= z <= MAX_ZOOM:
        raise TileError(f"缩放级别 {z} 超出范围 0–{MAX_ZOOM} / zoom {z} is outside 0–{MAX_ZOOM}")
    n = 1 << z
    if not (0 <= x < n and 0 <= y < n):
        raise TileError(
            f"瓦片 {z}/{x}/{y} 不存在：x、y 须在 0–{n - 1} 之间 / tile {z}/{x}/{y} does not exist: "
            f"x and y must be within 0–{n - 1}"
        )


def tile_bounds(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    """(west, south, east, north) of the tile in degrees of longitude and latitude."""
    n = 1 << z

    def lat(row: float) -> float:
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * row / n))))

    return x / n * 360.0 - 180.0, lat(y + 1), (x + 1) / n * 360.0 - 180.0, lat(y)


def tiles_covering(bounds: tuple[float, float, float, float], z: int) -> list[tuple[int, int, int]]:
    """Every tile (z, x, y) of zoom z that meets the lon/lat box (west, south, east, north)."""
    west, south, east, north = bounds
    x0, y0 = lonlat_to_tile_xy(west, north, z)
    x1, y1 = lonlat_to_tile_xy(east, south, z)
    n = 1 << z
    xs = range(max(0, int(x0)), min(n - 1, int(x1)) + 1)
    ys = range(max(0, int(y0)), min(n - 1, int(y1)) + 1)
    return [(z, x, y) for x in xs for y in ys]


def lonlat_to_tile_xy(lon, lat, z: int):
    """Fractional tile column and row (Web Mercator, y from the top) of lon/lat (scalars or arrays)."""
    n = float(1 << z)
    lat = np.clip(np.asarray(lat, dtype=float), -MAX_LATITUDE, MAX_LATITUDE)
    rad = np.radians(lat)
    tx = (np.asarray(lon, dtype=float) + 180.0) / 360.0 * n
    ty = (1.0 - np.log(np.tan(rad) + 1.0 / np.cos(rad)) / math.pi) / 2.0 * n
    return tx, ty


def to_tile_coords(geoms, z: int, x: int, y: int, *, extent: int = EXTENT):
    """Lon/lat geometries (array) in the coordinates of tile z/x/y: 0..extent, y down, not rounded."""

    def move(xy: np.ndarray) -> np.ndarray:
        tx, ty = lonlat_to_tile_xy(xy[:, 0], xy[:, 1], z)
        return np.column_stack([(tx - x) * extent, (ty - y) * extent])

    return transform_coords(np.asarray(geoms, dtype=object), move)


def transform_coords(geoms: np.ndarray, move) -> np.ndarray:
    """``shapely.transform`` of an array of geometries, the polygons and multipolygons (nearly always all of
    them) through ragged coordinate arrays: rebuilding thousands of small polygons that way takes a third of
    the time shapely.transform needs to set their coordinates."""
    kinds = shapely.get_type_id(geoms)
    fine = ~shapely.is_empty(geoms)
    out = geoms.copy()
    done = np.zeros(len(geoms), dtype=bool)
    for kind in (3, 6):  # Polygon, MultiPolygon
        mask = (kinds == kind) & fine
        if mask.any():
            ragged, coords, offsets = shapely.to_ragged_array(geoms[mask])
            out[mask] = shapely.from_ragged_array(ragged, move(coords), offsets)
            done |= mask
    rest = ~done & (kinds >= 0)
    if rest.any():
        out[rest] = shapely.transform(geoms[rest], move)
    return out


# --- preparing polygons ------------------------------------------------------------------------------


def _polygonal(geom):
    """The polygons of whatever clipping left (a collection may hold lines where a polygon grazed the edge)."""
    if geom is None or geom.is_empty:
        return None
    kind = shapely.get_type_id(geom)
    if kind in (3, 6):  # Polygon, MultiPolygon
        return geom
    parts = [p for p in shapely.get_parts(geom) if shapely.get_type_id(p) in (3, 6) and not p.is_empty]
    if not parts:
        return None
    return shapely.union_all(parts)


def prepare_polygons(
    geoms: Sequence, z: int, x: int, y: int, *, extent: int = EXTENT, buffer: int = BUFFER
) -> tuple[np.ndarray, np.ndarray]:
    """The lon/lat polygons as they go into tile z/x/y, and the indices of the input they come from.

    Each polygon is projected to tile coordinates, clipped to the tile plus ``buffer`` units, simplified
    (tolerance SIMPLIFY), rounded to the integer grid and oriented as MVT wants (exterior rings with positive
    area in tile coordinates, i.e. clockwise on screen; holes the other way). A polygon that would be smaller
    than MIN_SIZE units on both sides becomes a MIN_SIZE square at its centre; one that falls outside the
    tile, or collapses, is dropped.
    """
    geoms = np.asarray(geoms, dtype=object)
    if geoms.size == 0:
        return np.empty(0, dtype=object), np.empty(0, dtype=np.int64)
    projected = to_tile_coords(geoms, z, x, y, extent=extent)
    bounds = shapely.bounds(projected)
    width, height = bounds[:, 2] - bounds[:, 0], bounds[:, 3] - bounds[:, 1]
    tiny = (width < MIN_SIZE) & (height < MIN_SIZE)
    if tiny.any():
        cx, cy = (bounds[tiny, 0] + bounds[tiny, 2]) / 2, (bounds[tiny, 1] + bounds[tiny, 3]) / 2
        half = MIN_SIZE / 2
        projected[tiny] = shapely.box(
            np.round(cx - half), np.round(cy - half), np.round(cx + half), np.round(cy + half)
        )
    # Only polygons reaching past the buffered tile need clipping (clipping leaves the others as they are).
    clipped = projected.copy()
    low, high = -buffer, extent + buffer
    bounds = shapely.bounds(projected)
    outside = ~((bounds[:, 0] >= low) & (bounds[:, 1] >= low) & (bounds[:, 2] <= high) & (bounds[:, 3] <= high))
    if outside.any():
        clipped[outside] = shapely.clip_by_rect(projected[outside], low, low, high, high)
    # Simplifying a polygon of a few vertices saves no bytes worth its time (it is most of a dense tile's).
    simplified = clipped.copy()
    many = shapely.get_num_coordinates(clipped) > SIMPLIFY_MIN_COORDS
    if many.any():
        simplified[many] = shapely.simplify(clipped[many], SIMPLIFY, preserve_topology=True)
    snapped = transform_coords(simplified, np.rint)
    # Rounding can make a polygon invalid (a sliver collapses, two rings touch): only those take the slower,
    # robust snapping to the grid, which also drops what collapses.
    broken = ~shapely.is_valid(snapped) & ~shapely.is_missing(snapped)
    if broken.any():
        snapped[broken] = shapely.set_precision(simplified[broken], 1.0)
    keep = ~(shapely.is_empty(snapped) | shapely.is_missing(snapped))
    indices = np.flatnonzero(keep)
    result = snapped[keep]
    kinds = shapely.get_type_id(result)
    odd = np.flatnonzero((kinds != 3) & (kinds != 6))
    if odd.size:
        for i in odd:
            result[i] = _polygonal(result[i])
        fine = ~shapely.is_missing(result)
        result, indices = result[fine], indices[fine]
    result = shapely.orient_polygons(result, exterior_cw=False)
    return result, indices


@dataclass(frozen=True)
class Rings:
    """Polygons in tile coordinates on the integer grid, oriented, as ragged arrays: the points of every ring
    (closed: each ring ends on its first point) one after the other, where each ring starts (``ring_offsets``,
    one more than the rings), where each feature's rings start (``feature_offsets``, one more than the
    features), and which input each feature comes from (``indices``)."""

    coords: np.ndarray
    ring_offsets: np.ndarray
    feature_offsets: np.ndarray
    indices: np.ndarray

    @property
    def count(self) -> int:
        return len(self.indices)

    @classmethod
    def of(cls, polygons: np.ndarray, indices: np.ndarray) -> Rings:
        """The rings of shapely polygons and multipolygons (as prepare_polygons leaves them)."""
        if not len(polygons):
            return cls.empty()
        _kind, coords, offsets = shapely.to_ragged_array(polygons)
        if len(offsets) == 2:  # only Polygons: each feature is one part
            ring_offsets, feature_offsets = offsets
        else:  # a feature's rings: those of its parts
            ring_offsets, polygon_offsets, part_offsets = offsets
            feature_offsets = polygon_offsets[part_offsets]
        return cls(coords, ring_offsets.astype(np.int64), feature_offsets.astype(np.int64), np.asarray(indices))

    @classmethod
    def empty(cls) -> Rings:
        none = np.zeros(1, dtype=np.int64)
        return cls(np.empty((0, 2)), none, none, np.empty(0, dtype=np.int64))

    def __add__(self, other: Rings) -> Rings:
        return Rings(
            np.concatenate([self.coords, other.coords]),
            np.concatenate([self.ring_offsets, other.ring_offsets[1:] + self.ring_offsets[-1]]),
            np.concatenate([self.feature_offsets, other.feature_offsets[1:] + self.feature_offsets[-1]]),
            np.concatenate([self.indices, other.indices]),
        )


WKB_HEAD = 13
"""Bytes before the points of a one-ring polygon in WKB: byte order, type, number of rings, number of points."""


def prepare_wkb(
    wkbs: Sequence[bytes], z: int, x: int, y: int, *, extent: int = EXTENT, buffer: int = BUFFER, lonlat=None
) -> Rings:
    """The lon/lat polygons given as WKB as they go into tile z/x/y (see prepare_polygons), as Rings.

    ``lonlat``: a function of longitude and latitude arrays giving the positions to draw them at (a shift).
    The common case, a polygon of one ring and few vertices that reaches no further than OVERHANG past the
    tile's buffer and does not cross itself once on the grid, is read, projected, rounded and oriented with
    numpy for all such polygons at once, without a shapely geometry, and not clipped; the others go through
    prepare_polygons. Features come in that order:
    ``indices`` tells which input each one is.
    """
    n = len(wkbs)
    if not n:
        return Rings.empty()
    lengths = np.fromiter(map(len, wkbs), np.int64, n)
    buf = np.frombuffer(b"".join(wkbs), dtype=np.uint8)
    starts = np.cumsum(lengths) - lengths
    candidate = np.flatnonzero(lengths >= WKB_HEAD + 16 * 4)
    head = buf[starts[candidate, None] + np.arange(WKB_HEAD)]
    kind, rings, points = (head[:, at : at + 4].copy().view("<u4").ravel() for at in (1, 5, 9))
    one_ring = (
        (head[:, 0] == 1)  # little-endian
        & (kind == 3)  # a 2D polygon
        & (rings == 1)
        & (points <= SIMPLIFY_MIN_COORDS)
        & (lengths[candidate] == WKB_HEAD + 16 * points.astype(np.int64))
    )
    simple = candidate[one_ring]
    counts = points[one_ring].astype(np.int64)
    fast = np.zeros(n, dtype=bool)
    rings_fast = Rings.empty()
    if simple.size:
        # The points' bytes: a mask that opens where each polygon's points begin and closes where they end.
        edges = np.zeros(len(buf) + 1, dtype=np.int8)
        begin = starts[simple] + WKB_HEAD
        edges[begin], edges[begin + 16 * counts] = 1, -1
        raw = buf[np.cumsum(edges[:-1], dtype=np.int8).view(bool)].view("<f8").reshape(-1, 2)
        lon, lat = raw[:, 0], raw[:, 1]
        if lonlat is not None:
            lon, lat = lonlat(lon, lat)
        tx, ty = lonlat_to_tile_xy(lon, lat, z)
        rings_fast, took = _fast_rings((tx - x) * extent, (ty - y) * extent, counts, extent=extent, buffer=buffer)
        rings_fast = Rings(rings_fast.coords, rings_fast.ring_offsets, rings_fast.feature_offsets, simple[took])
        fast[simple[took]] = True
    slow = np.flatnonzero(~fast)
    if not slow.size:
        return rings_fast
    geoms = shapely.from_wkb([wkbs[i] for i in slow.tolist()])
    if lonlat is not None:
        geoms = transform_coords(geoms, lambda xy: np.column_stack(lonlat(xy[:, 0], xy[:, 1])))
    polygons, kept = prepare_polygons(geoms, z, x, y, extent=extent, buffer=buffer)
    return rings_fast + Rings.of(polygons, slow[kept])


def _fast_rings(
    px: np.ndarray, py: np.ndarray, counts: np.ndarray, *, extent: int, buffer: int
) -> tuple[Rings, np.ndarray]:
    """Of closed rings in tile coordinates (points px, py; ``counts`` points per ring), those that meet the
    buffered tile, reach no further than OVERHANG past it, need no MIN_SIZE square and stay simple on the grid,
    rounded and oriented, and which rings they are."""
    offsets = np.concatenate([[0], np.cumsum(counts)])
    first = offsets[:-1]
    low, high = -buffer, extent + buffer
    min_x, max_x = np.minimum.reduceat(px, first), np.maximum.reduceat(px, first)
    min_y, max_y = np.minimum.reduceat(py, first), np.maximum.reduceat(py, first)
    near, far = low - OVERHANG, high + OVERHANG
    inside = (min_x >= near) & (min_y >= near) & (max_x <= far) & (max_y <= far)
    inside &= (max_x >= low) & (max_y >= low) & (min_x <= high) & (min_y <= high)  # meets the buffered tile
    sized = (max_x - min_x >= MIN_SIZE) | (max_y - min_y >= MIN_SIZE)
    ring = np.repeat(np.arange(len(counts)), counts)
    # Each ring open (without its closing point), on the grid, without a point equal to the next one round.
    open_point = np.ones(len(px), dtype=bool)
    open_point[offsets[1:] - 1] = False
    gx, gy = np.rint(px[open_point]).astype(np.int64), np.rint(py[open_point]).astype(np.int64)
    ring = ring[open_point]
    starts = offsets[:-1] - np.arange(len(counts))  # the open rings' starts
    after = np.arange(len(gx)) + 1
    last = np.concatenate([starts[1:], [len(gx)]]) - 1
    after[last] = starts
    keep = ~((gx == gx[after]) & (gy == gy[after]))
    gx, gy, ring = gx[keep], gy[keep], ring[keep]
    k = np.bincount(ring, minlength=len(counts))
    starts = np.concatenate([[0], np.cumsum(k)])[:-1]
    after = np.arange(len(gx)) + 1
    ends = starts + k - 1
    after[ends[k > 0]] = starts[k > 0]
    # Twice the signed area (surveyor's formula): positive is an exterior ring as MVT wants it (y down).
    cross = gx * gy[after] - gx[after] * gy
    area2 = np.bincount(ring, weights=cross, minlength=len(counts))
    ok = inside & sized & (k >= 3) & (area2 != 0)
    ok &= _simple_rings(gx, gy, starts, k, ok)
    took = np.flatnonzero(ok)
    # The rings taken, turned round where their area is negative (from the same first point), and closed.
    point_ok = ok[ring]
    gx, gy, ring = gx[point_ok], gy[point_ok], ring[point_ok]
    kk = k[took]
    out_offsets = np.concatenate([[0], np.cumsum(kk + 1)])
    rank = np.empty(len(counts), dtype=np.int64)
    rank[took] = np.arange(len(took))
    local = np.arange(len(gx)) - (np.cumsum(kk) - kk)[rank[ring]]
    flip = area2[ring] < 0
    local = np.where(flip & (local > 0), kk[rank[ring]] - local, local)
    coords = np.empty((int(out_offsets[-1]), 2), dtype=np.float64)
    at = out_offsets[rank[ring]] + local
    coords[at, 0], coords[at, 1] = gx, gy
    coords[out_offsets[1:] - 1] = coords[out_offsets[:-1]]
    features = np.arange(len(took) + 1, dtype=np.int64)
    return Rings(coords, out_offsets.astype(np.int64), features, took), took


def _simple_rings(gx: np.ndarray, gy: np.ndarray, starts: np.ndarray, k: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Per ring (points gx, gy; ring i from starts[i], k[i] points, open), whether no two of its edges that do not
    follow each other meet, touching included: checked for the ``wanted`` rings of four points or more (a
    triangle of non-zero area is simple), True for the others."""
    simple = np.ones(len(k), dtype=bool)
    for size in np.unique(k[wanted & (k >= 4)]).tolist():
        group = np.flatnonzero(wanted & (k == size))
        at = starts[group, None] + np.arange(size)
        xs, ys = gx[at], gy[at]
        i, j = _edge_pairs(size)
        nxt = (np.arange(size) + 1) % size
        ax, ay, bx, by = xs[:, i], ys[:, i], xs[:, nxt[i]], ys[:, nxt[i]]
        cx, cy, dx, dy = xs[:, j], ys[:, j], xs[:, nxt[j]], ys[:, nxt[j]]

        def side(px, py, qx, qy, rx, ry):
            return np.sign((qx - px) * (ry - py) - (qy - py) * (rx - px))

        meet = (
            (side(ax, ay, bx, by, cx, cy) * side(ax, ay, bx, by, dx, dy) <= 0)
            & (side(cx, cy, dx, dy, ax, ay) * side(cx, cy, dx, dy, bx, by) <= 0)
            & (np.minimum(ax, bx) <= np.maximum(cx, dx))
            & (np.minimum(cx, dx) <= np.maximum(ax, bx))
            & (np.minimum(ay, by) <= np.maximum(cy, dy))
            & (np.minimum(cy, dy) <= np.maximum(ay, by))
        )
        simple[group] = ~meet.any(axis=1)
    return simple


@functools.cache
def _edge_pairs(size: int) -> tuple[np.ndarray, np.ndarray]:
    """The pairs (i, j) of edges of a ring of ``size`` points that do not share a point (edge i runs from point
    i to the next). Kept per size once worked out (the rings checked have at most SIMPLIFY_MIN_COORDS points),
    rather than for every size at import, which would load NumPy in any command that imports the map's views."""
    pairs = [(i, j) for i in range(size) for j in range(i + 2, size) if not (i == 0 and j == size - 1)]
    pairs_i, pairs_j = zip(*pairs, strict=True)
    return np.array(pairs_i), np.array(pairs_j)


# --- protobuf encoding -------------------------------------------------------------------------------


def _varint(value: int) -> bytes:
    if value < 0x80:
        return _SMALL[value]
    out = bytearray()
    while value > 0x7F:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


_SMALL = [bytes([v]) for v in range(0x80)]


def _varints(values: np.ndarray) -> tuple[bytes, np.ndarray]:
    """Varint bytes of many unsigned integers at once, and the byte length of each value."""
    packed, lengths = _packed_varints(values)
    return packed.tobytes(), lengths


def _packed_varints(values) -> tuple[np.ndarray, np.ndarray]:
    """As _varints, the bytes as a uint8 array."""
    v = np.asarray(values, dtype=np.uint64).ravel()
    lengths = np.ones(v.shape, dtype=np.int64)
    if not v.size:
        return np.empty(0, dtype=np.uint8), lengths
    top = int(v.max())
    width = 1
    while width < 10 and top >> (7 * width):
        lengths += v >= np.uint64(1 << (7 * width))
        width += 1
    # One row of `width` bytes per value (7 bits each, low first, the high bit set on all but the last), of
    # which each value keeps its first `lengths` bytes.
    table = np.empty((v.size, width), dtype=np.uint8)
    for k in range(width):
        table[:, k] = (v >> np.uint64(7 * k)) & np.uint64(0x7F)
        table[:, k] |= (lengths > k + 1).view(np.uint8) << 7
    return table[np.arange(width) < lengths[:, None]], lengths


def _zigzag(values: np.ndarray) -> np.ndarray:
    v = values.astype(np.int64)
    return ((v << 1) ^ (v >> 63)).astype(np.uint64)


def _key(field: int, wire: int) -> bytes:
    return _varint((field << 3) | wire)


def _bytes_field(field: int, payload: bytes) -> bytes:
    return _key(field, _BYTES) + _varint(len(payload)) + payload


def _geometry_streams(polygons: Rings) -> tuple[np.ndarray, np.ndarray]:
    """The packed geometry commands of every feature, built for all features at once: per ring MoveTo(1) x y,
    LineTo(n-1) x y ..., ClosePath; zigzag-encoded deltas run on from ring to ring within a feature and start
    from (0, 0) in each feature. Returns the bytes of all features one after the other (uint8) and the byte
    length of each (0 for a feature left without a ring)."""
    if not polygons.count:
        return np.empty(0, dtype=np.uint8), np.zeros(0, dtype=np.int64)
    coords = np.rint(polygons.coords).astype(np.int64)
    ring_offsets = polygons.ring_offsets
    ring_count = len(ring_offsets) - 1
    feature_count = polygons.count
    ring_of_point = np.repeat(np.arange(ring_count), np.diff(ring_offsets))
    feature_of_ring = np.repeat(np.arange(feature_count), np.diff(polygons.feature_offsets))
    # Drop each ring's closing vertex (ClosePath returns to the start) and consecutive duplicates, then rings
    # left with under three points.
    keep = np.ones(len(coords), dtype=bool)
    keep[ring_offsets[1:] - 1] = False
    keep[1:] &= ~((coords[1:] == coords[:-1]).all(axis=1) & (ring_of_point[1:] == ring_of_point[:-1]))
    counts = np.bincount(ring_of_point[keep], minlength=ring_count)
    keep &= counts[ring_of_point] >= 3
    points, rings = coords[keep], ring_of_point[keep]
    counts = np.where(counts >= 3, counts, 0)
    features = feature_of_ring[rings]
    deltas = np.diff(points, axis=0, prepend=np.zeros((1, 2), dtype=np.int64))
    first = np.ones(len(points), dtype=bool)
    first[1:] = features[1:] != features[:-1]
    deltas[first] = points[first]
    params = _zigzag(deltas)
    # Lay out the command stream: a ring of n points takes 2n + 3 integers.
    ring_length = np.where(counts > 0, 2 * counts + 3, 0)
    ring_start = np.cumsum(ring_length) - ring_length
    stream = np.empty(int(ring_length.sum()), dtype=np.uint64)
    used = counts > 0
    stream[ring_start[used]] = (1 << 3) | _MOVE_TO
    stream[ring_start[used] + 3] = ((counts[used] - 1) << 3) | _LINE_TO
    stream[ring_start[used] + 2 * counts[used] + 2] = (1 << 3) | _CLOSE_PATH
    point_start = np.cumsum(counts) - counts
    local = np.arange(len(points)) - point_start[rings]
    where_x = ring_start[rings] + 1 + 2 * local + (local > 0)
    stream[where_x] = params[:, 0]
    stream[where_x + 1] = params[:, 1]
    packed, lengths = _packed_varints(stream)
    # The bytes of each feature: its rings are consecutive in the stream.
    ends = np.concatenate([[0], np.cumsum(lengths)])
    feature_length = np.bincount(feature_of_ring, weights=ring_length, minlength=feature_count).astype(np.int64)
    feature_end = np.cumsum(feature_length)
    return packed, np.diff(ends[np.concatenate([[0], feature_end])])


def _interleave(columns: list[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    """Per item, the bytes of each column one after the other: ``columns`` holds (the bytes of all items one
    after the other as uint8, the byte length of each item); every column has the same number of items."""
    lengths = np.stack([column_lengths for _data, column_lengths in columns], axis=1)
    flat = lengths.ravel()
    starts = (np.cumsum(flat) - flat).reshape(lengths.shape)
    out = np.empty(int(flat.sum()), dtype=np.uint8)
    for k, (data, column_lengths) in enumerate(columns):
        if not data.size:
            continue
        shift = starts[:, k] - (np.cumsum(column_lengths) - column_lengths)
        out[np.repeat(shift, column_lengths) + np.arange(data.size)] = data
    return out


def _select(data: np.ndarray, lengths: np.ndarray, keep: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The bytes and lengths of the kept items (``data``: the bytes of all items one after the other)."""
    return data[np.repeat(keep, lengths)], lengths[keep]


def _constant(payload: bytes, n: int) -> tuple[np.ndarray, np.ndarray]:
    return np.tile(np.frombuffer(payload, dtype=np.uint8), n), np.full(n, len(payload), dtype=np.int64)


_UINT_KEY, _SINT_KEY, _BOOL_KEY, _DOUBLE_KEY, _STRING_KEY = (
    bytes([(5 << 3) | _VARINT]),
    bytes([(6 << 3) | _VARINT]),
    bytes([(7 << 3) | _VARINT]),
    bytes([(3 << 3) | _FIXED64]),
    bytes([(1 << 3) | _BYTES]),
)
_pack_double = struct.Struct("<d").pack


def _value_message(value) -> bytes:
    if isinstance(value, bool):
        return _BOOL_KEY + _varint(int(value))
    if isinstance(value, int):
        if value >= 0:
            return _UINT_KEY + _varint(value)
        return _SINT_KEY + _varint((value << 1) ^ (value >> 63))
    if isinstance(value, float):
        return _DOUBLE_KEY + _pack_double(value)
    payload = str(value).encode("utf-8")
    return _STRING_KEY + _varint(len(payload)) + payload


def _framed(message: bytes) -> bytes:
    """A Value message as a field of the Layer (key 4, length, message)."""
    return _VALUE_KEY + _varint(len(message)) + message


def _framed_values(kind: type, fresh: list) -> bytes:
    """The Layer's Value fields of distinct values of one type, integers and floats laid out with numpy."""
    count = len(fresh)
    if kind is int and fresh and min(fresh) >= 0 and max(fresh) < 1 << 63:
        packed, lengths = _packed_varints(fresh)
        message_lengths = (len(_UINT_KEY) + lengths).astype(np.uint8)  # under 128: one byte
        columns = [_constant(_VALUE_KEY, count), (message_lengths, np.ones(count, dtype=np.int64))]
        return _interleave([*columns, _constant(_UINT_KEY, count), (packed, lengths)]).tobytes()
    if kind is float:
        raw = np.frombuffer(np.asarray(fresh, dtype="<f8").tobytes(), dtype=np.uint8)
        head = _VALUE_KEY + bytes([len(_DOUBLE_KEY) + 8]) + _DOUBLE_KEY
        return _interleave([_constant(head, count), (raw, np.full(count, 8, dtype=np.int64))]).tobytes()
    if kind is str:
        return _framed_strings(fresh)
    return b"".join(_framed(_value_message(value)) for value in fresh)


def _framed_strings(fresh: list[str]) -> bytes:
    """The Layer's Value fields of distinct strings: all of them encoded at once (joined by NUL, which no text
    of the platform holds; one that does takes the slow way), framed with numpy when all are under 126 bytes."""
    joined = "\0".join(fresh).encode("utf-8")
    raw = np.frombuffer(joined, dtype=np.uint8)
    breaks = np.flatnonzero(raw == 0)
    if len(breaks) == len(fresh) - 1:
        ends = np.append(breaks, len(raw))
        lengths = ends - np.concatenate([[0], breaks + 1])
        if lengths.size and lengths.max() < len(_STRING_FIELDS):
            text = np.delete(raw, breaks)
            head = np.empty((len(fresh), 4), dtype=np.uint8)
            head[:, 0], head[:, 1], head[:, 2], head[:, 3] = _VALUE_KEY[0], lengths + 2, _STRING_KEY[0], lengths
            columns = [(head.ravel(), np.full(len(fresh), 4, dtype=np.int64)), (text, lengths)]
            return _interleave(columns).tobytes()
    return b"".join(_framed(_value_message(value)) for value in fresh)


_VALUE_KEY = bytes([(4 << 3) | _BYTES])
_STRING_FIELDS = [_VALUE_KEY + bytes([length + 2, (1 << 3) | _BYTES, length]) for length in range(0x7E)]
"""The Layer's Value key, the message's length, the string's key and length, for a string under 126 bytes."""


def encode_layer(
    name: str,
    polygons: np.ndarray,
    *,
    ids: Sequence[int],
    properties: dict[str, Sequence],
    extent: int = EXTENT,
) -> bytes:
    """One MVT layer (version 2) of polygon features, as the bytes of a Tile holding that layer.

    ``polygons`` are in tile coordinates on the integer grid, oriented (see :func:`prepare_polygons`), as shapely
    polygons or as Rings (see :func:`prepare_wkb`);
    ``properties`` maps each key to one value per polygon (int, float, bool or str).
    """
    keys = list(properties)
    values: list[bytes] = []  # the Layer's Value fields, one or many a piece
    index_of: dict[type, dict] = {}  # per type (True must not be taken for 1), value → its index in the table
    value_count = 0
    if not isinstance(polygons, Rings):
        polygons = Rings.of(np.asarray(polygons, dtype=object), np.arange(len(polygons)))
    geometries, geometry_lengths = _geometry_streams(polygons)
    n = len(geometry_lengths)
    # The value-table index of each feature's value per key (-1: no value, no tag).
    indices = np.full((n, len(keys)), -1, dtype=np.int64)
    for k, column in enumerate(properties.values()):
        column_indices = indices[:, k]
        kinds = set(map(type, column))
        if len(kinds) == 1 and type(None) not in kinds:
            # One type throughout (the usual case): index the column's distinct values, in order of first
            # appearance as below, then look every value up at once.
            kind = kinds.pop()
            array = np.asarray(column) if kind in (int, float) else None
            numeric = array is not None and array.dtype in (np.int64, np.float64) and not np.isnan(array).any()
            if numeric:
                # Numbers: the distinct values with numpy, in order of first appearance.
                distinct_array, first, inverse = np.unique(array, return_index=True, return_inverse=True)
                order = np.argsort(first)
                rank = np.empty_like(order)
                rank[order] = np.arange(order.size)
                distinct = distinct_array[order].tolist()
            else:
                distinct = list(dict.fromkeys(column))
            # The dictionary is walked with map and zip (no Python loop per value): the values seen before
            # keep their index, the fresh ones get the next indices in order.
            value_index = index_of.setdefault(kind, {})
            at = np.fromiter(map(value_index.get, distinct, repeat(-1)), np.int64, len(distinct))
            is_fresh = at < 0
            fresh = list(compress(distinct, is_fresh.tolist()))
            if fresh:
                at[is_fresh] = np.arange(value_count, value_count + len(fresh))
                value_count += len(fresh)
                value_index.update(zip(fresh, at[is_fresh].tolist(), strict=True))
                values.append(_framed_values(kind, fresh))
            if numeric:
                column_indices[:] = at[rank[inverse.ravel()]]
            else:
                local = dict(zip(distinct, at.tolist(), strict=True))
                column_indices[:] = np.fromiter(map(local.__getitem__, column), np.int64, n)
            continue
        for i, value in enumerate(column):
            if value is None:
                continue
            value_index = index_of.setdefault(type(value), {})
            index = value_index.get(value)
            if index is None:
                index = value_index[value] = value_count
                value_count += 1
                values.append(_framed(_value_message(value)))
            column_indices[i] = index
    # Tags of all features as one varint stream: key, value, key, value, ...
    present = indices >= 0
    if present.all() and len(keys) < 0x80:
        # Every feature has every key (the usual case): each tag is the key's one byte, then the value's varint.
        packed, lengths = _packed_varints(indices.ravel())
        key_bytes = np.tile(np.arange(len(keys), dtype=np.uint8), n)
        tags = _interleave([(key_bytes, np.ones(key_bytes.size, dtype=np.int64)), (packed, lengths)])
        tags_length = len(keys) + lengths.reshape(n, len(keys)).sum(axis=1)
    else:
        pairs = np.stack([np.broadcast_to(np.arange(len(keys)), indices.shape), indices], axis=2)[present]
        tags, tag_lengths = _packed_varints(pairs.ravel())
        tag_ends = np.concatenate([[0], np.cumsum(tag_lengths)])
        tags_length = np.diff(tag_ends[np.concatenate([[0], np.cumsum(present.sum(axis=1) * 2)])])
    feature_ids, id_lengths = _packed_varints(ids if n else [])
    keep = geometry_lengths > 0  # a feature left without a ring is not written
    count = int(keep.sum())
    if not count:
        return b""
    if count < n:
        tags, tags_length = _select(tags, tags_length, keep)
        feature_ids, id_lengths = _select(feature_ids, id_lengths, keep)
        geometries, geometry_lengths = _select(geometries, geometry_lengths, keep)
    # Every Feature message at once: key, size, id, tags, type, geometry (see _interleave).
    feature_head = _key(1, _VARINT)
    feature_type = _key(3, _VARINT) + _varint(_POLYGON)
    tags_key, geometry_key, feature_key = _key(2, _BYTES), _key(4, _BYTES), _key(2, _BYTES)
    tags_head = _packed_varints(tags_length)
    geometry_head = _packed_varints(geometry_lengths)
    fixed = len(feature_head) + len(tags_key) + len(feature_type) + len(geometry_key)
    size = fixed + id_lengths + tags_head[1] + tags_length + geometry_head[1] + geometry_lengths
    features = _interleave(
        [
            _constant(feature_key, count),
            _packed_varints(size),
            _constant(feature_head, count),
            (feature_ids, id_lengths),
            _constant(tags_key, count),
            tags_head,
            (tags, tags_length),
            _constant(feature_type, count),
            _constant(geometry_key, count),
            geometry_head,
            (geometries, geometry_lengths),
        ]
    )
    parts = [_key(15, _VARINT), _varint(2), _bytes_field(1, name.encode("utf-8")), features.tobytes()]
    parts += [_bytes_field(3, key.encode("utf-8")) for key in keys]
    parts += values
    parts += [_key(5, _VARINT), _varint(extent)]
    return _bytes_field(3, b"".join(parts))


def polygon_tile(
    geoms: Sequence,
    z: int,
    x: int,
    y: int,
    *,
    layer: str,
    ids: Sequence[int],
    properties: dict[str, Sequence],
    extent: int = EXTENT,
    buffer: int = BUFFER,
) -> bytes:
    """The MVT bytes of tile z/x/y holding the lon/lat polygons that reach it (b"" when none does)."""
    polygons = prepare_wkb(shapely.to_wkb(np.asarray(geoms, dtype=object)), z, x, y, extent=extent, buffer=buffer)
    if not polygons.count:
        return b""
    kept = polygons.indices.tolist()
    picked = {k: [column[i] for i in kept] for k, column in properties.items()}
    return encode_layer(layer, polygons, ids=[ids[i] for i in kept], properties=picked, extent=extent)
