"""Factories for tests and benchmarks: zones, users, enterprises, parcels with valid codes and polygons."""

from __future__ import annotations

import itertools
from decimal import Decimal

import shapely
from stdnum.cn import uscc as stdnum_uscc

from yuanqu.accounts.models import User
from yuanqu.core.access import Role
from yuanqu.enterprises.models import Enterprise, EnterpriseYear
from yuanqu.land.models import Parcel
from yuanqu.land.services import set_geometry
from yuanqu.zones.models import Zone

_counter = itertools.count(1)
ORG_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
PASSWORD = "yuanqu-test-pw"


def make_uscc(n: int, *, region: str = "320500") -> str:
    """A valid 18-character credit code, different for every n (enterprise legal person, region given)."""
    body = ""
    for _ in range(9):
        n, digit = divmod(n, len(ORG_ALPHABET))
        body = ORG_ALPHABET[digit] + body
    first17 = "91" + region + body
    return first17 + stdnum_uscc.calc_check_digit(first17 + "0")


def make_zone(name: str | None = None, *, code: str | None = None, parent: Zone | None = None, **fields) -> Zone:
    n = next(_counter)
    return Zone.objects.create(
        name=name or f"测试园区{n}",
        code=code if code is not None else f"Z{n:04d}",
        parent=parent,
        **fields,
    )


def make_user(username: str, role: str = Role.ZONE_STAFF, zones=(), **fields) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, role=role, **fields)
    if zones:
        user.zones.set(zones)
    return user


def make_enterprise(zone: Zone, name: str | None = None, **fields) -> Enterprise:
    n = next(_counter)
    fields.setdefault("industry_code", "3981")
    fields.setdefault("industry_section", "C")
    fields.setdefault("industry_division", "39")
    return Enterprise.objects.create(
        uscc=fields.pop("uscc", make_uscc(n)), name=name or f"测试企业{n}", zone=zone, **fields
    )


def make_enterprise_year(enterprise: Enterprise, year: int = 2024, **fields) -> EnterpriseYear:
    defaults = {"above_scale": True, "land_mu": Decimal("50"), "tax": Decimal("1200"), "revenue": Decimal("30000")}
    defaults.update(fields)
    return EnterpriseYear.objects.create(enterprise=enterprise, year=year, **defaults)


def square(x: float, y: float, side: float):
    """An axis-aligned square polygon with its lower-left corner at (x, y)."""
    return shapely.box(x, y, x + side, y + side)


def make_parcel(zone: Zone, code: str | None = None, *, geometry=None, srid: int = 4549, **fields) -> Parcel:
    """A parcel; by default a 100 m square (15 mu) near Suzhou in CGCS2000 / 3-degree GK CM 120E."""
    n = next(_counter)
    parcel = Parcel(zone=zone, code=code or f"P{n:05d}", **fields)
    if geometry is None:
        geometry = square(500000 + (n % 100) * 200, 3460000 + (n // 100) * 200, 100)
    set_geometry(parcel, geometry, srid)
    parcel.save()
    return parcel
