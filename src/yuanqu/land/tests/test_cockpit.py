"""The land section of the cockpit: idle and inefficient land, land revitalised and idle land disposed of from
January to the month against the same months of last year, the stock per zone, the idle-land thumbnail, zone
isolation, and the same numbers as the ledger and the measures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from yuanqu.core.cockpit import Period
from yuanqu.dashboard.cockpit import build_sections, scope_for
from yuanqu.land import status
from yuanqu.land.testing import make_parcel, square

pytestmark = pytest.mark.django_db

D = dt.date
AGREED = D(2024, 3, 1)
PERIOD = Period(2026, 6, D(2026, 7, 15))  # January–June 2026, taken at 30 June; last year at 30 June 2025


def parcel(zone, code, side, k, *, agreed=AGREED, **fields):
    """A supplied parcel not started by its agreed start: idle one full year after it (2025-03-02 by default)."""
    dates = {"approved_on": D(2023, 1, 5), "supplied_on": D(2023, 2, 1), "agreed_start_on": agreed}
    geometry = square(500000 + k * 1000, 3460000, side)
    return make_parcel(zone, code, geometry=geometry, land_price=Decimal("1000"), **{**dates, **fields})


@pytest.fixture
def land(zone_a, zone_b):
    # 1 mu = 10000/15 m²: a 200 m square is 60 mu, 150 m 33.75 mu, 100 m 15 mu.
    return {
        "idle": parcel(zone_a, "XZ-1", 200, 1),  # idle since 2025-03-02, still idle
        "this_year": parcel(zone_a, "PH-2", 100, 2, revitalised_on=D(2026, 3, 15)),  # idle, revitalised in March
        "last_spring": parcel(zone_a, "PH-3", 150, 3, agreed=D(2023, 3, 1), revitalised_on=D(2025, 5, 10)),
        "last_autumn": parcel(zone_a, "PH-4", 100, 4, revitalised_on=D(2025, 9, 1)),  # after June: not like for like
        "other_zone": parcel(zone_b, "XZ-9", 100, 9),
    }


def section(user, zone_id=None):
    sections = build_sections(scope_for(user, zone_id=zone_id), PERIOD, keys=["land"], cached=False)
    return sections[0] if sections else None


def figures(found):
    return {figure.key: figure for figure in found.figures}


def test_idle_revitalised_and_disposed_land_like_for_like(land, user_a):
    found = figures(section(user_a))
    # Idle now: XZ-1 (60); at 30 June 2025: XZ-1, PH-2 and PH-4 (60 + 15 + 15).
    assert (found["idle_mu"].value, found["idle_mu"].previous) == (pytest.approx(60.0), pytest.approx(90.0))
    # Revitalised January–June: PH-2 this year; PH-3 last year (PH-4, in September, is not counted).
    assert found["revitalised_mu"].value == pytest.approx(15.0)
    assert found["revitalised_mu"].previous == pytest.approx(33.75)
    # Disposed: idle at the year's start and not now: PH-2 (15); last year PH-3, idle since 2024-03-02 (33.75).
    assert found["idle_disposed_mu"].value == pytest.approx(15.0)
    assert found["idle_disposed_mu"].previous == pytest.approx(33.75)
    assert found["inefficient_mu"].value == 0
    assert found["idle_mu"].url == "/land/parcels/?as_of=2026-06-30&status=idle"


def test_the_figures_are_the_ledgers_and_the_measures(land, user_a, zone_a):
    found = figures(section(user_a))
    totals = {row["status"]: row for row in status.ledger_summary(user=user_a, as_of=PERIOD.as_of)["totals"]}
    assert found["idle_mu"].value == pytest.approx(totals["idle"]["area_mu"])
    kwargs = {"user": user_a, "zone": zone_a}
    assert found["revitalised_mu"].value == status.revitalised_mu(**kwargs, year=2026, as_of=PERIOD.as_of)
    assert found["revitalised_mu"].previous == status.revitalised_mu(**kwargs, year=2025, as_of=D(2025, 6, 30))
    assert found["idle_disposed_mu"].value == status.idle_disposed_mu(**kwargs, year=2026, as_of=PERIOD.as_of)
    assert found["idle_disposed_mu"].previous == status.idle_disposed_mu(**kwargs, year=2025, as_of=D(2025, 6, 30))
    chart = next(chart for chart in section(user_a).charts if chart.key == "land-by-status")
    assert dict(zip(map(str, chart.categories), chart.series[0].values, strict=True)) == {
        "闲置": pytest.approx(60.0),
        "已盘活": pytest.approx(15.0 + 33.75 + 15.0),
    }


def test_a_zone_user_sees_only_its_zone_and_the_city_each_zone(land, user_a, user_b, city_admin, zone_a, zone_b):
    assert figures(section(user_b))["idle_mu"].value == pytest.approx(15.0)
    assert section(user_a).tables == []  # one zone: no table per zone
    city = section(city_admin)
    assert figures(city)["idle_mu"].value == pytest.approx(75.0)
    table = city.tables[0]
    assert table.key == "land-by-zone"
    idle = [str(column.label) for column in table.columns].index("闲置")
    assert [(row.cells[0], row.cells[idle]) for row in table.rows] == [
        (zone_a.name, pytest.approx(60.0)),
        (zone_b.name, pytest.approx(15.0)),
    ]
    assert table.total.cells[idle] == pytest.approx(75.0)
    drilled = section(city_admin, zone_id=zone_b.pk)
    assert figures(drilled)["idle_mu"].value == pytest.approx(15.0)


def test_the_idle_land_thumbnail_draws_the_idle_parcels_in_lon_lat(land, user_a, city_admin):
    chart = next(chart for chart in section(user_a).charts if chart.key == "idle-land-map")
    assert chart.kind == "map"
    features = chart.extra["geojson"]["features"]
    assert [feature["properties"]["code"] for feature in features] == ["XZ-1"]
    assert features[0]["properties"]["area_mu"] == pytest.approx(60.0)
    minx, miny, maxx, maxy = chart.extra["extent"]
    assert 119 < minx < maxx < 121 and 31 < miny < maxy < 32  # lon/lat near Suzhou, not metres
    assert (chart.extra["parcels"], chart.extra["shown"]) == (1, 1)
    city = next(chart for chart in section(city_admin).charts if chart.key == "idle-land-map")
    assert sorted(f["properties"]["code"] for f in city.extra["geojson"]["features"]) == ["XZ-1", "XZ-9"]


def test_the_thumbnail_keeps_the_largest_idle_parcels(land, user_a, monkeypatch):
    from yuanqu.land import cockpit

    parcel(land["idle"].zone, "XZ-5", 120, 5)  # 21.6 mu, idle
    monkeypatch.setattr(cockpit, "MAP_FEATURES", 1)
    chart = next(chart for chart in section(user_a).charts if chart.key == "idle-land-map")
    assert [f["properties"]["code"] for f in chart.extra["geojson"]["features"]] == ["XZ-1"]
    assert (chart.extra["parcels"], chart.extra["shown"]) == (2, 1)


def test_no_parcels_no_section(user_a):
    assert section(user_a) is None
