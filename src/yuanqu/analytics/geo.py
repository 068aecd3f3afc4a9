"""CRS and area helpers for CGCS2000 land parcels: supported EPSG codes, true areas in m² and mu,
transforms to lon/lat, polygon repair and the GCJ-02 display shift. Pure: no Django, no file I/O."""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pyproj
import shapely

if TYPE_CHECKING:  # shapely is loaded where it is used (the command line loads it lazily)
    from shapely.geometry.base import BaseGeometry

SQ_M_PER_MU = 10000 / 15
"""Square metres in one 亩 (mu)."""

CGCS2000 = 4490
WGS84 = 4326
GEOGRAPHIC_SRIDS = frozenset({CGCS2000, WGS84})

# Rough bounding box of China used by the GCJ-02 algorithm; outside it no shift applies.
_GCJ_LON_MIN, _GCJ_LON_MAX = 72.004, 137.8347
_GCJ_LAT_MIN, _GCJ_LAT_MAX = 0.8293, 55.8271

# Coordinate window in which lon/lat input is taken to be Chinese land data rather than small planar
# coordinates that merely look like degrees.
_CHINA_LON = (72.0, 138.0)
_CHINA_LAT = (0.0, 56.0)


@dataclass(frozen=True)
class GaussKruger:
    """One CGCS2000 Gauss–Krüger projected CRS."""

    srid: int
    zone_width: int  # 3 or 6 degrees
    zone: int
    central_meridian: int  # degrees east
    prefixed: bool  # easting carries the zone number: 40 500 000 instead of 500 000

    @property
    def name(self) -> str:
        """The EPSG name, e.g. "CGCS2000 / 3-degree Gauss-Kruger CM 120E"."""
        width = "3-degree " if self.zone_width == 3 else ""
        where = f"zone {self.zone}" if self.prefixed else f"CM {self.central_meridian}E"
        return f"CGCS2000 / {width}Gauss-Kruger {where}"


def _build_gauss_kruger() -> dict[int, GaussKruger]:
    table: dict[int, GaussKruger] = {}
    for zone in range(25, 46):  # 3° zones, central meridian 3n
        cm = 3 * zone
        table[4513 + zone - 25] = GaussKruger(4513 + zone - 25, 3, zone, cm, True)
        table[4534 + zone - 25] = GaussKruger(4534 + zone - 25, 3, zone, cm, False)
    for zone in range(13, 24):  # 6° zones, central meridian 6n - 3
        cm = 6 * zone - 3
        table[4491 + zone - 13] = GaussKruger(4491 + zone - 13, 6, zone, cm, True)
        table[4502 + zone - 13] = GaussKruger(4502 + zone - 13, 6, zone, cm, False)
    return table


GAUSS_KRUGER: dict[int, GaussKruger] = _build_gauss_kruger()
SUPPORTED_SRIDS: frozenset[int] = GEOGRAPHIC_SRIDS | frozenset(GAUSS_KRUGER)
SUPPORTED_SRIDS_TEXT = "EPSG:4490, EPSG:4326, EPSG:4491–4554 (CGCS2000 Gauss-Kruger)"


def is_supported_srid(srid: int | None) -> bool:
    """Whether parcels in this EPSG code can be measured and mapped."""
    return srid in SUPPORTED_SRIDS


def describe_srid(srid: int) -> str:
    """Human name of a supported EPSG code; raises ValueError for any other."""
    if srid == CGCS2000:
        return "CGCS2000 (geographic)"
    if srid == WGS84:
        return "WGS 84 (geographic)"
    try:
        return GAUSS_KRUGER[srid].name
    except KeyError:
        raise ValueError(
            f"不支持的坐标系 EPSG:{srid} / unsupported CRS EPSG:{srid}; supported: {SUPPORTED_SRIDS_TEXT}"
        ) from None


def gk_srid(*, central_meridian: float, zone_width: int = 3, prefixed: bool = False) -> int | None:
    """EPSG code of the CGCS2000 Gauss–Krüger CRS with this central meridian, or None if there is none."""
    for gk in GAUSS_KRUGER.values():
        if gk.zone_width == zone_width and gk.prefixed == prefixed and gk.central_meridian == central_meridian:
            return gk.srid
    return None


def gk3_srid_for_lon(lon: float, *, prefixed: bool = False) -> int:
    """EPSG code of the 3° Gauss–Krüger zone containing a longitude (zone n = round(lon / 3))."""
    # floor(x + 0.5) rather than round(): Python rounds halves to even, which would make zone edges
    # depend on parity.
    zone = math.floor(lon / 3 + 0.5)
    if not 25 <= zone <= 45:
        raise ValueError(f"经度 {lon} 不在中国 3 度带范围内 / longitude {lon} is outside China's 3-degree zones")
    return (4513 if prefixed else 4534) + zone - 25


