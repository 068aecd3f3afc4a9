"""How long a command that touches no data takes to start, against what Django alone costs (issue 18).

    .venv/bin/python benchmarks/bench_startup.py [--repeat 5]

Times, as subprocesses, the median of ``--repeat`` runs, wall clock and processor time (user + system):
``yuanqu --help``; ``yuanqu workdays add DATE N`` on a throw-away database (migrated once, untimed); ``yuanqu
check`` (the system checks every other command runs); and, for the
floor, the bare interpreter, ``import django``, and ``django-admin help`` under a bare settings module with only
Django's contrib apps (admin, auth, contenttypes, sessions, messages, staticfiles) and a one-line URL conf. Prints
the load average before and after (goal: under 0.5 s). ``--src DIR`` times the code of another checkout (its
``src``), e.g. the main branch against a change.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"

BARE_SETTINGS = '''"""Django's floor: only the contrib apps."""
SECRET_KEY = "bench"
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": DB}}
ROOT_URLCONF = "bare_urls"
STATIC_URL = "/static/"
USE_TZ = True
'''

BARE_URLS = """from django.contrib import admin
from django.urls import path

urlpatterns = [path("admin/", admin.site.urls)]
"""


def timed(argv: list[str], env: dict, repeat: int) -> tuple[float, float]:
    """Median wall-clock and processor seconds of running ``argv``."""
    wall, cpu = [], []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        done = subprocess.run(argv, env=env, capture_output=True, text=True)
        wall.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if done.returncode != 0:
            sys.exit(f"{' '.join(argv)} failed:\n{done.stderr}")
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(wall), statistics.median(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--src", type=Path, default=SRC, help="the src folder whose yuanqu to time")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="yuanqu-bench-startup-"))
    try:
        env = {k: v for k, v in os.environ.items() if k not in ("YUANQU_DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(args.src), env.get("PYTHONPATH", "")) if p)
        env["YUANQU_DATA_DIR"] = str(workdir)
        yuanqu = [sys.executable, "-m", "yuanqu.cli"]
        subprocess.run([*yuanqu, "migrate", "-v", "0"], env=env, check=True)

        bare = workdir / "bare"
        bare.mkdir()
        (bare / "bare_settings.py").write_text(f"DB = {str(workdir / 'bare.sqlite3')!r}\n" + BARE_SETTINGS)
        (bare / "bare_urls.py").write_text(BARE_URLS)
        bare_env = {**env, "PYTHONPATH": str(bare), "DJANGO_SETTINGS_MODULE": "bare_settings"}
        # Bytecode for the bare settings too, as the installed packages have theirs.
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(bare)], check=True)

        print(f"{args.src}; load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        rows = [
            ("python -c pass", [sys.executable, "-c", "pass"], env),
            ("python -c 'import django'", [sys.executable, "-c", "import django"], env),
            ("django-admin help (contrib apps only)", [sys.executable, "-m", "django", "help"], bare_env),
            ("django-admin check (contrib apps only)", [sys.executable, "-m", "django", "check"], bare_env),
            ("yuanqu --help", [*yuanqu, "--help"], env),
            ("yuanqu help workdays", [*yuanqu, "help", "workdays"], env),
            ("yuanqu workdays add 2026-12-07 10", [*yuanqu, "workdays", "add", "2026-12-07", "10"], env),
            # What the system checks add to every command that runs them (import the URL conf, every view).
            ("yuanqu check", [*yuanqu, "check"], env),
        ]
        print(f"{'command':<42} {'wall s':>7} {'cpu s':>7}   (medians of {args.repeat})")
        for label, argv, environment in rows:
            wall, cpu = timed(argv, environment, args.repeat)
            print(f"{label:<42} {wall:7.3f} {cpu:7.3f}")
        print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
