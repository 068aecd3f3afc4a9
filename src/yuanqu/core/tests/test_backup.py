"""`yuanqu backup --check`: the copy restores into a new database with the same rows, on SQLite and (where the
tests run on it) PostgreSQL."""

from __future__ import annotations

import io
import shutil

import pytest
from django.core.management import call_command
from django.db import connection

from yuanqu.enterprises.testing import make_enterprise
from yuanqu.zones.testing import make_zone


@pytest.mark.django_db(transaction=True)  # committed rows: what a backup of the live database sees
def test_backup_restores_with_the_same_row_counts(tmp_path):
    if connection.vendor == "postgresql" and not shutil.which("pg_dump"):
        pytest.skip("no PostgreSQL client on this machine")
    zone = make_zone("备份园区", code="BK01")
    for i in range(3):
        make_enterprise(zone, f"备份企业{i}")
    out = io.StringIO()
    call_command("backup", str(tmp_path / "yuanqu.backup"), "--check", stdout=out)
    text = out.getvalue()
    assert "all" in text and "tables have the same row counts" in text
    assert (tmp_path / "yuanqu.backup").stat().st_size > 0
    tables = int(text.split("all ")[1].split()[0])
    assert tables == len(connection.introspection.table_names())
