"""The alert list on the demo city: time and queries of ``project_alerts`` (facts loaded in bulk) against the
agreement checks alone run one project at a time (``selectors.project_compliance`` in a loop, as before).

    .venv/bin/python benchmarks/bench_alerts.py [--enterprises 2000] [--repeat 5]

Runs on a throw-away SQLite database; prints the figures, the query counts and the ratio.
"""

from __future__ import annotations

import argparse
import datetime as dt

from _setup import django_on_a_throwaway_database, median_seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--enterprises", type=int, default=2000, help="demo city size (projects: about 1 in 7)")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with django_on_a_throwaway_database("alerts"):
        run(args)


def timed(function, repeat: int) -> tuple[float, int]:
    """Median wall-clock seconds of ``repeat`` runs, and the queries of one more run."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        function()
    return median_seconds(function, repeat), len(captured.captured_queries)


def run(args) -> None:
    from yuanqu.accounts.models import User
    from yuanqu.demo.builder import build_demo_city
    from yuanqu.projects import selectors
    from yuanqu.projects.alerts import project_alerts
    from yuanqu.projects.models import Project, Stage

    build_demo_city(enterprises=args.enterprises, parcels=round(args.enterprises * 1.5), years=2, log=False)
    admin = User.objects.get(username="admin")
    today = dt.date(2026, 6, 30)
    projects = Project.objects.count()

    def batched():
        return project_alerts(user=admin, today=today)

    def one_by_one():
        with_agreement = Project.objects.filter(agreement__isnull=False).exclude(stage=Stage.DROPPED)
        return [selectors.project_compliance(p, today=today) for p in with_agreement.select_related("parcel")]

    batched()  # warm the working-day calendar cache
    alerts = len(batched())
    all_kinds, all_queries = timed(batched, args.repeat)
    loop, loop_queries = timed(one_by_one, args.repeat)
    print(f"demo city: {args.enterprises} enterprises, {projects} projects, {alerts} alerts as of {today}")
    print(f"project_alerts, all four kinds, bulk loads: {all_kinds * 1000:8.1f} ms  {all_queries:5d} queries")
    print(f"agreement checks alone, one by one:        {loop * 1000:8.1f} ms  {loop_queries:5d} queries")
    print(f"ratio one-by-one agreements / whole list:  {loop / all_kinds:8.2f}")


if __name__ == "__main__":
    main()
