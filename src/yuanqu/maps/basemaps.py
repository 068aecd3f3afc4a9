"""Base maps and the display shift they imply: a base map's tile URL checked and written for MapLibre, and the
platform's lon/lat geometries shifted to GCJ-02 for display over a GCJ-02 base map (stored data never change)."""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

import shapely

from yuanqu.analytics import geo

_WMTS_PLACEHOLDERS = {"{TileMatrix}": "{z}", "{TileCol}": "{x}", "{TileRow}": "{y}"}
GCJ02 = "gcj02"
"""The base map coordinate system (BaseMap.Crs) over which the platform's layers are shifted."""


def tile_template(url: str) -> str:
    """The URL with WMTS placeholders ({TileMatrix}, {TileCol}, {TileRow}) written as MapLibre's {z}/{x}/{y}."""
    for wmts, xyz in _WMTS_PLACEHOLDERS.items():
        url = re.sub(re.escape(wmts), xyz, url, flags=re.IGNORECASE)
    return url


def base_map_problems(*, url: str, min_zoom: int | None, max_zoom: int | None) -> dict[str, str]:
    """Why a base map cannot be drawn, per field (in Chinese and English); empty when it can."""
    problems = {}
    template = tile_template(url or "").strip()
    missing = [p for p in ("{z}", "{x}", "{y}") if p not in template]
    if not template.startswith(("http://", "https://", "/")):
        problems["url"] = (
            f"瓦片地址须以 http://、https:// 或 / 开头：{url!r} / the tile URL must start with http://, https:// "
            f"or /: {url!r}"
        )
    elif missing:
        problems["url"] = (
            f"瓦片地址缺少 {'、'.join(missing)}：{url!r} / the tile URL lacks {', '.join(missing)}: {url!r}"
        )
    if max_zoom is not None and max_zoom > 24:
        problems["max_zoom"] = f"最大级别 {max_zoom} 超过 24 / the maximum zoom {max_zoom} is above 24"
    elif min_zoom is not None and max_zoom is not None and min_zoom > max_zoom:
        problems["min_zoom"] = (
            f"最小级别 {min_zoom} 大于最大级别 {max_zoom} / the minimum zoom {min_zoom} is above the maximum "
            f"zoom {max_zoom}"
        )
    return problems


def tile_origin(base_map) -> str | None:
    """The origin (scheme://host[:port]) the base map's tiles come from, for the map page's Content-Security-Policy;
    None when there is no base map or its tiles come from this site (a URL starting with /)."""
    if base_map is None:
        return None
    parts = urlsplit(tile_template(base_map.url or "").strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or re.search(r"[{}\s;,'\"]", parts.netloc):
        return None
    return f"{parts.scheme}://{parts.netloc}"


def shift_for(base_map) -> bool:
    """Whether the platform's layers are shifted to GCJ-02 for display over this base map (None: no base map)."""
    return base_map is not None and base_map.crs == GCJ02


def base_map_source(base_map) -> dict | None:
    """The MapLibre raster source of the base map, or None."""
    if base_map is None:
        return None
    return {
        "type": "raster",
        "tiles": [tile_template(base_map.url)],
        "tileSize": 256,
        "minzoom": base_map.min_zoom,
        "maxzoom": base_map.max_zoom,
        "attribution": base_map.attribution,
    }


# --- display shift --------------------------------------------------------------------------------------


def display_shape(shape, *, shift: bool):
    """The lon/lat shape as drawn: shifted to GCJ-02 over a GCJ-02 base map, else unchanged."""
    return geo.shift_geometry_to_gcj02(shape, srid=geo.CGCS2000) if shift else shape


def display_point(lon: float, lat: float, *, shift: bool) -> list[float]:
    """The lon/lat point as drawn, to 7 decimals (about 1 cm)."""
    x, y = geo.wgs84_to_gcj02(lon, lat) if shift else (lon, lat)
    return [round(x, 7), round(y, 7)]


def display_bbox(shape, *, shift: bool) -> list[float]:
    """The box [west, south, east, north] around the lon/lat shape as drawn."""
    return [round(v, 7) for v in display_shape(shapely.box(*shape.bounds), shift=shift).bounds]


def shifted_collection(collection: dict, *, shift: bool) -> dict:
    """A GeoJSON FeatureCollection of lon/lat geometries as drawn: shifted for display when asked (bbox
    included), its points to 7 decimals."""
    for feature in collection["features"]:
        geometry = feature["geometry"]
        if geometry["type"] == "Point":
            geometry["coordinates"] = display_point(*geometry["coordinates"], shift=shift)
        elif shift:
            shape = shapely.from_geojson(json.dumps(geometry))
            feature["geometry"] = json.loads(shapely.to_geojson(display_shape(shape, shift=True)))
    if shift and collection.get("bbox"):
        collection["bbox"] = display_bbox(shapely.box(*collection["bbox"]), shift=True)
    return collection
