"""Read-side queries for parcel pages and the map's land layers, restricted to the user's zones (the land
statuses: yuanqu.land.status)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import shapely
from django.db.models import Count, Prefetch, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone

from yuanqu.core.access import can_see_zone, zone_descendants
from yuanqu.enterprises.models import Enterprise
from yuanqu.land.models import EnterpriseLand, Parcel
from yuanqu.land.services import parcel_shape
from yuanqu.zones.models import Zone


def parcel_rows(*, user, ids: list[int]) -> list[Parcel]:
    """The parcels with these ids, in this order, with their zone and the enterprises (visible to the user)
    that use them: two queries whatever the number of ids, and no polygons loaded."""
    uses = EnterpriseLand.objects.restrict(user).select_related("enterprise").order_by("enterprise__name")
    qs = (
        Parcel.objects.restrict(user)
        .filter(pk__in=ids)
        .select_related("zone")
        .only("zone", "code", "land_use", "area_mu", "supplied_on", "started_on", "zone__name", "zone__short_name")
        .prefetch_related(Prefetch("enterprise_uses", queryset=uses, to_attr="visible_uses"))
    )
    by_id = {parcel.pk: parcel for parcel in qs}
    return [by_id[pk] for pk in ids if pk in by_id]


def parcel_users(*, parcel: Parcel, user) -> QuerySet[EnterpriseLand]:
    """Who uses the parcel (own or rented), among the enterprises the user may see."""
    return (
        EnterpriseLand.objects.restrict(user)
        .filter(parcel=parcel)
        .select_related("enterprise")
        .order_by("start_on", "pk")
    )


def parcel_geojson(parcel: Parcel) -> dict | None:
    """The parcel's polygon in EPSG:4490 as a GeoJSON Feature, for the page's map; None without one."""
    shape = parcel_shape(parcel)
    if shape is None or shape.is_empty:
        return None
    minx, miny, maxx, maxy = shape.bounds
    return {
        "type": "Feature",
        "properties": {"code": parcel.code},
        "geometry": json.loads(shapely.to_geojson(shape)),
        "bbox": [minx, miny, maxx, maxy],
    }


# --- figures per zone (the zone pages and the home page, through yuanqu.core.registry.zone_columns) ------------


def _parcels_in(*, user, zone_ids):
    return Parcel.objects.restrict(user).filter(zone_id__in=zone_ids)


def parcel_counts(*, user, zone_ids) -> dict[int, int]:
    """Zone id → parcels registered directly in that zone."""
    rows = _parcels_in(user=user, zone_ids=zone_ids).values("zone_id").annotate(n=Count("pk"))
    return {row["zone_id"]: row["n"] for row in rows}


def parcel_total(*, user, zone_ids) -> int:
    return _parcels_in(user=user, zone_ids=zone_ids).count()


def parcel_areas(*, user, zone_ids) -> dict[int, Decimal]:
    """Zone id → the area in mu of the parcels registered directly in that zone."""
    rows = _parcels_in(user=user, zone_ids=zone_ids).values("zone_id").annotate(mu=Sum("area_mu"))
    return {row["zone_id"]: row["mu"] or Decimal(0) for row in rows}


def parcel_area_total(*, user, zone_ids) -> Decimal:
    return _parcels_in(user=user, zone_ids=zone_ids).aggregate(mu=Sum("area_mu"))["mu"] or Decimal(0)


def land_used(*, enterprise, user) -> list[EnterpriseLand]:
    """The parcels the enterprise uses, each marked ``parcel_visible`` when the user may open that parcel.

    A parcel may lie in another zone than its user's enterprise; its code is then not shown.
    """
    rows = list(enterprise.land.select_related("parcel").order_by("start_on", "pk"))
    for row in rows:
        row.parcel_visible = can_see_zone(user, row.parcel.zone_id)
    return rows


# --- the map's land layers (yuanqu.core.registry.map_layers) ----------------------------------------------------


def zone_filter(queryset, zone_ids, lookup: str = "zone_id__in"):
    """The queryset narrowed to these zones with their sub-parks (None: unchanged)."""
    return queryset if zone_ids is None else queryset.filter(**{lookup: zone_descendants(zone_ids)})


def parcels_with_code(*, user, term: str, zone_ids=None) -> QuerySet[Parcel]:
    """The parcels the user may see (in these zones with their sub-parks) whose code contains the term: what the
    map's search finds."""
    return zone_filter(Parcel.objects.restrict(user), zone_ids).filter(code__icontains=term)


