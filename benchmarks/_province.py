"""A province for the benchmarks: the demo city built with the zones of 13 cities instead of its own.

云溪市, the demo city, keeps its zones and sub-parks; twelve more cities of the province get generated zones
around it (two national zones each, the rest provincial), each zone's industries, land-use mix and standard
factory share borrowed from one of the demo city's zones. Every step of the demo then builds on them as it does
for one city (parcels in every situation a land-status rule finds, firms on them, their yearly figures, projects
with their timelines, the zones' reported figures, published evaluations), so the province is the demo city
many times over, not a different data set.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import time
from decimal import Decimal

# The other twelve cities of the province and the first four digits of their division codes; 云溪市 stands in
# for the thirteenth (its codes are 3205xx).
CITIES = (
    ("南京", "3201"),
    ("无锡", "3202"),
    ("徐州", "3203"),
    ("常州", "3204"),
    ("南通", "3206"),
    ("连云港", "3207"),
    ("淮安", "3208"),
    ("盐城", "3209"),
    ("扬州", "3210"),
    ("镇江", "3211"),
    ("泰州", "3212"),
    ("宿迁", "3213"),
)
PLACES = "东西南北江河湖滨临港城新桥山海华阳丰宁安泰兴和平锡溪"
SIZE = {"national": 2.5, "provincial": 1.0}  # a national zone holds more parcels than a provincial one
LAST_YEAR = 2025


def province_zones(total: int = 150, *, seed: int = 18):
    """Zone specs of a province: the demo city's own and ``total`` minus those generated for twelve more cities.

    Shares (of all the province's parcels) follow each zone's level with some spread; the demo city keeps its
    share of one city in thirteen.
    """
    from yuanqu.zones.demo import ZONES, ZoneSpec

    rng = random.Random(f"province:{seed}")
    templates = [spec for spec in ZONES if spec.parent is None] + [spec for spec in ZONES if spec.parent]
    generated = []
    wanted = max(total - len(ZONES), len(CITIES))
    for number, (city, prefix) in enumerate(CITIES):
        count = wanted // len(CITIES) + (1 if number < wanted % len(CITIES) else 0)
        places = rng.sample(PLACES, min(count, len(PLACES)))
        for k in range(count):
            template = rng.choice(templates)
            level = "national" if k < 2 else "provincial"
            kind = ("etdz", "htz")[k] if k < 2 else "provincial_dz"
            title = {"etdz": "经济技术开发区", "htz": "高新技术产业开发区"}.get(kind, "经济开发区")
            place = "" if k < 2 else places[k % len(places)] + ("" if k < len(places) else str(k))
            area = rng.lognormvariate(math.log(900 if level == "national" else 350), 0.4)
            generated.append(
                ZoneSpec(
                    key=f"{prefix}-{k + 1:02d}",
                    code=f"{'G' if level == 'national' else 'S'}{prefix}{k + 1:03d}",
                    name=f"{city}{place}{title}",
                    short_name=f"{city}{place}{'经开区' if kind == 'etdz' else '高新区' if kind == 'htz' else '开发区'}",
                    level=level,
                    kind=kind,
                    region=f"{prefix}{2 + k % 12:02d}",
                    share=SIZE[level] * rng.lognormvariate(0, 0.35),
                    approved_on=dt.date(rng.randint(1992, 2014), rng.randint(1, 12), rng.randint(1, 28)),
                    approved_area_ha=Decimal(f"{area:.2f}"),
                    leading_industries=template.leading_industries,
                    industry_boost=template.industry_boost,
                    land_use=template.land_use,
                    standard_factory_share=template.standard_factory_share,
                    angle_deg=rng.uniform(-15.0, 15.0),
                )
            )
    cities = len(CITIES) + 1
    own = sum(spec.share for spec in ZONES)
    others = sum(spec.share for spec in generated)
    scaled = [_with_share(spec, spec.share / own / cities) for spec in ZONES]
    scaled += [_with_share(spec, spec.share / others * (cities - 1) / cities) for spec in generated]
    return tuple(scaled)


def _with_share(spec, share: float):
    from dataclasses import replace

    return replace(spec, share=share)


class StepTimer:
    """A Progress-like class for the demo builder that prints how long each bulk write took."""

    def __init__(self, label: str, total: int | None = None):
        self.label, self.total = label, total

    def __enter__(self):
        self.started = time.perf_counter()
        return self

    def __exit__(self, *exc):
        rows = f"{self.total:,} rows, " if self.total else ""
        print(f"  {self.label}: {rows}{time.perf_counter() - self.started:.1f} s", flush=True)

    def advance(self, n: int = 1) -> None:
        pass


def build_province(*, zones: int, enterprises: int, parcels: int, projects: int, years: int, seed: int = 20241):
    """Build the province into the empty database Django is set up on; return the demo's summary.

    No change log for the bulk writes (as the other benchmarks at scale), then one entry, so that caches keyed by
    the data version have one.
    """
    from django.db import connection

    from yuanqu.core.changelog import record_many
    from yuanqu.demo.builder import build_demo_city
    from yuanqu.zones.models import Zone

    summary = build_demo_city(
        seed=seed,
        enterprises=enterprises,
        parcels=parcels,
        projects=projects,
        years=years,
        last_year=LAST_YEAR,
        log=False,
        zones=province_zones(zones),
        progress=StepTimer,
    )
    record_many([("update", Zone.objects.order_by("pk").first(), None)])
    if connection.vendor == "postgresql":
        # What autovacuum would do after such a load (this machine's server runs without it): the visibility map
        # lets the list's index-only scans skip the table.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    return summary
