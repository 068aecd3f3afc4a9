"""The one map's layers besides the parcel tiles: enterprise and project points, the search box, and the base
map in force with the GCJ-02 display shift it implies. Read-side, restricted to the user; the base map's
writes go through ``save_base_map`` / ``delete_base_map``."""

from __future__ import annotations

import datetime as dt
import json
import re

import shapely
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from yuanqu.analytics import geo
from yuanqu.core.access import is_city_admin, zone_descendants
from yuanqu.enterprises.models import Enterprise
from yuanqu.land.models import BaseMap, EnterpriseLand, Parcel
from yuanqu.land.tiles import latest_grades

GRADE_COLOURS = {"A": "#2e7d32", "B": "#4285f4", "C": "#fbc02d", "D": "#d32f2f", "T": "#909090"}
"""Fill colour of each evaluation grade (those of the evaluation bulletin's charts)."""
NO_VALUE_COLOUR = "#d2d2d2"
"""Fill of a parcel with no grade or no project."""
STAGE_COLOURS = {
    "lead": "#c6dbef",
    "negotiating": "#9ecae1",
    "signed": "#6baed6",
    "registered": "#4292c6",
    "land_supplied": "#fdae6b",
    "started": "#f16913",
    "completed": "#a1d99b",
    "in_production": "#41ab5d",
    "at_capacity": "#006d2c",
    "dropped": "#636363",
}
"""Fill colour of each project stage: blues before land, oranges while building, greens once producing."""
SEARCH_LIMIT = 10

# --- base map -------------------------------------------------------------------------------------------

_WMTS_PLACEHOLDERS = {"{TileMatrix}": "{z}", "{TileCol}": "{x}", "{TileRow}": "{y}"}


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


def active_base_map() -> BaseMap | None:
    """The base map in force, or None: no base map, the platform's own layers only (works offline)."""
    return BaseMap.objects.filter(active=True).first()


def shift_for(base_map: BaseMap | None) -> bool:
    """Whether the platform's layers are shifted to GCJ-02 for display over this base map."""
    return base_map is not None and base_map.crs == BaseMap.Crs.GCJ02


def base_map_source(base_map: BaseMap | None) -> dict | None:
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


@transaction.atomic
def save_base_map(*, base_map: BaseMap, user) -> BaseMap:
    """Validate and save a base map (city administrators only); an active one deactivates the others."""
    if not is_city_admin(user):
        raise PermissionDenied("只有市级管理员可以配置底图 / only a city administrator may configure base maps")
    if base_map.active:
        # One by one, so that each deactivation is change-logged; rolled back if this one is invalid.
        for other in BaseMap.objects.select_for_update().filter(active=True).exclude(pk=base_map.pk):
            other.active = False
            other.save()
    base_map.full_clean()
    base_map.save()
    return base_map


def delete_base_map(*, base_map: BaseMap, user) -> None:
    """Delete a base map (city administrators only); without an active one the map has no base map."""
    if not is_city_admin(user):
        raise PermissionDenied("只有市级管理员可以配置底图 / only a city administrator may configure base maps")
    base_map.delete()


# --- display shift --------------------------------------------------------------------------------------


def display_shape(shape, *, shift: bool):
    """The lon/lat shape as drawn: shifted to GCJ-02 over a GCJ-02 base map, else unchanged."""
    return geo.shift_geometry_to_gcj02(shape, srid=geo.CGCS2000) if shift else shape


def display_point(lon: float, lat: float, *, shift: bool) -> list[float]:
    x, y = geo.wgs84_to_gcj02(lon, lat) if shift else (lon, lat)
    return [round(x, 7), round(y, 7)]


def _bbox(shape, *, shift: bool) -> list[float]:
    return [round(v, 7) for v in display_shape(shapely.box(*shape.bounds), shift=shift).bounds]


def _feature(pk: int, properties: dict, lonlat: list[float]) -> dict:
    return {"type": "Feature", "id": pk, "properties": properties, "geometry": {"type": "Point", "coordinates": lonlat}}


def parcel_extent(*, user, zone_ids=None, shift: bool = False) -> list[float] | None:
    """The box [west, south, east, north] around the parcels the user may see (the map's first view)."""
    from django.db.models import Max, Min

    parcels = _zone_filter(Parcel.objects.restrict(user), zone_ids).exclude(min_lon=None)
    box = parcels.aggregate(Min("min_lon"), Min("min_lat"), Max("max_lon"), Max("max_lat"))
    values = [box["min_lon__min"], box["min_lat__min"], box["max_lon__max"], box["max_lat__max"]]
    if any(v is None for v in values):
        return None
    return _bbox(shapely.box(*values), shift=shift)


