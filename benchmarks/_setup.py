"""What the benchmarks share: Django set up on a throw-away database in a temporary folder, a median timer and a
percentile.
A benchmark script imports it as ``from _setup import ...`` (Python puts the script's folder on the path)."""

from __future__ import annotations

import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def django_on_a_throwaway_database(name: str, *, keep: bool = False, database_url: bool = False) -> Iterator[Path]:
    """Set Django up with its data folder (and SQLite database) in a new temporary folder, migrate, yield the folder.

    ``keep``: leave the folder in place and say where it is. ``database_url``: honour YUANQU_DATABASE_URL (an empty
    test database elsewhere) instead of dropping it. The test client may call the site under any host name.
    """
    workdir = Path(tempfile.mkdtemp(prefix=f"yuanqu-bench-{name}-"))
    try:
        os.environ["YUANQU_DATA_DIR"] = str(workdir)
        if not database_url:
            os.environ.pop("YUANQU_DATABASE_URL", None)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yuanqu.site.settings")
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command

        settings.ALLOWED_HOSTS = ["*"]
        call_command("migrate", verbosity=0)
        yield workdir
    finally:
        if keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def kept_data(model, *, keep: bool, what: str) -> bool:
    """Whether the database already holds what a benchmark builds (rows of ``model``), kept by an earlier run with
    ``--keep``: then it is measured again as it is. Without ``--keep`` a database holding data is refused (the
    script would mix its data with what is there)."""
    if not model.objects.exists():
        return False
    if not keep:
        raise SystemExit(f"the database holds data: give an empty one, or --keep to measure {what} kept in it")
    print(f"reusing {what} kept in the database")
    return True


def median_seconds(function: Callable[[], object], repeat: int) -> float:
    """Median wall-clock seconds of ``repeat`` calls of ``function``."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def percentile(values: list[float], share: float) -> float:
    """The value below which ``share`` of the values lie (nearest rank): ``percentile(times, 0.95)`` is the p95."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]