# ---------------------------------------------------------------------------------------------------
# Area


@functools.cache
def _geod() -> pyproj.Geod:
    return pyproj.Geod(ellps="GRS80")


def _require_supported(srid: int) -> None:
    if srid not in SUPPORTED_SRIDS:
        describe_srid(srid)  # raises the bilingual ValueError


def area_m2(geom: BaseGeometry, srid: int) -> float:
    """True area in m²: planar in a Gauss–Krüger CRS, geodesic on GRS80 for lon/lat."""
    _require_supported(srid)
    if geom is None or geom.is_empty:
        return 0.0
    if srid in GEOGRAPHIC_SRIDS:
        # pyproj sums signed ring areas, so rings must be oriented consistently first (CCW shells,
        # CW holes) or two parts of a multipolygon could cancel out.
        oriented = shapely.orient_polygons(geom, exterior_cw=False)
        area, _ = _geod().geometry_area_perimeter(oriented)
        return abs(area)
    return float(shapely.area(geom))


def area_mu(geom: BaseGeometry, srid: int) -> float:
    """True area in mu (亩); see area_m2."""
    return area_m2(geom, srid) / SQ_M_PER_MU


def areas_m2(geoms: Sequence[BaseGeometry] | np.ndarray, srid: int) -> np.ndarray:
    """Vectorised area_m2 over many geometries in one CRS; missing geometries give NaN."""
    _require_supported(srid)
    arr = np.asarray(geoms, dtype=object)
    if srid not in GEOGRAPHIC_SRIDS:
        return shapely.area(arr).astype(float)
    oriented = shapely.orient_polygons(arr, exterior_cw=False)  # see area_m2
    geod = _geod()
    out = np.full(arr.shape, np.nan)
    for i, geom in enumerate(oriented.flat):
        if geom is not None:
            out.flat[i] = abs(geod.geometry_area_perimeter(geom)[0]) if not geom.is_empty else 0.0
    return out


# ---------------------------------------------------------------------------------------------------
# Transforms


@functools.lru_cache(maxsize=64)
def _transformer(source: int, target: int) -> pyproj.Transformer:
    return pyproj.Transformer.from_crs(f"EPSG:{source}", f"EPSG:{target}", always_xy=True)


def _apply(geom, transformer: pyproj.Transformer):
    def move(xy: np.ndarray) -> np.ndarray:
        x, y = transformer.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geom, move)


def to_lonlat(geom, srid: int):
    """Geometry (or array of geometries) from `srid` to CGCS2000 lon/lat, x = longitude."""
    _require_supported(srid)
    if srid in GEOGRAPHIC_SRIDS:
        # CGCS2000 and WGS 84 agree to a few centimetres; no datum shift is worth applying.
        return geom
    return _apply(geom, _transformer(srid, CGCS2000))


def from_lonlat(geom, srid: int):
    """Geometry (or array of geometries) from CGCS2000 lon/lat to `srid`; the inverse of to_lonlat."""
    _require_supported(srid)
    if srid in GEOGRAPHIC_SRIDS:
        return geom
    return _apply(geom, _transformer(CGCS2000, srid))


# ---------------------------------------------------------------------------------------------------
# CRS inference


def _bounds(geom_or_bounds) -> tuple[float, float, float, float] | None:
    if isinstance(geom_or_bounds, shapely.Geometry):
        bounds = geom_or_bounds.bounds
    else:
        values = np.asarray(geom_or_bounds, dtype=object).ravel()
        if values.size == 4 and all(isinstance(v, int | float | np.number) for v in values):
            bounds = values.astype(float)
        else:
            bounds = shapely.total_bounds(values)
    if not all(math.isfinite(v) for v in bounds):
        return None  # empty input: no coordinates to judge
    return (float(bounds[0]), float(bounds[1]), float(bounds[2]), float(bounds[3]))


# Where a parcel in China can lie once converted to lon/lat: China reaches from 3°51' N (Zengmu Ansha) to
# 53°33' N and from 73°33' E to 135°05' E. Latitude 0 is what degrees read as Gauss-Krüger metres become.
CHINA_LON = (72.0, 138.0)
CHINA_LAT = (3.0, 56.0)
# A parcel smaller than this is no parcel: its coordinates are in the wrong unit.
MIN_PARCEL_M2 = 1.0


def lies_in_china(lonlat_bounds) -> bool:
    """Whether lon/lat bounds (minx, miny, maxx, maxy, or a geometry) fall within China."""
    bounds = _bounds(lonlat_bounds)
    if bounds is None:
        return False
    minx, miny, maxx, maxy = bounds
    return CHINA_LON[0] <= minx <= maxx <= CHINA_LON[1] and CHINA_LAT[0] <= miny <= maxy <= CHINA_LAT[1]


