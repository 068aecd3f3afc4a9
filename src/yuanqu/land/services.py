"""Creating and changing parcels and the land enterprises use; a parcel's polygon sets its lon/lat copy, bounding box and area."""

from __future__ import annotations

from decimal import Decimal

import shapely

from yuanqu.analytics import geo
from yuanqu.core.services import check_can_edit, delete_object, original_zone, save_object
from yuanqu.land.models import EnterpriseLand, Parcel, lat_band


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
