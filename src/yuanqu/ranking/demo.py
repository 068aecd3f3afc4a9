"""The ranking's part of the demo city: five years of figures each top-level zone reported, January to date for
the last year and the current one, eleven zones of neighbouring cities as peers, and the reference method's runs
of every year (so that the ranking shows its changes and a zone's profile its rank over five years).

A zone's report follows what the platform itself counts where it can (its enterprises' tax and output, its
projects, its land), with the difference a zone's wider scope makes, and now and then a report far from the
platform's count, which the figures page flags.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from yuanqu.core.readings import one_reading
from yuanqu.core.registry import measures
from yuanqu.ranking.models import PeerZone, ZoneMonth, ZoneYear
from yuanqu.ranking.services import preset_zone_method, run_zone_evaluation

# Invented zones of invented neighbouring cities: (name, code, level, city, GDP in 亿元 in the last year).
PEERS = (
    ("澄江经济技术开发区", "G321101", "national", "澄江市", 820.0),
    ("澄江高新技术产业开发区", "G321102", "national", "澄江市", 640.0),
    ("鹭门经济技术开发区", "G321201", "national", "鹭门市", 1150.0),
    ("鹭门高新技术产业开发区", "G321202", "national", "鹭门市", 1650.0),
    ("青枫经济技术开发区", "G321301", "national", "青枫市", 2300.0),
    ("青枫高新技术产业开发区", "G321302", "national", "青枫市", 1400.0),
    ("澄江临港经济开发区", "S321103", "provincial", "澄江市", 310.0),
    ("鹭门北经济开发区", "S321202", "provincial", "鹭门市", 260.0),
    ("青枫经济开发区", "S321301", "provincial", "青枫市", 185.0),
    ("金溪高新技术产业园区", "S321302", "provincial", "青枫市", 140.0),
    ("瑶湾经济开发区", "S321303", "provincial", "青枫市", 95.0),
)
# A zone's GDP in the first year (亿元) by its level, as zones of that level in Jiangsu report: the provincial
# zone then ranks among the neighbours' provincial zones rather than far above them.
FIRST_GDP_YI = {"national": (500.0, 1100.0), "provincial": (120.0, 200.0), "other": (40.0, 120.0)}
YI = Decimal(10_000)
DEMO_METHOD = "zones-reference"


def _own(key: str, zone, year: int):
    """What the platform counts for the zone, when the app that counts it is installed."""
    measure = measures.get(key)
    if measure is None:
        return None
    return measure.measure(user=None, zone=zone, year=year, as_of=dt.date(year, 12, 31))


def _money(value: float) -> Decimal:
    return Decimal(f"{value:.4f}")


def _year_figures(rng: random.Random, *, gdp_yi: float, own: dict, flag: bool) -> dict:
    """One year of a zone's figures around its GDP (亿元), following the platform's own counts where given."""
    gdp = gdp_yi * 10_000  # 万元
    tax = float(own["enterprise_tax"]) * rng.uniform(1.1, 1.3) if own.get("enterprise_tax") else gdp * 0.09
    if flag:
        tax *= 1.6  # a report well above what the zone's own enterprises paid
    output = float(own["enterprise_output"]) * rng.uniform(1.0, 1.12) if own.get("enterprise_output") else gdp * 1.6
    value_added = output * rng.uniform(0.23, 0.28)
    energy = value_added * rng.uniform(0.18, 0.45)
    figures = {
        "gdp": _money(gdp),
        "budget_revenue": _money(tax * rng.uniform(1.1, 1.25)),
        "tax_revenue": _money(tax),
        "industrial_output": _money(output),
        "industrial_value_added": _money(value_added),
        "industrial_sales": _money(output * rng.uniform(0.95, 0.99)),
        "fixed_asset_investment": _money(gdp * rng.uniform(0.22, 0.38)),
        "industrial_investment": _money(gdp * rng.uniform(0.12, 0.22)),
        "trade": _money(gdp * rng.uniform(0.3, 0.95)),
        "foreign_investment": _money(gdp_yi * rng.uniform(15, 60)),
        "rd_spending": _money(gdp * rng.uniform(0.015, 0.045)),
        "energy_tce": _money(energy),
        "industrial_electricity": _money(energy * rng.uniform(0.55, 0.75)),
        "employees": round(gdp / rng.uniform(22, 40)),
        "safety_accidents": 1 if rng.random() < 0.04 else 0,
        "environmental_incidents": 1 if rng.random() < 0.03 else 0,
    }
    # A peer's counts come with its published figures, roughly in proportion to its GDP.
    own = {"above_scale_count": round(gdp_yi * 0.45), "high_tech_count": round(gdp_yi * 0.12), **own}
    for key, own_key, spread in (
        ("above_scale_enterprises", "above_scale_count", (1.0, 1.08)),
        ("high_tech_enterprises", "high_tech_count", (1.0, 1.2)),
        ("signed_projects", "signed_count", (1.0, 1.0)),
        ("started_projects", "started_count", (1.0, 1.0)),
        ("completed_projects", "completed_count", (1.0, 1.0)),
    ):
        counted = own.get(own_key)
        figures[key] = round(float(counted) * rng.uniform(*spread)) if counted is not None else None
    if figures["high_tech_enterprises"] is not None:
        figures["specialised_enterprises"] = round(figures["high_tech_enterprises"] * rng.uniform(0.2, 0.4))
    signed = own.get("signed_investment")
    figures["signed_investment"] = _money(float(signed)) if signed is not None else None
    land = own.get("revitalised_mu")
    figures["revitalised_land"] = _money(float(land) * rng.uniform(1.0, 1.1)) if land is not None else None
    return figures


def _month_share(rng: random.Random, month: int) -> float:
    """The share of a year's figure reached by the end of a month (a slow start after the Spring Festival)."""
    base = month / 12 * (0.92 if month < 12 else 1.0)
    return base * rng.uniform(0.97, 1.03) if month < 12 else 1.0