def looks_like_degrees(bounds) -> bool:
    """Whether coordinates (bounds or a geometry) could be longitude and latitude: no projected coordinate of
    a parcel in China is that small (northings start about 330 km from the equator)."""
    found = _bounds(bounds)
    if found is None:
        return False
    minx, miny, maxx, maxy = found
    return -180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90


def infer_srid(geom_or_bounds) -> int | None:
    """Guess the EPSG code of coordinates that came without a CRS, from their magnitudes.

    Accepts a geometry, a sequence/array of geometries or bounds (minx, miny, maxx, maxy). Returns 4490
    for lon/lat in China, the prefixed Gauss–Krüger zone for eastings like 40 500 000, and None when the
    guess would be a gamble (plain eastings: the central meridian cannot be told from the numbers).
    """
    bounds = _bounds(geom_or_bounds)
    if bounds is None:
        return None
    minx, miny, maxx, maxy = bounds
    if _CHINA_LON[0] <= minx <= maxx <= _CHINA_LON[1] and _CHINA_LAT[0] <= miny <= maxy <= _CHINA_LAT[1]:
        return CGCS2000
    # Northings of China: about 0.3 (lat 3°) to 6 million metres (lat 54°).
    if not (0 <= miny <= maxy <= 6_000_000):
        return None
    zone = int(minx // 1_000_000)
    if zone != int(maxx // 1_000_000):
        return None
    # Eastings within a zone stay within a few hundred km of 500 000 (±3° at the equator is 334 km).
    if not (minx - zone * 1_000_000 >= 100_000 and maxx - zone * 1_000_000 <= 900_000):
        return None
    if 25 <= zone <= 45:
        return 4513 + zone - 25
    if 13 <= zone <= 23:
        return 4491 + zone - 13
    return None


# ---------------------------------------------------------------------------------------------------
# Repair

# GEOS validity reasons (the text before "[x y]") in plain words: (Chinese, English).
_VALIDITY_WORDS = {
    "Self-intersection": ("多边形自相交", "self-intersecting polygon"),
    "Ring Self-intersection": ("边界环自相交", "self-intersecting ring"),
    "Too few points": ("顶点过少", "too few points"),
    "Hole lies outside shell": ("内环位于外环之外", "hole outside its shell"),
    "Nested holes": ("内环相互嵌套", "nested holes"),
    "Interior is disconnected": ("内部不连通", "disconnected interior"),
    "Nested shells": ("外环相互嵌套", "nested shells"),
    "Duplicate Rings": ("存在重复的环", "duplicate rings"),
    "Invalid Coordinate": ("坐标无效", "invalid coordinate"),
    "Ring is not closed": ("边界环未闭合", "unclosed ring"),
}
_POLYGONAL = ("Polygon", "MultiPolygon")


def _validity_words(reason: str) -> tuple[str, str]:
    head = reason.split("[", 1)[0].strip()
    return _VALIDITY_WORDS.get(head, ("几何无效", "invalid polygon"))


def _split_polygonal(geom: BaseGeometry) -> tuple[list[shapely.Polygon], int]:
    """The non-empty polygons inside a geometry, and how many other parts it had."""
    if geom.geom_type == "Polygon":
        return ([geom], 0) if not geom.is_empty else ([], 0)
    if geom.geom_type in ("MultiPolygon", "GeometryCollection"):
        polygons: list[shapely.Polygon] = []
        others = 0
        for part in geom.geoms:
            found, skipped = _split_polygonal(part)
            polygons.extend(found)
            others += skipped
        return polygons, others
    return [], 0 if geom.is_empty else 1


def repair_polygon(geom: BaseGeometry | None) -> tuple[BaseGeometry | None, str | None]:
    """Return (valid Polygon/MultiPolygon, note) or (None, reason); the note is None if nothing changed.

    Invalid polygons are mended with shapely.make_valid and only their polygonal parts are kept; notes
    and reasons are bilingual, "中文 / English".
    """
    if geom is None or geom.is_empty:
        return None, "几何为空 / geometry is empty"
    if geom.geom_type not in _POLYGONAL:
        return None, f"几何类型为 {geom.geom_type}，不是面 / geometry is a {geom.geom_type}, not a polygon"
    if shapely.is_valid(geom):
        return geom, None
    reason = shapely.is_valid_reason(geom)
    what_zh, what_en = _validity_words(reason)
    # "structure" unions the shells and subtracts the holes, which is what a surveyor meant; the
    # default "linework" would turn overlapping shells into holes.
    fixed = shapely.make_valid(geom, method="structure", keep_collapsed=False)
    polygons, others = _split_polygonal(fixed)
    if not polygons:
        return None, f"{what_zh}，无法修复为面（{reason}） / {what_en}, cannot be repaired ({reason})"
    repaired = polygons[0] if len(polygons) == 1 else shapely.MultiPolygon(polygons)
    extra_zh = "，已舍弃非面部分" if others else ""
    extra_en = ", non-polygonal parts dropped" if others else ""
    note = f"{what_zh}（{reason}），已修复{extra_zh} / {what_en}, repaired ({reason}){extra_en}"
    return repaired, note


# ---------------------------------------------------------------------------------------------------
# GCJ-02 (the obfuscated datum of Amap and Tencent maps); used only to draw over such base maps.

_KRASOVSKY_A = 6378245.0
_KRASOVSKY_EE = 0.00669342162296594323  # first eccentricity squared


def _outside_china(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    return (lon < _GCJ_LON_MIN) | (lon > _GCJ_LON_MAX) | (lat < _GCJ_LAT_MIN) | (lat > _GCJ_LAT_MAX)


def _gcj_offsets(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The GCJ-02 (dlon, dlat) in degrees to add to WGS 84 coordinates."""
    x = lon - 105.0
    y = lat - 35.0
    pi = math.pi
    sqrt_abs_x = np.sqrt(np.abs(x))
    common = (20.0 * np.sin(6.0 * pi * x) + 20.0 * np.sin(2.0 * pi * x)) * 2.0 / 3.0
    dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sqrt_abs_x
    dlat += common
    dlat += (20.0 * np.sin(pi * y) + 40.0 * np.sin(pi * y / 3.0)) * 2.0 / 3.0
    dlat += (160.0 * np.sin(pi * y / 12.0) + 320.0 * np.sin(pi * y / 30.0)) * 2.0 / 3.0
    dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sqrt_abs_x
    dlon += common
    dlon += (20.0 * np.sin(pi * x) + 40.0 * np.sin(pi * x / 3.0)) * 2.0 / 3.0
    dlon += (150.0 * np.sin(pi * x / 12.0) + 300.0 * np.sin(pi * x / 30.0)) * 2.0 / 3.0
    # The offsets above are metres-ish on the Krasovsky ellipsoid; scale them to degrees.
    rad_lat = np.radians(lat)
    magic = 1.0 - _KRASOVSKY_EE * np.sin(rad_lat) ** 2
    sqrt_magic = np.sqrt(magic)
    dlat = dlat * 180.0 / ((_KRASOVSKY_A * (1.0 - _KRASOVSKY_EE)) / (magic * sqrt_magic) * pi)
    dlon = dlon * 180.0 / (_KRASOVSKY_A / sqrt_magic * np.cos(rad_lat) * pi)
    outside = _outside_china(lon, lat)
    return np.where(outside, 0.0, dlon), np.where(outside, 0.0, dlat)


def wgs84_to_gcj02_arrays(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised WGS 84 → GCJ-02 over arrays of longitudes and latitudes (degrees)."""
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    dlon, dlat = _gcj_offsets(lon, lat)
    return lon + dlon, lat + dlat


def gcj02_to_wgs84_arrays(
    lon, lat, *, tolerance: float = 1e-10, max_iterations: int = 30
) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised GCJ-02 → WGS 84 by fixed-point iteration of the forward shift."""
    target_lon = np.asarray(lon, dtype=float)
    target_lat = np.asarray(lat, dtype=float)
    guess_lon, guess_lat = target_lon.copy(), target_lat.copy()
    for _ in range(max_iterations):
        fwd_lon, fwd_lat = wgs84_to_gcj02_arrays(guess_lon, guess_lat)
        err_lon, err_lat = fwd_lon - target_lon, fwd_lat - target_lat
        guess_lon = guess_lon - err_lon
        guess_lat = guess_lat - err_lat
        if np.all(np.abs(err_lon) < tolerance) and np.all(np.abs(err_lat) < tolerance):
            break
    return guess_lon, guess_lat


def wgs84_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    """WGS 84 (or CGCS2000) lon/lat → GCJ-02; unchanged outside China."""
    x, y = wgs84_to_gcj02_arrays(lon, lat)
    return float(x), float(y)


def gcj02_to_wgs84(lon: float, lat: float) -> tuple[float, float]:
    """GCJ-02 lon/lat → WGS 84, accurate to about 1e-9 degrees."""
    x, y = gcj02_to_wgs84_arrays(lon, lat)
    return float(x), float(y)


def shift_geometry_to_gcj02(geom, *, srid: int = CGCS2000):
    """Geometry (or array) shifted to GCJ-02 for display on Amap/Tencent tiles; projects to lon/lat first."""
    lonlat = to_lonlat(geom, srid)

    def move(xy: np.ndarray) -> np.ndarray:
        x, y = wgs84_to_gcj02_arrays(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(lonlat, move)
