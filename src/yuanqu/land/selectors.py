"""Read-side queries for parcel pages, restricted to the user's zones."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import shapely
from django.db.models import Count, Prefetch, QuerySet, Sum
from django.utils import timezone

from yuanqu.core.access import can_see_zone, zone_descendants
from yuanqu.land.models import EnterpriseLand, Parcel
from yuanqu.land.services import parcel_shape
from yuanqu.zones.models import Zone


def parcel_list(
    *,
    user,
    zone: Zone | None = None,
    land_use: str = "",
    q: str = "",
    status: str = "",
    as_of: dt.date | None = None,
) -> QuerySet[Parcel]:
    """Parcels the user may see, filtered by zone (with its sub-parks), land use, code and land status as of a
    date (today by default), by zone and code.

    The order is the one of the unique (zone, code) index, so a page needs no sort. For a page of a
    long list, take the ids from this queryset and load the rows with ``parcel_rows``.
    """
    qs = Parcel.objects.restrict(user)
    if zone is not None:
        qs = qs.filter(zone_id__in=zone_descendants([zone.pk]))
    if land_use:
        qs = qs.filter(land_use=land_use)
    if q:
        qs = qs.filter(code__icontains=q.strip())
    if status:
        from yuanqu.land.ledger import filter_by_ids, ids_with_status

        zone_ids = [zone.pk] if zone is not None else None
        ids = ids_with_status(user=user, status=status, as_of=as_of or timezone.localdate(), zone_ids=zone_ids)
        qs = filter_by_ids(qs, ids)
    return qs.order_by("zone_id", "code")


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
