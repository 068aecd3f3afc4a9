"""`yuanqu backup FILE [--check]`: a consistent copy of the database in one file, and, with --check, proof that it
restores: it is restored into a new database whose row counts, table by table, are compared with the live one's.

PostgreSQL: `pg_dump --format=custom` (restore with `pg_restore`, see docs/deployment.md); the check restores into
a new database beside the live one (``<name>_restore_check``) and drops it afterwards. SQLite: SQLite's own online
backup (a consistent copy while the server runs); the check opens the copy as a new database.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection


def table_counts(cursor, tables: list[str], quote) -> dict[str, int]:
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")
        counts[table] = cursor.fetchone()[0]
    return counts


def _pg_env(settings: dict) -> dict:
    env = {**os.environ}
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if settings.get(key):
            env[var] = str(settings[key])
    return env


def _run(command: list[str], env: dict) -> None:
    if shutil.which(command[0]) is None:
        raise CommandError(
            f"找不到 {command[0]}（PostgreSQL 客户端） / {command[0]} (the PostgreSQL client) is not installed"
        )
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise CommandError(f"{' '.join(command[:2])}: {done.stderr.strip()[-2000:]}")


class Command(BaseCommand):
    help = "备份数据库到一个文件，--check 还原到新数据库并逐表核对行数 / back the database up into FILE; --check restores it"

    def add_arguments(self, parser):
        parser.add_argument("file", help="the backup file to write")
        parser.add_argument("--check", action="store_true", help="restore into a new database and compare row counts")

    def handle(self, *args, file: str, check: bool, **options):
        target = Path(file)
        target.parent.mkdir(parents=True, exist_ok=True)
        tables = sorted(connection.introspection.table_names())
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            live = table_counts(cursor, tables, quote)
        if connection.vendor == "postgresql":
            restored = self.postgresql(target, tables, quote, check=check)
        elif connection.vendor == "sqlite":
            restored = self.sqlite(target, tables, quote, check=check)
        else:
            raise CommandError(f"不支持的数据库 / unsupported database: {connection.vendor}")
        rows = sum(live.values())
        self.stdout.write(f"backup: {target} ({target.stat().st_size:,} bytes; {len(tables)} tables, {rows:,} rows)")
        if restored is None:
            return
        differ = [(t, live[t], restored.get(t)) for t in tables if restored.get(t) != live[t]]
        if differ:
            listed = "; ".join(f"{t}: {a} ≠ {b}" for t, a, b in differ[:20])
            raise CommandError(f"还原后的行数不一致 / the restored database differs: {listed}")
        self.stdout.write(f"check: restored into a new database; all {len(tables)} tables have the same row counts")

    def postgresql(self, target: Path, tables, quote, *, check: bool) -> dict | None:
        settings = connection.settings_dict
        env = _pg_env(settings)
        _run(["pg_dump", "--format=custom", "--no-owner", f"--file={target}", settings["NAME"]], env)
        if not check:
            return None
        import psycopg

        scratch = f"{settings['NAME']}_restore_check"[:63]
        _run(["dropdb", "--if-exists", scratch], env)
        _run(["createdb", scratch], env)
        try:
            _run(["pg_restore", "--no-owner", f"--dbname={scratch}", str(target)], env)
            params = {k.lower(): settings[k] for k in ("HOST", "PORT", "USER", "PASSWORD") if settings.get(k)}
            with psycopg.connect(dbname=scratch, **params) as restored, restored.cursor() as cursor:
                return table_counts(cursor, tables, quote)
        finally:
            _run(["dropdb", "--if-exists", scratch], env)

    def sqlite(self, target: Path, tables, quote, *, check: bool) -> dict | None:
        connection.ensure_connection()
        with sqlite3.connect(target) as copy:
            connection.connection.backup(copy)
        copy.close()
        if not check:
            return None
        with tempfile.TemporaryDirectory() as folder:
            scratch = Path(folder) / "restored.sqlite3"
            shutil.copyfile(target, scratch)  # a restore is putting the file in place
            restored = sqlite3.connect(scratch)
            try:
                return table_counts(restored.cursor(), tables, quote)
            finally:
                restored.close()