def zone_extents(*, user, zone_ids=None, shift: bool = False) -> list[list[float]]:
    """The box [west, south, east, north] around each zone's parcels the user may see, one per zone with
    parcels (where the map zooms to when the first view is too far out to draw the parcels)."""
    from django.db.models import Max, Min

    parcels = _zone_filter(Parcel.objects.restrict(user), zone_ids).exclude(min_lon=None)
    rows = (
        parcels.values("zone_id")
        .annotate(Min("min_lon"), Min("min_lat"), Max("max_lon"), Max("max_lat"))
        .order_by("zone_id")
    )
    return [
        _bbox(shapely.box(r["min_lon__min"], r["min_lat__min"], r["max_lon__max"], r["max_lat__max"]), shift=shift)
        for r in rows
    ]


# --- enterprises and projects ---------------------------------------------------------------------------


def _shapes(parcel_ids) -> dict[int, object]:
    rows = Parcel.objects.filter(pk__in=parcel_ids).exclude(geometry_lonlat=None).values_list("pk", "geometry_lonlat")
    return {pk: shapely.from_wkb(bytes(wkb)) for pk, wkb in rows if wkb}


def enterprise_locations(*, user, enterprises, as_of: dt.date | None = None) -> dict[int, tuple[int, object]]:
    """Enterprise id → (parcel id, polygon) of the largest parcel it uses as of the date (today by default),
    among the parcels the user may see that have a polygon."""
    as_of = as_of or timezone.localdate()
    uses = (
        EnterpriseLand.objects.restrict(user)
        .filter(enterprise__in=enterprises, parcel__in=Parcel.objects.restrict(user).exclude(geometry_lonlat=None))
        .exclude(start_on__gt=as_of)
        .exclude(end_on__lt=as_of)
        .order_by("enterprise_id", "-area_mu", "parcel_id")
        .values_list("enterprise_id", "parcel_id")
    )
    largest: dict[int, int] = {}
    for enterprise_id, parcel_id in uses:
        largest.setdefault(enterprise_id, parcel_id)
    shapes = _shapes(set(largest.values()))
    return {e: (p, shapes[p]) for e, p in largest.items() if p in shapes and not shapes[p].is_empty}


def _zone_filter(queryset, zone_ids, lookup: str = "zone_id__in"):
    return queryset if zone_ids is None else queryset.filter(**{lookup: zone_descendants(zone_ids)})


def enterprise_geojson(*, user, zone_ids=None, shift: bool = False, as_of: dt.date | None = None) -> dict:
    """The enterprises the user may see as points at the centroid of their largest parcel, with name, USCC,
    zone, grade and page; ``unmapped`` counts those without a parcel with a polygon."""
    enterprises = _zone_filter(Enterprise.objects.restrict(user), zone_ids)
    rows = list(enterprises.values_list("pk", "name", "uscc", "zone__name", "zone__short_name"))
    located = enterprise_locations(user=user, enterprises=enterprises, as_of=as_of)
    grades = latest_grades(user=user, enterprise_ids=[r[0] for r in rows])
    detail = reverse("enterprises:enterprise-detail", args=[0]).replace("/0/", "/{}/")
    features = []
    for pk, name, uscc, zone_name, short_name in rows:
        if pk not in located:
            continue
        parcel_id, shape = located[pk]
        centre = shape.centroid
        properties = {
            "id": pk,
            "name": name,
            "uscc": uscc,
            "zone": short_name or zone_name,
            "grade": grades.get(pk, ""),
            "parcel_id": parcel_id,
            "url": detail.format(pk),
        }
        features.append(_feature(pk, properties, display_point(centre.x, centre.y, shift=shift)))
    return {"type": "FeatureCollection", "features": features, "unmapped": len(rows) - len(features)}