def parcel_shapes(parcel_ids) -> dict[int, object]:
    """Parcel id → its EPSG:4490 polygon, for the parcels (ids or a queryset of ids) that have one."""
    rows = Parcel.objects.filter(pk__in=parcel_ids).exclude(geometry_lonlat=None).values_list("pk", "geometry_lonlat")
    return {pk: shapely.from_wkb(bytes(wkb)) for pk, wkb in rows if wkb}


def main_enterprises(*, user, parcels, as_of: dt.date) -> dict[int, tuple[int, str]]:
    """Parcel id → (id, name) of the enterprise using it on the date: the one using the largest area, the
    lowest enterprise id among equals."""
    uses = (
        EnterpriseLand.objects.restrict(user)
        .filter(parcel_id__in=parcels.values("pk"))
        .exclude(start_on__gt=as_of)
        .exclude(end_on__lt=as_of)
        .values_list("parcel_id", "enterprise_id", "enterprise__name", "area_mu")
    )
    best: dict[int, tuple] = {}
    for parcel_id, enterprise_id, name, area in uses:
        rank = (-(area or 0), enterprise_id)
        if parcel_id not in best or rank < best[parcel_id][0]:
            best[parcel_id] = (rank, enterprise_id, name)
    return {parcel_id: (enterprise_id, name) for parcel_id, (_rank, enterprise_id, name) in best.items()}


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
    shapes = parcel_shapes(set(largest.values()))
    return {e: (p, shapes[p]) for e, p in largest.items() if p in shapes and not shapes[p].is_empty}


def enterprise_geojson(*, user, zone_ids=None, as_of: dt.date | None = None) -> dict:
    """The enterprises the user may see as lon/lat points at the centroid of their largest parcel, with name,
    USCC, zone, parcel and page; ``unmapped`` counts those without a parcel with a polygon."""
    enterprises = zone_filter(Enterprise.objects.restrict(user), zone_ids)
    rows = list(enterprises.values_list("pk", "name", "uscc", "zone__name", "zone__short_name"))
    located = enterprise_locations(user=user, enterprises=enterprises, as_of=as_of)
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
            "parcel_id": parcel_id,
            "url": detail.format(pk),
        }
        features.append(point_feature(pk, properties, centre.x, centre.y))
    return {"type": "FeatureCollection", "features": features, "unmapped": len(rows) - len(features)}


def point_feature(pk: int, properties: dict, lon: float, lat: float) -> dict:
    """A GeoJSON point feature."""
    return {
        "type": "Feature",
        "id": pk,
        "properties": properties,
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
    }


def zone_geojson(*, user, zone_ids=None) -> dict:
    """The boundaries of the zones and sub-parks the user may see (those that have one) as GeoJSON, EPSG:4490."""
    zones = zone_filter(Zone.objects.restrict(user).exclude(boundary=None), zone_ids, "pk__in")
    detail = reverse("zones:zone-detail", args=[0]).replace("/0/", "/{}/")
    features = []
    for pk, name, short_name, parent_id, wkb in zones.values_list("pk", "name", "short_name", "parent_id", "boundary"):
        if not wkb:
            continue
        shape = shapely.set_precision(shapely.from_wkb(bytes(wkb)), 1e-7)
        if shape.is_empty:
            continue
        features.append(
            {
                "type": "Feature",
                "id": pk,
                "properties": {
                    "id": pk,
                    "name": short_name or name,
                    "sub_park": parent_id is not None,
                    "url": detail.format(pk),
                },
                "geometry": json.loads(shapely.to_geojson(shape)),
            }
        )
    return {"type": "FeatureCollection", "features": features}
