"""What every app's part of the demo city receives (yuanqu.core.registry.demo_steps): the city being built, with
its random streams, its size, its reference date and what earlier steps left for later ones; and small helpers
the steps share.

Everything is drawn from random streams seeded with the seed alone, one per purpose, so the same seed gives the
same city whatever else changes.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass, field
from decimal import Decimal

from yuanqu.core.bulk import insert_objects
from yuanqu.core.changelog import record_many

BATCH = 2000


@dataclass
class DemoSummary:
    """What the demo city holds once built, and how long it took."""

    counts: dict[str, int] = field(default_factory=dict)
    change_log_entries: int = 0
    logged: bool = True
    seconds: float = 0.0
    as_of: dt.date | None = None
    users: list = field(default_factory=list)

    def __getattr__(self, name: str) -> int:
        # summary.parcels, summary.projects, ...: a count a step recorded (0 when none did).
        if name.startswith("_"):
            raise AttributeError(name)
        return self.__dict__.get("counts", {}).get(name, 0)

    def line(self) -> str:
        """The one-line summary the demo command ends with."""
        text = (
            f"demo city: {self.zones:,} zones, {self.sub_parks:,} sub-parks, {self.enterprises:,} enterprises, "
            f"{self.parcels:,} parcels, {self.projects:,} projects, {self.enterprise_years:,} yearly rows "
            f"in {self.seconds:.1f} s"
        )
        if not self.logged:
            text += " (change log skipped: --no-log)"
        return text


class Silent:
    """Stands in for a Progress when nobody watches."""

    def __init__(self, label: str, total: int | None = None):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return None

    def advance(self, n: int = 1) -> None:
        pass


class DemoCity:
    """The city being built: its seed and size, its reference date ``as_of`` (by default 30 June of the year after
    the last year of figures; the demo command builds it as of the day it runs), ``progress`` (a Progress-like class), and ``shared``, where a step leaves what later steps
    use (the zone specs and zones by key, the parcels and firms as planned). ``zone_specs`` replaces the demo
    city's zones by others (a province's, in the benchmarks)."""

    def __init__(
        self,
        *,
        seed: int,
        enterprises: int,
        parcels: int,
        years: int,
        last_year: int,
        projects: int | None = None,
        progress=None,
        log: bool = True,
        as_of: dt.date | None = None,
        zone_specs: tuple | None = None,
    ) -> None:
        self.seed = seed
        self.enterprises = enterprises
        self.parcels = parcels
        self.years = years
        self.last_year = last_year
        self.first_year = last_year - years + 1
        self.projects = projects
        self.progress = progress or Silent
        self.log = log
        self.as_of = as_of or dt.date(last_year + 1, 6, 30)
        self.zone_specs = zone_specs  # the zones' app's specs of the zones to lay out; None: the demo city's own
        self.summary = DemoSummary(logged=log, as_of=self.as_of)
        self.shared: dict = {}

    def stream(self, purpose: str) -> random.Random:
        """One independent random stream per purpose, seeded by the seed alone (string seeds hash with SHA-512)."""
        return random.Random(f"yuanqu-demo:{self.seed}:{purpose}")

    def count(self, name: str, n: int) -> None:
        """Add to one of the summary's counts."""
        self.summary.counts[name] = self.summary.counts.get(name, 0) + n

    def log_created(self, objects) -> None:
        """Log the creation of objects written in bulk (unless the city is built without a change log)."""
        if self.log:
            self.summary.change_log_entries += record_many(("create", obj, None) for obj in objects)

    def bulk_create(self, objects: list, label: str) -> None:
        """Insert in batches (by COPY on PostgreSQL: ``yuanqu.core.bulk``) with progress, each batch logged."""
        if not objects:
            return
        with self.progress(label, total=len(objects)) as bar:
            for start in range(0, len(objects), BATCH):
                chunk = objects[start : start + BATCH]
                # Related objects assigned before they were saved get their ids picked up here.
                insert_objects(chunk)
                self.log_created(chunk)
                bar.advance(len(chunk))


def split(total: int, shares: list[float], minimum: int) -> list[int]:
    """Whole counts in proportion to shares, adding up to total (largest remainder), each >= minimum if possible."""
    if total < minimum * len(shares):
        minimum = 0
    spare = total - minimum * len(shares)
    weight = sum(shares)
    raw = [spare * s / weight for s in shares]
    counts = [math.floor(r) for r in raw]
    order = sorted(range(len(shares)), key=lambda k: (counts[k] - raw[k], k))
    for k in order[: spare - sum(counts)]:
        counts[k] += 1
    return [c + minimum for c in counts]


def labels(rng: random.Random, n: int, shares: dict, minimum: int = 0) -> list:
    """n labels in the given proportions, shuffled."""
    counts = split(n, list(shares.values()), minimum)
    found = [label for label, count in zip(shares, counts, strict=True) for _ in range(count)]
    rng.shuffle(found)
    return found


def days(rng: random.Random, low: int, high: int) -> dt.timedelta:
    """A random number of days between low and high."""
    return dt.timedelta(days=rng.randint(low, high))


def dec(value: float, places: int = 2) -> Decimal:
    """A float as a Decimal of so many places."""
    return Decimal(f"{value:.{places}f}")