def project_geojson(*, user, zone_ids=None, shift: bool = False) -> dict:
    """The projects the user may see as points at the centroid of their parcel, with name, stage, zone and
    page; ``unmapped`` counts the projects without a parcel (or whose parcel has no polygon)."""
    from yuanqu.projects.models import Project, Stage

    projects = _zone_filter(Project.objects.restrict(user), zone_ids)
    rows = list(projects.values_list("pk", "name", "stage", "parcel_id", "zone__name", "zone__short_name"))
    visible_parcels = Parcel.objects.restrict(user).filter(pk__in={r[3] for r in rows if r[3]})
    shapes = _shapes(visible_parcels.values("pk"))
    labels = dict(Stage.choices)
    detail = reverse("projects:project-detail", args=[0]).replace("/0/", "/{}/")
    features = []
    for pk, name, stage, parcel_id, zone_name, short_name in rows:
        shape = shapes.get(parcel_id)
        if shape is None or shape.is_empty:
            continue
        centre = shape.centroid
        properties = {
            "id": pk,
            "name": name,
            "stage": stage,
            "stage_label": str(labels.get(stage, stage)),
            "zone": short_name or zone_name,
            "parcel_id": parcel_id,
            "url": detail.format(pk),
        }
        features.append(_feature(pk, properties, display_point(centre.x, centre.y, shift=shift)))
    return {"type": "FeatureCollection", "features": features, "unmapped": len(rows) - len(features)}


# --- search ---------------------------------------------------------------------------------------------


def search(*, user, term: str, zone_ids=None, shift: bool = False, limit: int = SEARCH_LIMIT) -> list[dict]:
    """Parcels whose code contains the term and enterprises whose name contains it or whose USCC is it (or
    starts with it), among what the user may see: at most ``limit``, exact matches first, each with where it
    is on the map (``center`` and ``bbox``, None when it has no polygon) and its page."""
    term = (term or "").strip()
    if not term:
        return []
    parcels = _zone_filter(Parcel.objects.restrict(user), zone_ids).filter(code__icontains=term)
    parcel_rows = list(
        parcels.order_by("code").values_list("pk", "code", "zone__name", "zone__short_name", "geometry_lonlat")[
            : limit * 2
        ]
    )
    enterprises = _zone_filter(Enterprise.objects.restrict(user), zone_ids).filter(
        Q(name__icontains=term) | Q(uscc__istartswith=term)
    )
    enterprise_rows = list(enterprises.order_by("name").values_list("pk", "name", "uscc")[: limit * 2])
    located = enterprise_locations(user=user, enterprises=enterprises.filter(pk__in=[r[0] for r in enterprise_rows]))
    grades = latest_grades(user=user, enterprise_ids=[r[0] for r in enterprise_rows])
    parcel_page = reverse("land:parcel-detail", args=[0]).replace("/0/", "/{}/")
    enterprise_page = reverse("enterprises:enterprise-detail", args=[0]).replace("/0/", "/{}/")
    lowered = term.lower()
    results = []
    for pk, code, zone_name, short_name, wkb in parcel_rows:
        shape = shapely.from_wkb(bytes(wkb)) if wkb else None
        results.append(
            {
                "kind": "parcel",
                "id": pk,
                "parcel_id": pk,
                "label": code,
                "detail": short_name or zone_name,
                "url": parcel_page.format(pk),
                **_where(shape, shift=shift),
                "_exact": code.lower() == lowered,
            }
        )
    for pk, name, uscc in enterprise_rows:
        parcel_id, shape = located.get(pk, (None, None))
        results.append(
            {
                "kind": "enterprise",
                "id": pk,
                "parcel_id": parcel_id,
                "label": name,
                "detail": uscc,
                "grade": grades.get(pk, ""),
                "url": enterprise_page.format(pk),
                **_where(shape, shift=shift),
                "_exact": name.lower() == lowered or uscc.lower() == lowered,
            }
        )
    results.sort(key=lambda r: not r["_exact"])  # stable: exact matches first, then parcels, then enterprises
    for result in results:
        del result["_exact"]
    return results[:limit]


def _where(shape, *, shift: bool) -> dict:
    if shape is None or shape.is_empty:
        return {"center": None, "bbox": None}
    centre = shape.centroid
    return {"center": display_point(centre.x, centre.y, shift=shift), "bbox": _bbox(shape, shift=shift)}


def shifted_collection(collection: dict, *, shift: bool) -> dict:
    """A GeoJSON FeatureCollection of lon/lat geometries, shifted for display when asked (bbox included)."""
    if not shift:
        return collection
    for feature in collection["features"]:
        shape = shapely.from_geojson(json.dumps(feature["geometry"]))
        feature["geometry"] = json.loads(shapely.to_geojson(display_shape(shape, shift=True)))
    if collection.get("bbox"):
        collection["bbox"] = _bbox(shapely.box(*collection["bbox"]), shift=True)
    return collection
