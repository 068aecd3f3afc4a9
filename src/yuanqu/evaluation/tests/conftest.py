"""A small evaluation world: enterprises of zones A and B with 2024 figures fit for the Huangyan preset."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from yuanqu.enterprises.testing import make_enterprise, make_enterprise_year
from yuanqu.site.tests.browser.conftest import chromium_path  # noqa: F401  (the browser tests' fixture, for the method editor's)

STARTED = dt.date(2015, 1, 1)


def huangyan_year(enterprise, year: int = 2024, *, scale: Decimal = Decimal("1"), **changes):
    """Figures on 10 mu; at scale 1: tax 12.3 万元/亩, value added 68.08 万元/亩 and so on (see the engine tests)."""
    figures = {
        "above_scale": True,
        "land_mu": Decimal("10"),
        "tax": Decimal("123") * scale,
        "value_added": Decimal("680.8") * scale,
        "energy_tce": Decimal("340.4"),
        "emissions": Decimal("0.2"),
        "employees": 50,
        "revenue": Decimal("1008"),
        "rd_spending": Decimal("15.12"),
    }
    return make_enterprise_year(enterprise, year, **(figures | changes))


@pytest.fixture
def evaluation_world(zone_a, zone_b):
    """Zone A: four above-scale enterprises and one utility (not graded); zone B: two enterprises."""
    a = [make_enterprise(zone_a, f"甲{n}号制造有限公司", production_started_on=STARTED) for n in range(1, 5)]
    utility = make_enterprise(
        zone_a, "甲热电有限公司", industry_code="4411", industry_division="44", production_started_on=STARTED
    )
    b = [make_enterprise(zone_b, f"乙{n}号科技有限公司", production_started_on=STARTED) for n in range(1, 3)]
    for enterprise, scale in zip(a, ["1", "2", "0.5", "1.5"], strict=True):
        huangyan_year(enterprise, scale=Decimal(scale))
    huangyan_year(utility)
    for enterprise in b:
        huangyan_year(enterprise, scale=Decimal("3"))
    return {"a": a, "utility": utility, "b": b}