def _months(rng: random.Random, zone, year: int, last_month: int, yearly: dict) -> list[ZoneMonth]:
    rows = []
    for month in range(1, last_month + 1):
        share = _month_share(rng, month)
        values = {}
        for key, value in yearly.items():
            if value is None or key in ("employees", "above_scale_enterprises", "high_tech_enterprises"):
                values[key] = value  # stocks, not flows: the count at the month's end
            elif key in ("safety_accidents", "environmental_incidents"):
                values[key] = value if month == 12 else 0
            elif isinstance(value, int):
                values[key] = round(value * share)
            else:
                values[key] = _money(float(value) * share)
        rows.append(ZoneMonth(zone=zone, year=year, month=month, **values))
    return rows


def build_figures(city) -> None:
    """The top-level zones' reported years and months, and the peers with their years."""
    rng = city.stream("zone-figures")
    zones = [zone for zone in city.shared["zones"].values() if zone.parent_id is None]
    flagged = {(zones[rng.randrange(len(zones))].pk, city.last_year)} if zones else set()
    with one_reading():  # a zone's measures of one ledger share one reading of it (its land for all its years)
        years, months = _zone_figures(city, rng, zones, flagged)
    peers = []
    for name, code, level, place, gdp_yi in PEERS:
        peer = PeerZone(name=name, code=code, level=level, city=place, note="各市统计公报（虚构）")
        peers.append(peer)
        for year in range(city.last_year, city.first_year - 1, -1):
            years.append(ZoneYear(peer=peer, year=year, **_year_figures(rng, gdp_yi=gdp_yi, own={}, flag=False)))
            gdp_yi /= rng.uniform(1.03, 1.09)
    city.bulk_create(peers, "外部园区 / peer zones")
    city.bulk_create(years, "园区年度上报数据 / zones' yearly figures")
    city.bulk_create(months, "园区月度上报数据 / zones' monthly figures")
    city.count("zone_years", len(years))


OWN_KEYS = (
    "enterprise_tax",
    "enterprise_output",
    "above_scale_count",
    "high_tech_count",
    "signed_count",
    "started_count",
    "completed_count",
    "signed_investment",
    "revitalised_mu",
)


def _zone_figures(city, rng: random.Random, zones: list, flagged: set) -> tuple[list[ZoneYear], list[ZoneMonth]]:
    """Each zone's reported years, and its months of the last year and of the current one."""
    years, months = [], []
    for zone in sorted(zones, key=lambda z: z.code):
        gdp_yi = rng.uniform(*FIRST_GDP_YI.get(zone.level, FIRST_GDP_YI["other"]))
        last = None
        for year in range(city.first_year, city.last_year + 1):
            gdp_yi *= rng.uniform(1.03, 1.09)
            own = {key: _own(key, zone, year) for key in OWN_KEYS}
            last = _year_figures(rng, gdp_yi=gdp_yi, own=own, flag=(zone.pk, year) in flagged)
            years.append(ZoneYear(zone=zone, year=year, **last))
        months.extend(_months(rng, zone, city.last_year, 12, last))
        growth = {k: (v * Decimal("1.06") if isinstance(v, Decimal) else v) for k, v in last.items()}
        months.extend(_months(rng, zone, city.as_of.year, city.as_of.month, growth))
    return years, months


def build_runs(city) -> None:
    """The reference method on every year's figures, the older first: each year's ranking shows its change, and a
    zone's profile its rank over the years."""
    method = preset_zone_method(name=DEMO_METHOD)
    reported = set(ZoneYear.objects.filter(zone__isnull=False).values_list("year", flat=True).distinct())
    years = [year for year in range(city.first_year, city.last_year + 1) if year in reported]
    runs = [run_zone_evaluation(method=method, year=year, user=None) for year in years]
    city.count("zone_evaluation_runs", len(runs))
