"""The cockpit sections of the projects, the reported figures, the zone ranking and the per-mu evaluation on the demo
city: each built cold (no section cache) for the leader, the city's zones side by side, and for one zone drilled into.

    .venv/bin/python benchmarks/bench_cockpit_sections.py [--enterprises 2000] [--projects N] [--repeat 5]

Runs on a throw-away SQLite database; prints the median time and the queries of each section.
"""

from __future__ import annotations

import argparse
import datetime as dt

from _setup import django_on_a_throwaway_database, median_seconds

KEYS = ("projects", "reported-figures", "ranking", "per-mu")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--enterprises", type=int, default=2000, help="demo city size")
    parser.add_argument("--projects", type=int, default=None, help="projects (default: about one per 7 enterprises)")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with django_on_a_throwaway_database("cockpit-sections"):
        run(args)


def run(args) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from yuanqu.accounts.models import User
    from yuanqu.core.cockpit import Period
    from yuanqu.dashboard.cockpit import build_sections, scope_for
    from yuanqu.demo.builder import build_demo_city
    from yuanqu.projects.models import Project

    today = dt.date(2026, 6, 30)
    build_demo_city(
        enterprises=args.enterprises, parcels=round(args.enterprises * 1.5), projects=args.projects, log=False
    )
    reverse("projects:project-list")  # the URL map, loaded once in a running server
    leader = User.objects.get(username="leader")
    period = Period(2026, 5, today)
    print(f"demo city: {args.enterprises} enterprises, {Project.objects.count()} projects; period {period.label()}")
    for label, scope in (
        ("city", scope_for(leader)),
        ("one zone", scope_for(leader, zone_id=scope_for(leader).zones[0].pk)),
    ):
        total = 0.0
        for key in KEYS:

            def build(key=key, scope=scope):
                return build_sections(scope, period, keys=[key], cached=False)

            with CaptureQueriesContext(connection) as captured:
                build()
            seconds = median_seconds(build, args.repeat)
            total += seconds
            print(f"{label:9s} {key:17s} {seconds * 1000:8.1f} ms  {len(captured.captured_queries):4d} queries")
        print(f"{label:9s} {'all four':17s} {total * 1000:8.1f} ms")


if __name__ == "__main__":
    main()
