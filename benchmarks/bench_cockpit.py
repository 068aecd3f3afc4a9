"""The leaders' cockpit (/cockpit/) of a large city: time to render, cold and warm (goal: under 1 s).

    .venv/bin/python benchmarks/bench_cockpit.py [--enterprises 100000] [--parcels 100000] [--projects 10000]
                                                 [--repeat 5] [--data DIR]

Builds the demo city at that size in a throw-away SQLite database (without the bulk writes' change log; with
--data, in that folder the first time and reused afterwards), then requests the cockpit through the Django test
client as a leader who sees every zone, for the demo's month (the month it is dated in) and the current month:

- cold: the cache emptied before each request, so every registered section is built from the ledgers;
- warm: the same page again, its sections from the cache (what every later leader gets until the data changes);
- zone: drilled into the largest zone, cold and warm;
- screen: the big screen (/cockpit/screen/), warm.

Prints the median of --repeat requests and the queries of one, per case, and each section's build time cold.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--parcels", type=int, default=100_000)
    parser.add_argument("--projects", type=int, default=10_000)
    parser.add_argument("--years", type=int, default=2, help="years of figures per enterprise")
    parser.add_argument("--seed", type=int, default=20241)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--data", help="build the city in this folder once and reuse it on later runs")
    args = parser.parse_args()
    workdir = Path(args.data) if args.data else Path(tempfile.mkdtemp(prefix="yuanqu-bench-cockpit-"))
    try:
        run(args, workdir)
    finally:
        if not args.data:
            shutil.rmtree(workdir, ignore_errors=True)


def run(args, workdir: Path) -> None:
    workdir.mkdir(parents=True, exist_ok=True)
    os.environ["YUANQU_DATA_DIR"] = str(workdir)
    os.environ.pop("YUANQU_DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yuanqu.site.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import cache, caches
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone
    from django.utils.module_loading import import_string

    from yuanqu.accounts.models import User
    from yuanqu.accounts.testing import make_user
    from yuanqu.core import registry
    from yuanqu.core.access import Role
    from yuanqu.core.changelog import record_many
    from yuanqu.core.cockpit import Period
    from yuanqu.dashboard.cockpit import scope_for
    from yuanqu.demo.builder import build_demo_city
    from yuanqu.enterprises.models import Enterprise
    from yuanqu.land.models import Parcel
    from yuanqu.projects.models import Project
    from yuanqu.zones.models import Zone

    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    if Enterprise.objects.exists():  # --data: built by an earlier run
        as_of = (workdir / "as_of").read_text().strip()
        print(f"reusing the city in {workdir}; as of {as_of}")
    else:
        started = time.perf_counter()
        summary = build_demo_city(
            seed=args.seed,
            enterprises=args.enterprises,
            parcels=args.parcels,
            projects=args.projects,
            years=args.years,
            log=False,
        )
        zone = Zone.objects.order_by("pk").first()
        record_many([("update", zone, None)])  # a data version to cache the sections under (the demo logged nothing)
        as_of = summary.as_of.isoformat()
        (workdir / "as_of").write_text(as_of)
        print(f"built the city in {time.perf_counter() - started:.1f} s; as of {as_of}")
    print(
        f"{Enterprise.objects.count():,} enterprises, {Parcel.objects.count():,} parcels, "
        f"{Project.objects.count():,} projects, {Zone.objects.count():,} zones; "
        f"sections: {', '.join(item.key for item in registry.cockpit_sections)}"
    )

    leader = User.objects.filter(username="bench_leader").first() or make_user("bench_leader", Role.LEADER)
    client = Client()
    client.force_login(leader)
    largest = (
        Zone.objects.filter(parent=None)
        .annotate(n=Count("enterprises"))
        .order_by("-n", "pk")
        .values_list("pk", flat=True)
    )[0]
    demo_year, demo_month = int(as_of[:4]), int(as_of[5:7])
    today = timezone.localdate()

    def timed(url: str, *, cold: bool) -> tuple[float, int]:
        times, queries = [], 0
        for _ in range(args.repeat):
            if cold:  # the sections' own cache too (settings.CACHES["cockpit"], files that outlive the process)
                cache.clear()
                if "cockpit" in settings.CACHES:
                    caches["cockpit"].clear()
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url)
                times.append(time.perf_counter() - started)
            assert response.status_code == 200, (url, response.status_code)
            queries = len(captured)
        return statistics.median(times), queries

    print(f"\nmedian of {args.repeat} requests (queries of one):")
    for label, period in (
        (f"demo month {demo_year}-{demo_month:02d}", f"year={demo_year}&month={demo_month}"),
        (f"current month {today.year}-{today.month:02d}", ""),
    ):
        cases = [
            ("city, cold", f"/cockpit/?{period}", True),
            ("city, warm", f"/cockpit/?{period}", False),
            ("largest zone, cold", f"/cockpit/?{period}&zone={largest}", True),
            ("largest zone, warm", f"/cockpit/?{period}&zone={largest}", False),
            ("big screen, warm", f"/cockpit/screen/?{period}", False),
        ]
        print(label)
        for name, url, cold in cases:
            if not cold:
                client.get(url)  # fill the cache
            seconds, queries = timed(url, cold=cold)
            print(f"  {name:<20} {seconds * 1000:8.0f} ms  {queries:4d} queries")

    print(f"\neach section built alone for the city, demo month (median of {args.repeat}):")
    scope = scope_for(leader)
    period = Period(demo_year, demo_month, today)
    for item in registry.cockpit_sections:
        times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            build = import_string(item.build) if isinstance(item.build, str) else item.build
            build(scope=scope, period=period)
            times.append(time.perf_counter() - started)
        print(f"  {item.key:<20} {statistics.median(times) * 1000:8.0f} ms")


if __name__ == "__main__":
    main()
