"""Import 100,000 enterprise-year rows from xlsx, against the time merely to read that file.

    .venv/bin/python benchmarks/bench_import.py [--rows 100000] [--keep]

Runs on a throw-away SQLite database; prints the figures and the ratio (goal: import ≤ 4 × bare read).
Wall-clock and CPU times are both printed: on a shared machine the CPU ratio is the steadier figure.
The import is timed in this process (read, validate, write), and as the whole `yuanqu import` command in a
subprocess, on a copy of the database as it was before the first import (start-up, system checks, import, exit),
with and without the system checks (``--skip-checks``), and once more on the first copy, where nothing changed.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

from _setup import django_on_a_throwaway_database

SRC = Path(__file__).resolve().parents[1] / "src"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3, help="repetitions of the bare read")
    parser.add_argument("--keep", action="store_true", help="keep the work directory (file and database)")
    parser.add_argument("--src", type=Path, default=SRC, help="the src folder whose `yuanqu import` command to time")
    args = parser.parse_args()

    with django_on_a_throwaway_database("import", keep=args.keep) as workdir:
        run(args, workdir)


def run(args, workdir: Path) -> None:
    from python_calamine import CalamineWorkbook

    from yuanqu.core.importing.pipeline import run_import, template_columns
    from yuanqu.core.importing.tabular import write_rows
    from yuanqu.enterprises.importers import EnterpriseYearImporter
    from yuanqu.enterprises.models import Enterprise
    from yuanqu.enterprises.testing import make_uscc
    from yuanqu.zones.models import Zone

    zone = Zone.objects.create(code="BENCH", name="基准测试园区")
    n_enterprises = args.rows // args.years
    Enterprise.objects.bulk_create(
        [Enterprise(uscc=make_uscc(i), name=f"基准企业{i}", zone=zone) for i in range(n_enterprises)], batch_size=5000
    )
    rng = random.Random(7)
    rows = []
    for i in range(n_enterprises):
        uscc = make_uscc(i)
        land = Decimal(rng.randint(5, 300))
        for year in range(2025 - args.years + 1, 2026):
            rows.append(
                {
                    "uscc": uscc,
                    "name": f"基准企业{i}",
                    "year": year,
                    "above_scale": rng.random() < 0.6,
                    "land_mu": land,
                    "tax": Decimal(rng.randint(1, 400000)) / 100,
                    "revenue": Decimal(rng.randint(100, 9000000)) / 100,
                    "industrial_output": Decimal(rng.randint(100, 9000000)) / 100,
                    "value_added": Decimal(rng.randint(100, 2000000)) / 100,
                    "energy_tce": Decimal(rng.randint(10, 500000)) / 100,
                    "electricity": Decimal(rng.randint(10, 500000)) / 100,
                    "emissions": Decimal(rng.randint(0, 50000)) / 100,
                    "rd_spending": Decimal(rng.randint(0, 200000)) / 100,
                    "employees": rng.randint(5, 3000),
                }
            )
    path = workdir / "enterprise-years.xlsx"
    schema = template_columns(EnterpriseYearImporter())
    write_rows(path, schema, rows, title="基准测试")
    print(f"file: {len(rows):,} rows x {len(schema)} columns, {path.stat().st_size / 1e6:.1f} MB")

    reads, cpu_reads = [], []
    for _ in range(args.repeat):
        started, cpu = time.perf_counter(), time.process_time()
        CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
        reads.append(time.perf_counter() - started)
        cpu_reads.append(time.process_time() - cpu)
    bare, bare_cpu = statistics.median(reads), statistics.median(cpu_reads)
    print(f"bare read (python-calamine, median of {args.repeat}): {bare:.2f} s (CPU {bare_cpu:.2f} s)")

    # The database as it is before any import, twice, for the command to import into (with and without checks).
    from django.db import connection

    command_dirs = [workdir / "command", workdir / "command-skip-checks"]
    for command_dir in command_dirs:
        command_dir.mkdir()
        with (
            sqlite3.connect(connection.settings_dict["NAME"]) as source,
            sqlite3.connect(command_dir / "yuanqu.sqlite3") as target,
        ):
            source.backup(target)

    def timed_import(what: str) -> float:
        started, cpu = time.perf_counter(), time.process_time()
        report = run_import(EnterpriseYearImporter(), path, filename=path.name)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        if not report.ok:
            print("\n".join(report.lines()[:20]), file=sys.stderr)
            sys.exit(1)
        done = (
            f"{report.created:,} created, change log included" if report.created else f"{report.unchanged:,} unchanged"
        )
        print(
            f"{what} ({done}): {seconds:.2f} s = {seconds / bare:.2f} x bare read "
            f"(CPU {cpu:.2f} s = {cpu / bare_cpu:.2f} x)"
        )
        return seconds

    first = timed_import("import, all new")
    timed_import("re-import, nothing changed")
    print(f"goal: import within 4 x bare read (python-calamine) -> {'met' if first <= 4 * bare else 'NOT met'}")

    # The whole command, as a user runs it: Python and Django start, the system checks run (they import the whole
    # site: URL conf, views, forms, admin), the import, the exit; then the same without the checks.
    # The first database then holds the file: the same command again finds every row unchanged.
    for command_dir, extra, what in (
        (command_dirs[0], [], "all new"),
        (command_dirs[1], ["--skip-checks"], "all new"),
        (command_dirs[0], [], "nothing changed"),
    ):
        seconds, cpu, last = timed_command(path, command_dir, extra, src=args.src)
        print(f"  {last}")
        print(
            f"`yuanqu import enterprise-years FILE{' ' if extra else ''}{' '.join(extra)}`, the whole command, {what}: "
            f"{seconds:.2f} s = {seconds / bare:.2f} x bare read (CPU {cpu:.2f} s = {cpu / bare_cpu:.2f} x) "
            f"-> {'met' if seconds <= 4 * bare else 'NOT met'}"
        )

    # For scale: the same file read cell by cell with openpyxl, the other common way to read xlsx.
    import openpyxl

    started = time.perf_counter()
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    for _row in workbook.worksheets[0].iter_rows(values_only=True):
        pass
    workbook.close()
    slow = time.perf_counter() - started
    print(f"for scale, a read with openpyxl (read-only): {slow:.2f} s; the import takes {first / slow:.2f} x that")


def timed_command(path: Path, data_dir: Path, extra: list[str], *, src: Path) -> tuple[float, float, str]:
    """Wall-clock and processor seconds of `yuanqu import enterprise-years FILE` on the database in ``data_dir``,
    and the summary line it printed."""
    env = {**os.environ, "YUANQU_DATA_DIR": str(data_dir)}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(src), env.get("PYTHONPATH", "")) if p)
    env.pop("YUANQU_DATABASE_URL", None)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "yuanqu.cli", "import", "enterprise-years", str(path), *extra],
        env=env,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        print(done.stdout[-2000:], done.stderr[-2000:], file=sys.stderr)
        sys.exit(1)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return seconds, cpu, done.stdout.strip().splitlines()[-1]


if __name__ == "__main__":
    main()
