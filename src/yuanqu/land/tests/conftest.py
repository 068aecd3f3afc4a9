"""A small land fixture: in zone A an idle parcel, a government-delayed one, an under-used one and a
revitalised one; in zone B one idle parcel that a user of zone A must never see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest

from yuanqu.enterprises.testing import make_enterprise, make_enterprise_year
from yuanqu.land.models import EnterpriseLand, Parcel
from yuanqu.land.testing import make_parcel

AS_OF = dt.date(2025, 3, 2)  # 366 days past an agreed start of 2024-03-01


@dataclass
class LandWorld:
    idle: Parcel
    government: Parcel
    underused: Parcel
    revitalised: Parcel
    other_zone: Parcel


def not_started(zone, code, **fields) -> Parcel:
    dates = {
        "approved_on": dt.date(2023, 6, 1),
        "supplied_on": dt.date(2024, 1, 10),
        "agreed_start_on": dt.date(2024, 3, 1),
        "land_price": Decimal("1000"),
    }
    return make_parcel(zone, code, **{**dates, **fields})


@pytest.fixture
def land_world(zone_a, zone_b) -> LandWorld:
    idle = not_started(zone_a, "甲-XZ-001")
    government = not_started(zone_a, "甲-ZF-002", delay_cause=Parcel.DelayCause.GOVERNMENT)
    underused = make_parcel(
        zone_a,
        "甲-YJ-003",
        supplied_on=dt.date(2019, 5, 1),
        agreed_start_on=dt.date(2019, 8, 1),
        started_on=dt.date(2019, 9, 1),
        completed_on=dt.date(2021, 6, 30),
        built_floor_area_m2=Decimal("8000"),  # on 10,000 m²: plot ratio 0.8, under 1.0 for division 39
        footprint_m2=Decimal("4000"),
    )
    enterprise = make_enterprise(zone_a, "甲精工电子有限公司")
    make_enterprise_year(enterprise, 2024, tax=Decimal("300"), land_mu=Decimal("15"))  # 20 万元/亩
    EnterpriseLand.objects.create(enterprise=enterprise, parcel=underused, area_mu=Decimal("15"))
    revitalised = not_started(zone_a, "甲-PH-004", revitalised_on=dt.date(2024, 11, 20))
    other_zone = not_started(zone_b, "乙-XZ-001")
    return LandWorld(idle, government, underused, revitalised, other_zone)
