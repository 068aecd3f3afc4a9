"""Factories for tests and benchmarks: parcels with valid polygons."""

from __future__ import annotations

import shapely

from yuanqu.core.testing import next_number
from yuanqu.land.models import Parcel
from yuanqu.land.services import set_geometry


def square(x: float, y: float, side: float):
    """An axis-aligned square polygon with its lower-left corner at (x, y)."""
    return shapely.box(x, y, x + side, y + side)


def make_parcel(zone, code: str | None = None, *, geometry=None, srid: int = 4549, **fields) -> Parcel:
    """A parcel; by default a 100 m square (15 mu) near Suzhou in CGCS2000 / 3-degree GK CM 120E."""
    n = next_number()
    parcel = Parcel(zone=zone, code=code or f"P{n:05d}", **fields)
    if geometry is None:
        geometry = square(500000 + (n % 100) * 200, 3460000 + (n // 100) * 200, 100)
    set_geometry(parcel, geometry, srid)
    parcel.save()
    return parcel
