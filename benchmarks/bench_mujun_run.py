"""The whole per-mu run on 100,000 enterprises: load from SQLite, score, store the results.

    .venv/bin/python benchmarks/bench_mujun_run.py [--enterprises 100000] [--preset huangyan-2022]

Builds a throw-away SQLite database, fills it with the synthetic enterprises of
``bench_mujun_engine.py`` (two years, for presets benchmarking against the previous year), then times
``yuanqu.evaluation.services.run_evaluation`` (goal: under 10 s) and, separately, its parts; then the
summary report (docx) and the public list (xlsx) of the run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from decimal import Decimal

from _setup import django_on_a_throwaway_database
from bench_mujun_engine import synthetic


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--preset", default="huangyan-2022")
    parser.add_argument("--keep", action="store_true", help="keep the work directory (its database)")
    parser.add_argument(
        "--public-list-against",
        metavar="REVISION",
        help="also time the public list of this git revision (its exporting.py), alternately with this tree's, "
        "and check both write the same cells",
    )
    args = parser.parse_args()
    with django_on_a_throwaway_database("mujun", keep=args.keep):
        run(args)


def run(args) -> None:
    from yuanqu.analytics.mujun import load_preset, score
    from yuanqu.enterprises.models import Enterprise, EnterpriseYear
    from yuanqu.evaluation.models import EvaluationResult
    from yuanqu.evaluation.services import build_frame, preset_method, run_evaluation
    from yuanqu.zones.models import Zone

    started = time.perf_counter()
    zones = [Zone.objects.create(code=f"B{i}", name=f"基准园区{i}") for i in range(4)]
    current = synthetic(args.enterprises, seed=7)
    previous = synthetic(args.enterprises, seed=7, year_factor=0.95)
    enterprises = [
        Enterprise(
            uscc=row["uscc"],
            name=row["name"],
            zone=zones[i % 4],
            industry_code=f"{row['industry_division']}00",
            industry_division=row["industry_division"],
            production_started_on=dt.date(2024 - int(row["production_years"]), 1, 1),
        )
        for i, row in enumerate(
            current.select("uscc", "name", "industry_division", "production_years").iter_rows(named=True)
        )
    ]
    Enterprise.objects.bulk_create(enterprises, batch_size=5000)
    ids = dict(Enterprise.objects.values_list("uscc", "pk"))
    money = ["land_mu", "tax", "revenue", "value_added", "energy_tce", "electricity", "emissions", "rd_spending"]
    for year, frame in ((2024, current), (2023, previous)):
        rows = []
        for row in frame.iter_rows(named=True):
            rows.append(
                EnterpriseYear(
                    enterprise_id=ids[row["uscc"]],
                    year=year,
                    above_scale=row["above_scale"],
                    employees=row["employees"],
                    high_tech=row["high_tech"],
                    incident=row["incident"],
                    **{k: None if row[k] is None else Decimal(str(round(row[k], 4))) for k in money},
                )
            )
        EnterpriseYear.objects.bulk_create(rows, batch_size=5000)
    print(f"database of {args.enterprises:,} enterprises × 2 years built in {time.perf_counter() - started:.1f} s")

    method = preset_method(name=args.preset)
    parsed = load_preset(args.preset)
    t0 = time.perf_counter()
    frame, _keys = build_frame(year=2024, zone_ids=None)
    t1 = time.perf_counter()
    score(frame, parsed, previous=build_frame(year=2023, zone_ids=None)[0] if parsed.needs_previous else None)
    t2 = time.perf_counter()
    print(
        f"load one year: {(t1 - t0) * 1000:,.0f} ms; score (with the previous year's load if needed): "
        f"{(t2 - t1) * 1000:,.0f} ms"
    )
    from yuanqu.evaluation import services

    parts: dict[str, float] = {}

    def timed(name, function):
        def wrapper(*args, **kwargs):
            begun = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                parts[name] = parts.get(name, 0.0) + time.perf_counter() - begun

        return wrapper

    services.build_frame = timed("load", services.build_frame)
    services.score = timed("score", services.score)
    services.input_hash = timed("input hash", services.input_hash)
    services._result_rows = timed("rows to store", services._result_rows)
    services._insert_results = timed("insert", services._insert_results)
    t3 = time.perf_counter()
    run = run_evaluation(method=method, year=2024, user=None)
    t4 = time.perf_counter()
    stored = EvaluationResult.objects.filter(run=run).count()
    print(f"whole run (load, score, store {stored:,} results): {t4 - t3:.2f} s  (goal: under 10 s)")
    print("  of which " + ", ".join(f"{name} {seconds:.2f} s" for name, seconds in parts.items()))
    print(f"grades: {run.grade_counts()}")

    import io

    from yuanqu.evaluation.exporting import write_public_list
    from yuanqu.evaluation.report import write_report

    t5 = time.perf_counter()
    report = io.BytesIO()
    write_report(report, run=run, user=None)
    t6, cpu = time.perf_counter(), time.process_time()
    written = write_public_list(io.BytesIO(), run=run, user=None)
    t7, cpu = time.perf_counter(), time.process_time() - cpu
    print(
        f"summary report (docx, {len(report.getvalue()) / 1024:,.0f} KiB): {t6 - t5:.2f} s; "
        f"public list (xlsx, {written:,} rows): {t7 - t6:.2f} s, CPU {cpu:.2f} s"
    )
    if args.public_list_against:
        public_list_against(args.public_list_against, run, write_public_list)


def public_list_against(revision: str, run, write_public_list, rounds: int = 2) -> None:
    """The public list of ``revision`` and of this tree, alternately on the same run; same cells?"""
    import importlib.util
    import io
    import shutil
    import subprocess
    import tempfile
    from pathlib import Path

    import openpyxl

    root = Path(__file__).resolve().parent.parent
    text = subprocess.run(
        ["git", "show", f"{revision}:src/yuanqu/evaluation/exporting.py"],
        cwd=root,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    path = Path(tempfile.mkdtemp(prefix="yuanqu-exporting-")) / "exporting_then.py"
    path.write_text(text, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("exporting_then", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    shutil.rmtree(path.parent)
    books = {}
    for _ in range(rounds):
        for label, function in ((revision[:12], module.write_public_list), ("now", write_public_list)):
            buffer = io.BytesIO()
            started, cpu = time.perf_counter(), time.process_time()
            function(buffer, run=run, user=None)
            print(
                f"  public list, {label}: {time.perf_counter() - started:.2f} s, "
                f"CPU {time.process_time() - cpu:.2f} s, {len(buffer.getvalue()) / 1e6:.1f} MB"
            )
            books[label] = buffer
    cells = {}
    for label, buffer in books.items():
        book = openpyxl.load_workbook(buffer, read_only=True)
        cells[label] = [(sheet.title, list(sheet.iter_rows(values_only=True))) for sheet in book.worksheets]
    print(f"  same sheets and cells: {len(set(map(repr, cells.values()))) == 1}")


if __name__ == "__main__":
    main()
