"""Build the demo city 云溪市 into an empty database: every installed app's part (yuanqu.core.registry.demo_steps),
in their order, in one transaction."""

from __future__ import annotations

import gc
import time

from django.db import transaction

from yuanqu.core.changelog import acting
from yuanqu.core.demo import DemoCity, DemoSummary
from yuanqu.core.importing.pipeline import refresh_planner_statistics
from yuanqu.core.registry import demo_steps, resolve

PARCELS_PER_ENTERPRISE = 1.5


def build_demo_city(
    *,
    seed: int = 20241,
    enterprises: int = 2000,
    parcels: int = 3000,
    years: int = 5,
    last_year: int = 2025,
    progress=None,
    log: bool = True,
    projects: int | None = None,
    as_of=None,
    zones: tuple | None = None,
) -> DemoSummary:
    """Build the fictional city into an empty database and return what was made.

    ``progress`` is a Progress-like class (``progress(label, total=n)`` as a context manager with
    ``advance(k)``); ``log=False`` skips the change-log entries of the bulk writes (benchmarks at scale).
    The land ledger and the projects are dated as of ``as_of`` (a date in the year after ``last_year``; by default
    30 June of it, so that a seed always gives the same city);
    ``projects`` defaults to about one per seven enterprises (at least 30, at most 600);
    ``zones``: the zone specs (yuanqu.zones.demo.ZoneSpec) to lay the parcels out in instead of the city's own.
    """
    if enterprises < 1 or parcels < 1 or years < 1:
        raise ValueError("enterprises, parcels and years must be positive")
    started = time.monotonic()
    city = DemoCity(
        seed=seed,
        enterprises=enterprises,
        parcels=parcels,
        years=years,
        last_year=last_year,
        projects=projects,
        progress=progress,
        log=log,
        as_of=as_of,
        zone_specs=zones,
    )
    # The steps make millions of objects and next to no garbage: the collector's automatic passes over an ever larger
    # heap made a province's build quadratic, so it runs once after each step instead.
    collecting = gc.isenabled()
    gc.disable()
    try:
        with transaction.atomic(), acting(source="cli"):
            for step in demo_steps:
                build = resolve(step.build)
                build(city)
                gc.collect()
                # Later steps query what earlier ones wrote (the zones' own counts, the alerts): without statistics
                # of the tables just filled the planner walks a province's million rows per zone and year.
                refresh_planner_statistics()
    finally:
        if collecting:
            gc.enable()
    refresh_planner_statistics()  # a fresh database of this size has none: the map's joins need them
    city.summary.seconds = time.monotonic() - started
    return city.summary


def default_parcels(enterprises: int) -> int:
    """Parcels that go with a number of enterprises when only that is given (3,000 for 2,000)."""
    return max(1, round(enterprises * PARCELS_PER_ENTERPRISE))
