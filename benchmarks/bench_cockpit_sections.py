"""Every registered section of the cockpit on the demo city, and the cockpit's targets lookup: each built cold (no
section cache) for the leader, the city's zones side by side, and for one zone drilled into.

    .venv/bin/python benchmarks/bench_cockpit_sections.py [--enterprises 2000] [--parcels N] [--projects N]
                                                          [--repeat 5] [--keys land,chains] [--data DIR]

Runs on a throw-away SQLite database, or with --data on the city ``bench_cockpit.py --data DIR`` built and left
there (built here the first time); prints the median time and the queries of each section.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
from pathlib import Path

from _setup import django_on_a_throwaway_database, median_seconds

LOOKUP = "targets-lookup"
"""The cockpit's targets lookup (``registry.cockpit_targets``), built with the sections of a view never seen."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--enterprises", type=int, default=2000, help="demo city size")
    parser.add_argument("--parcels", type=int, default=None, help="parcels (default: 1.5 per enterprise)")
    parser.add_argument("--projects", type=int, default=None, help="projects (default: about one per 7 enterprises)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keys", default="", help="the sections to build, comma separated (default: all)")
    parser.add_argument("--data", help="the city of bench_cockpit.py --data DIR (built there if absent)")
    args = parser.parse_args()
    if args.data:
        workdir = Path(args.data)
        workdir.mkdir(parents=True, exist_ok=True)
        os.environ["YUANQU_DATA_DIR"] = str(workdir)
        os.environ.pop("YUANQU_DATABASE_URL", None)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yuanqu.site.settings")
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        run(args)
    else:
        with django_on_a_throwaway_database("cockpit-sections"):
            run(args)


def run(args) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from yuanqu.accounts.models import User
    from yuanqu.accounts.testing import make_user
    from yuanqu.core import registry
    from yuanqu.core.access import Role
    from yuanqu.core.cockpit import Period
    from yuanqu.dashboard.cockpit import scope_for, targets
    from yuanqu.demo.builder import build_demo_city
    from yuanqu.enterprises.models import Enterprise
    from yuanqu.land.models import Parcel
    from yuanqu.projects.models import Project

    if not Enterprise.objects.exists():
        parcels = args.parcels if args.parcels is not None else round(args.enterprises * 1.5)
        build_demo_city(enterprises=args.enterprises, parcels=parcels, projects=args.projects, log=False)
    reverse("projects:project-list")  # the URL map, loaded once in a running server
    leader = User.objects.filter(username="leader").first() or User.objects.filter(username="bench_leader").first()
    leader = leader or make_user("bench_leader", Role.LEADER)
    today = dt.date(2026, 6, 30)
    period = Period(2026, 6, today)
    keys = [item.key for item in registry.cockpit_sections] + [LOOKUP]
    if args.keys:
        keys = [key for key in keys if key in args.keys.split(",")]
    print(
        f"demo city: {Enterprise.objects.count():,} enterprises, {Parcel.objects.count():,} parcels, "
        f"{Project.objects.count():,} projects; period {period.label()} as of {period.as_of}"
    )
    for label, scope in (
        ("city", scope_for(leader)),
        ("one zone", scope_for(leader, zone_id=scope_for(leader).zones[0].pk)),
    ):
        total = 0.0
        for key in keys:
            if key == LOOKUP:

                def build(scope=scope):
                    return targets(scope, period)

            else:
                item = registry.cockpit_sections.get(key)

                def build(item=item, scope=scope):
                    return registry.resolve(item.build)(scope=scope, period=period)

            with CaptureQueriesContext(connection) as captured:
                build()
            seconds = median_seconds(build, args.repeat)
            total += seconds
            print(f"{label:9s} {key:17s} {seconds * 1000:8.1f} ms  {len(captured.captured_queries):4d} queries")
        print(f"{label:9s} {'all':17s} {total * 1000:8.1f} ms")


if __name__ == "__main__":
    main()
