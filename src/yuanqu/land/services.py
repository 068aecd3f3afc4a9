"""Creating and changing parcels, the land enterprises use and the land rules; a parcel's polygon sets its lon/lat
copy, bounding box and area. The caller owns the transaction."""

from __future__ import annotations

from decimal import Decimal

import shapely
from django.core.exceptions import PermissionDenied, ValidationError

from yuanqu.analytics import geo
from yuanqu.analytics.land_status import LandRules, LandRulesError
from yuanqu.core.access import is_city_admin
from yuanqu.core.services import check_can_edit, delete_object, original_zone, save_object
from yuanqu.land.models import EnterpriseLand, LandRuleSet, Parcel, lat_band


def set_geometry(parcel: Parcel, geometry, srid: int) -> Parcel:
    """Store a polygon in its source CRS, with its EPSG:4490 copy, bounding box and area in mu."""
    if geometry is None:
        parcel.geometry = parcel.geometry_lonlat = None
        parcel.source_srid = None
        parcel.min_lon = parcel.min_lat = parcel.max_lon = parcel.max_lat = parcel.lat_band = None
        return parcel
    lonlat = geo.to_lonlat(geometry, srid)
    parcel.geometry = shapely.to_wkb(geometry)
    parcel.source_srid = srid
    parcel.geometry_lonlat = shapely.to_wkb(lonlat)
    parcel.min_lon, parcel.min_lat, parcel.max_lon, parcel.max_lat = (float(v) for v in lonlat.bounds)
    parcel.lat_band = lat_band(parcel.min_lat)
    parcel.area_mu = Decimal(f"{geo.area_mu(geometry, srid):.4f}")
    return parcel


def parcel_shape(parcel: Parcel, *, lonlat: bool = True):
    """The parcel's polygon as a shapely geometry (EPSG:4490 by default), or None."""
    raw = parcel.geometry_lonlat if lonlat else parcel.geometry
    return shapely.from_wkb(bytes(raw)) if raw else None


def save_parcel(*, parcel: Parcel, user, geometry=None, srid: int | None = None) -> Parcel:
    """Validate and save a parcel; a new geometry (with its EPSG code) replaces the old one."""
    if geometry is not None:
        set_geometry(parcel, geometry, srid)
    return save_object(parcel, user=user, original_zone_id=original_zone(parcel))


def delete_parcel(*, parcel: Parcel, user) -> None:
    """Delete a parcel no enterprise uses."""
    delete_object(parcel, user=user)


def save_enterprise_land(*, enterprise_land: EnterpriseLand, user) -> EnterpriseLand:
    """Validate and save an enterprise's use of a parcel; the parcel must lie in a zone the user may edit."""
    if enterprise_land.parcel_id is not None:
        check_can_edit(user=user, obj=enterprise_land.parcel)
    return save_object(enterprise_land, user=user, original_zone_id=original_zone(enterprise_land))


def delete_enterprise_land(*, enterprise_land: EnterpriseLand, user) -> None:
    delete_object(enterprise_land, user=user)


def validate_rules(data) -> LandRules:
    """The rules a dict describes; ValidationError listing every problem (Chinese / English)."""
    if not isinstance(data, dict):
        raise ValidationError("规则必须是 JSON 对象 / the rules must be a JSON object")
    try:
        return LandRules.from_dict(data)
    except LandRulesError as exc:
        raise ValidationError(exc.problems) from None
    except TypeError as exc:
        raise ValidationError(f"规则无效 / invalid rules: {exc}") from None


def save_rules(*, rules: dict, user) -> LandRuleSet:
    """Store the rules as the active rule set (one row, updated in place; the change log keeps the history).
    Locks the active row: call it inside the caller's transaction."""
    if not is_city_admin(user):
        raise PermissionDenied(
            "只有市级管理员可以修改土地认定规则 / only a city administrator may change the land rules"
        )
    parsed = validate_rules(rules)
    row = LandRuleSet.objects.select_for_update().filter(active=True).first() or LandRuleSet(active=True)
    row.rules = parsed.to_dict()
    row.save()
    return row
