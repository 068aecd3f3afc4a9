"""Read-side queries for zone pages: the zone hierarchy in display order and the figures other apps give per
zone (``yuanqu.core.registry.zone_columns``: enterprises, parcels, …)."""

from __future__ import annotations

from dataclasses import dataclass, field

from yuanqu.core.access import zone_descendants
from yuanqu.core.registry import ZoneColumn, zone_columns
from yuanqu.zones.models import Zone


@dataclass
class ZoneRow:
    """A zone placed in the tree (depth 0 = top level among the zones shown) with its own figures: (column,
    value) in the columns' order."""

    zone: Zone
    depth: int = 0
    figures: list = field(default_factory=list)


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


def zone_list_columns() -> list[ZoneColumn]:
    """The figures the zone pages show, in order."""
    return [column for column in zone_columns if column.in_zone_list]


def figure_rows(*, user, ordered: list[tuple[Zone, int]], columns: list[ZoneColumn]) -> list[ZoneRow]:
    """The zones in tree order, each with its own value of every column (None where it has none)."""
    ids = [zone.pk for zone, _depth in ordered]
    values = [column.values(user=user, zone_ids=ids) for column in columns]
    return [
        ZoneRow(
            zone=zone, depth=depth, figures=[(c, found.get(zone.pk)) for c, found in zip(columns, values, strict=True)]
        )
        for zone, depth in ordered
    ]


def zone_rows(*, user, zones) -> list[ZoneRow]:
    """These zones (filtered from those the user may see) in tree order with their own figures."""
    ordered = tree_order(zones.order_by("code", "name"))
    return figure_rows(user=user, ordered=ordered, columns=zone_list_columns())


def zone_totals(*, zone: Zone, user) -> list[tuple[ZoneColumn, object]]:
    """Each column's figure for the zone together with its sub-parks (一区多园: a zone's figures include its
    parks)."""
    ids = sorted(zone_descendants([zone.pk]))
    return [(column, column.total(user=user, zone_ids=ids)) for column in zone_list_columns()]


def zone_rows_under(*, zone: Zone, user) -> list[ZoneRow]:
    """The zone's sub-parks at every depth (depth 0 = direct sub-parks), with their own figures."""
    ids = zone_descendants([zone.pk]) - {zone.pk}
    zones = Zone.objects.restrict(user).filter(pk__in=ids).order_by("code", "name")
    return figure_rows(user=user, ordered=tree_order(zones), columns=zone_list_columns())
