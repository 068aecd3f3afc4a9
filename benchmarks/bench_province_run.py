"""A province's per-mu run as a job: 150 zones in 13 cities, 150,000 enterprises with 7 years of figures; the run for
every firm (load, score, store) submitted as a job and run as a worker runs it (goal on PostgreSQL: under 60 s).

    .venv/bin/python benchmarks/bench_province_run.py [--enterprises 150000] [--years 7] [--zones 150]
    YUANQU_DATABASE_URL=postgres://postgres@127.0.0.1:5432/<empty db> .venv/bin/python benchmarks/bench_province_run.py

Builds a throw-away database (SQLite, or the empty PostgreSQL database named), fills it with the synthetic
enterprises of ``bench_mujun_engine.py`` spread over the zones of 13 cities, one row per enterprise and year (the
older years scaled down 5 % a year), then submits the evaluation of the last year as a job (``evaluation-run``) and
runs it with ``yuanqu.core.jobs.services.execute``, as ``yuanqu worker`` does; prints the build time, the job's
time from claim to finish, its result and the share of the time spent outside the run itself.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from decimal import Decimal

from _setup import django_on_a_throwaway_database
from bench_mujun_engine import synthetic

CITIES = ["南京", "无锡", "徐州", "常州", "苏州", "南通", "连云港", "淮安", "盐城", "扬州", "镇江", "泰州", "宿迁"]
MONEY = ["land_mu", "tax", "revenue", "value_added", "energy_tce", "electricity", "emissions", "rd_spending"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--enterprises", type=int, default=150_000)
    parser.add_argument("--years", type=int, default=7)
    parser.add_argument("--zones", type=int, default=150)
    parser.add_argument("--preset", default="huangyan-2022")
    args = parser.parse_args()
    with django_on_a_throwaway_database("province", database_url=True):
        run(args)


def build(args) -> int:
    from yuanqu.enterprises.models import Enterprise, EnterpriseYear
    from yuanqu.zones.models import Zone

    last = 2025
    zones = Zone.objects.bulk_create(
        [
            Zone(code=f"P{i:03d}", name=f"{CITIES[i % len(CITIES)]}第{i // len(CITIES) + 1}开发区")
            for i in range(args.zones)
        ]
    )
    current = synthetic(args.enterprises, seed=11)
    Enterprise.objects.bulk_create(
        [
            Enterprise(
                uscc=row["uscc"],
                name=row["name"],
                zone=zones[i % len(zones)],
                industry_code=f"{row['industry_division']}00",
                industry_division=row["industry_division"],
                production_started_on=dt.date(last - int(row["production_years"]), 1, 1),
            )
            for i, row in enumerate(
                current.select("uscc", "name", "industry_division", "production_years").iter_rows(named=True)
            )
        ],
        batch_size=5000,
    )
    ids = dict(Enterprise.objects.values_list("uscc", "pk"))
    rows = 0
    for back in range(args.years):
        frame = current if back == 0 else synthetic(args.enterprises, seed=11, year_factor=0.95**back)
        batch = [
            EnterpriseYear(
                enterprise_id=ids[row["uscc"]],
                year=last - back,
                above_scale=row["above_scale"],
                employees=row["employees"],
                high_tech=row["high_tech"],
                incident=row["incident"],
                **{k: None if row[k] is None else Decimal(str(round(row[k], 4))) for k in MONEY},
            )
            for row in frame.iter_rows(named=True)
        ]
        EnterpriseYear.objects.bulk_create(batch, batch_size=5000)
        rows += len(batch)
    return rows


def run(args) -> None:
    from django.db import connection, transaction

    from yuanqu.core.jobs.models import Job
    from yuanqu.core.jobs.services import execute
    from yuanqu.evaluation.jobs import submit_run
    from yuanqu.evaluation.models import EvaluationResult
    from yuanqu.evaluation.services import preset_method

    started = time.perf_counter()
    rows = build(args)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"{connection.vendor}: {args.zones} zones in {len(CITIES)} cities, {args.enterprises:,} enterprises, "
        f"{rows:,} enterprise-years built in {time.perf_counter() - started:.0f} s"
    )
    with transaction.atomic():
        job = submit_run(method=preset_method(name=args.preset), year=2025, user=None, zone_ids=None)
    begun = time.perf_counter()
    outcome = execute(job.pk)
    took = time.perf_counter() - begun
    job = Job.objects.get(pk=job.pk)
    run_seconds = (job.finished - job.started).total_seconds()
    stored = EvaluationResult.objects.filter(run_id=job.result.get("run")).count()
    print(
        f"per-mu run as a job: {outcome}, {took:.1f} s from claim to stored result (goal on PostgreSQL: under 60 s); "
        f"the job's own clock {run_seconds:.1f} s; {stored:,} results stored; problems {job.problems}"
    )


if __name__ == "__main__":
    main()
