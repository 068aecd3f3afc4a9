"""Read-side queries for zone pages: the zone hierarchy in display order and each zone's counts."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Sum

from yuanqu.core.access import zone_descendants
from yuanqu.zones.models import Zone


@dataclass
class ZoneRow:
    """A zone placed in the tree (depth 0 = top level among the zones shown) with its own counts."""

    zone: Zone
    depth: int = 0
    enterprises: int = 0
    parcels: int = 0
    parcel_mu: Decimal = Decimal(0)


def tree_order(zones) -> list[tuple[Zone, int]]:
    """Zones with their depth, each parent followed by its sub-parks.

    A zone whose parent is not among ``zones`` (filtered out, or not visible to the user) is shown at
    the top level, so a filter never hides a match.
    """
    zones = list(zones)
    present = {z.pk for z in zones}
    children: dict[int | None, list[Zone]] = {}
    for zone in zones:
        parent = zone.parent_id if zone.parent_id in present else None
        children.setdefault(parent, []).append(zone)
    ordered: list[tuple[Zone, int]] = []
    seen: set[int] = set()

    def walk(parent_id, depth):
        for zone in children.get(parent_id, ()):
            if zone.pk in seen:
                continue
            seen.add(zone.pk)
            ordered.append((zone, depth))
            walk(zone.pk, depth + 1)

    walk(None, 0)
    # A cycle in bad data would leave zones unvisited; show them rather than lose them.
    ordered.extend((zone, 0) for zone in zones if zone.pk not in seen)
    return ordered


def own_counts(zone_ids) -> dict[int, dict]:
    """Per zone id: enterprises, parcels and parcel area in mu registered directly in that zone."""
    from yuanqu.enterprises.models import Enterprise
    from yuanqu.land.models import Parcel

    counts: dict[int, dict] = {pk: {"enterprises": 0, "parcels": 0, "parcel_mu": Decimal(0)} for pk in zone_ids}
    for row in Enterprise.objects.filter(zone_id__in=zone_ids).values("zone_id").annotate(n=Count("pk")):
        counts[row["zone_id"]]["enterprises"] = row["n"]
    parcel_rows = (
        Parcel.objects.filter(zone_id__in=zone_ids).values("zone_id").annotate(n=Count("pk"), mu=Sum("area_mu"))
    )
    for row in parcel_rows:
        counts[row["zone_id"]]["parcels"] = row["n"]
        counts[row["zone_id"]]["parcel_mu"] = row["mu"] or Decimal(0)
    return counts


def zone_rows(*, user, level: str = "", kind: str = "") -> list[ZoneRow]:
    """The zones the user may see, filtered by level and kind, in tree order with their own counts."""
    zones = Zone.objects.restrict(user)
    if level:
        zones = zones.filter(level=level)
    if kind:
        zones = zones.filter(kind=kind)
    ordered = tree_order(zones.order_by("code", "name"))
    counts = own_counts([z.pk for z, _depth in ordered])
    return [ZoneRow(zone=z, depth=depth, **counts[z.pk]) for z, depth in ordered]


def zone_totals(*, zone: Zone, user) -> dict:
    """Counts of a zone together with its visible sub-parks (一区多园: a zone's figures include its parks)."""
    from yuanqu.enterprises.models import Enterprise
    from yuanqu.land.models import Parcel

    ids = zone_descendants([zone.pk])
    parcels = Parcel.objects.restrict(user).filter(zone_id__in=ids).aggregate(n=Count("pk"), mu=Sum("area_mu"))
    return {
        "enterprises": Enterprise.objects.restrict(user).filter(zone_id__in=ids).count(),
        "parcels": parcels["n"],
        "parcel_mu": parcels["mu"] or Decimal(0),
    }


def zone_rows_under(*, zone: Zone, user) -> list[ZoneRow]:
    """The zone's sub-parks at every depth (depth 0 = direct sub-parks), with their own counts."""
    ids = zone_descendants([zone.pk]) - {zone.pk}
    zones = Zone.objects.restrict(user).filter(pk__in=ids).order_by("code", "name")
    ordered = tree_order(zones)
    counts = own_counts([z.pk for z, _depth in ordered])
    return [ZoneRow(zone=z, depth=depth, **counts[z.pk]) for z, depth in ordered]
