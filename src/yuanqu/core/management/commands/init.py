"""`yuanqu init`: create or upgrade the database (no demo data); safe to run any number of times.

Static files need no `collectstatic`: WhiteNoise serves them straight from the installed package through
Django's finders (WHITENOISE_USE_FINDERS), so an upgrade of the package can never leave a stale copy
behind. init only creates the empty STATIC_ROOT that WhiteNoise would otherwise warn about.
"""

from __future__ import annotations

import io
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

VENDOR_PROBE = "vendor/echarts/echarts.min.js"


def pending_migrations() -> list[str]:
    """Names ("app.0001_initial") of the migrations the database still lacks."""
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


def describe_database() -> str:
    """Where the database is, in words (no password)."""
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        return f"SQLite {db['NAME']}"
    host = db.get("HOST") or "localhost"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"{db['ENGINE'].rsplit('.', 1)[-1]} {db['NAME']}@{host}{port}"


class Command(BaseCommand):
    help = "创建或升级数据库（不含演示数据）/ create or upgrade the database, without demo data."

    def handle(self, *args, **options):
        out = self.stdout
        for path, what in (
            (Path(settings.DATA_DIR), "data directory"),
            (Path(settings.MEDIA_ROOT), "uploads"),
            (Path(settings.STATIC_ROOT), "static root"),
        ):
            if path.is_dir():
                continue
            path.mkdir(parents=True, exist_ok=True)
            out.write(f"created {what}: {path}")

        pending = pending_migrations()
        if pending:
            call_command("migrate", interactive=False, verbosity=0)
            out.write(f"database: applied {len(pending)} migration(s) to {describe_database()}")
        else:
            out.write(f"database: up to date ({describe_database()})")

        buffer = io.StringIO()
        call_command("compiletranslations", stdout=buffer)
        out.write(f"translations: {buffer.getvalue().strip()}")

        if finders.find(VENDOR_PROBE):
            out.write("static files: served from the package by WhiteNoise (no collectstatic needed)")
        else:
            out.write(
                self.style.WARNING(
                    "static files: the browser libraries are missing (ECharts, MapLibre, htmx); "
                    "run `make setup` (npm ci && node collect.mjs in frontend/) — charts and maps need them"
                )
            )
