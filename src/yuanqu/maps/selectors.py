"""Read-side queries of the one map, restricted to the user: the base map in force, where the map first looks,
the layers the apps registered (yuanqu.core.registry.map_layers) with their features, and the search box."""

from __future__ import annotations

import datetime as dt

import shapely
from django.db.models import Max, Min
from django.urls import reverse

from yuanqu.core.registry import MapLayer, map_layers, map_properties
from yuanqu.enterprises.selectors import matching
from yuanqu.land.models import Parcel
from yuanqu.land.selectors import enterprise_locations, parcels_with_code, zone_filter
from yuanqu.maps.basemaps import display_bbox, display_point, shifted_collection
from yuanqu.maps.models import BaseMap

SEARCH_LIMIT = 10
ENTERPRISES = "enterprises"
"""The points layer whose dots the search's enterprises open the popup of."""


def active_base_map() -> BaseMap | None:
    """The base map in force, or None: no base map, the platform's own layers only (works offline)."""
    return BaseMap.objects.filter(active=True).first()


# --- the first view -------------------------------------------------------------------------------------


def parcel_extent(*, user, zone_ids=None, shift: bool = False) -> list[float] | None:
    """The box [west, south, east, north] around the parcels the user may see (the map's first view)."""
    parcels = zone_filter(Parcel.objects.restrict(user), zone_ids).exclude(min_lon=None)
    box = parcels.aggregate(Min("min_lon"), Min("min_lat"), Max("max_lon"), Max("max_lat"))
    values = [box["min_lon__min"], box["min_lat__min"], box["max_lon__max"], box["max_lat__max"]]
    if any(v is None for v in values):
        return None
    return display_bbox(shapely.box(*values), shift=shift)


def zone_extents(*, user, zone_ids=None, shift: bool = False) -> list[list[float]]:
    """The box [west, south, east, north] around each zone's parcels the user may see, one per zone with
    parcels (where the map zooms to when the first view is too far out to draw the parcels)."""
    parcels = zone_filter(Parcel.objects.restrict(user), zone_ids).exclude(min_lon=None)
    rows = (
        parcels.values("zone_id")
        .annotate(Min("min_lon"), Min("min_lat"), Max("max_lon"), Max("max_lat"))
        .order_by("zone_id")
    )
    return [
        display_bbox(
            shapely.box(r["min_lon__min"], r["min_lat__min"], r["max_lon__max"], r["max_lat__max"]), shift=shift
        )
        for r in rows
    ]


# --- the registered layers ------------------------------------------------------------------------------


def colourings() -> list[MapLayer]:
    """The ways to colour the parcels, in order (the first is the map's own at first)."""
    return [layer for layer in map_layers if layer.kind == "colouring"]


def point_layers() -> list[MapLayer]:
    """The layers of points, in order."""
    return [layer for layer in map_layers if layer.kind == "points"]


def legends() -> dict[str, list[dict]]:
    """The legend of each way to colour the parcels: value, label and colour, "" (none) last."""
    return {layer.key: layer.legend() for layer in colourings()}


def _page_url(url_name: str) -> str:
    """The page of one object, with "{id}" for its id."""
    return reverse(url_name, args=[0]).replace("/0/", "/{id}/") if url_name else ""


def layer_config(*, layer_url) -> dict:
    """What the map's script needs of the registered layers to draw them: the colourings with their legends,
    the points layers with where to load them (``layer_url(key)``), their style and popups."""
    extras: dict[str, list] = {}
    for extra in map_properties:
        extras.setdefault(extra.layer, []).append({"property": extra.name, "label": str(extra.label)})
    return {
        "colourings": [
            {
                "key": layer.key,
                "label": str(layer.label),
                "property": layer.property,
                "popup_label": str(layer.popup_label),
                "qualifies": layer.qualifies,
            }
            for layer in colourings()
        ],
        "points": [
            {
                "key": layer.key,
                "label": str(layer.label),
                "url": layer_url(layer.key),
                "colour": layer.colour,
                "colour_by": layer.colour_by,
                "paint": layer.paint,
                "popup": [
                    *({"property": name, "label": str(label)} for name, label in layer.popup),
                    *extras.get(layer.key, []),
                ],
                "link_text": str(layer.link_text),
                "property": layer.property,
                "detail_url": _page_url(layer.detail_url),
                "unmapped_text": str(layer.unmapped_text),
            }
            for layer in point_layers()
        ],
    }


def add_properties(layer_key: str, features: list[dict], *, user) -> None:
    """Give the features of a points layer the properties other apps add to it (map_properties), by feature id;
    "" where an app has no value."""
    ids = [feature["properties"]["id"] for feature in features]
    for extra in map_properties:
        if extra.layer != layer_key:
            continue
        values = extra.values(user=user, ids=ids) if ids else {}
        for feature in features:
            feature["properties"][extra.name] = values.get(feature["properties"]["id"], "")


def point_layer(*, key: str, user, zone_ids=None, as_of: dt.date, shift: bool = False) -> dict:
    """The points of the registered points layer ``key`` for the user (in these zones with their sub-parks) as
    drawn: with the properties other apps add, shifted for display when asked."""
    collection = map_layers[key].geojson(user=user, zone_ids=zone_ids, as_of=as_of)
    add_properties(key, collection["features"], user=user)
    return shifted_collection(collection, shift=shift)


# --- search ---------------------------------------------------------------------------------------------


def search(*, user, term: str, zone_ids=None, shift: bool = False, limit: int = SEARCH_LIMIT) -> list[dict]:
    """Parcels whose code contains the term and enterprises whose name contains it or whose USCC is it (or
    starts with it), among what the user may see: at most ``limit``, exact matches first, each with where it
    is on the map (``center`` and ``bbox``, None when it has no polygon) and its page; an enterprise also with
    the ``properties`` its dot's popup shows (``layer``: the enterprises' points layer)."""
    term = (term or "").strip()
    if not term:
        return []
    parcels = parcels_with_code(user=user, term=term, zone_ids=zone_ids)
    parcel_rows = list(
        parcels.order_by("code").values_list("pk", "code", "zone__name", "zone__short_name", "geometry_lonlat")[
            : limit * 2
        ]
    )
    enterprises = matching(user=user, term=term, zone_ids=zone_ids)
    enterprise_rows = list(enterprises.order_by("name").values_list("pk", "name", "uscc")[: limit * 2])
    located = enterprise_locations(user=user, enterprises=enterprises.filter(pk__in=[r[0] for r in enterprise_rows]))
    parcel_page = reverse("land:parcel-detail", args=[0]).replace("/0/", "/{}/")
    enterprise_page = reverse("enterprises:enterprise-detail", args=[0]).replace("/0/", "/{}/")
    dots = [
        {"properties": {"id": pk, "name": name, "uscc": uscc, "zone": "", "url": enterprise_page.format(pk)}}
        for pk, name, uscc in enterprise_rows
    ]
    add_properties(ENTERPRISES, dots, user=user)
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
    for (pk, name, uscc), dot in zip(enterprise_rows, dots, strict=True):
        parcel_id, shape = located.get(pk, (None, None))
        properties = dot["properties"]
        results.append(
            {
                "kind": "enterprise",
                "id": pk,
                "parcel_id": parcel_id,
                "label": name,
                "detail": uscc,
                "grade": properties.get("grade", ""),
                "url": properties["url"],
                "layer": ENTERPRISES,
                "properties": properties,
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
    return {"center": display_point(centre.x, centre.y, shift=shift), "bbox": display_bbox(shape, shift=shift)}
