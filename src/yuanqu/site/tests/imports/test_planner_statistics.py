"""A large import ends by refreshing the database's planner statistics (ANALYZE); a small one does not."""

from __future__ import annotations

import pytest
from django.db import connection

from yuanqu.core.importing import pipeline
from yuanqu.enterprises.importers import EnterpriseYearImporter
from yuanqu.site.tests.imports.conftest import write_xlsx
from yuanqu.site.tests.imports.test_reimport import year_rows

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="reads SQLite's statistics table")


def analysed_tables() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if cursor.fetchone() is None:
            return set()
        cursor.execute("SELECT DISTINCT tbl FROM sqlite_stat1")
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.parametrize(("threshold", "analysed"), [(2, False), (1, True)])
def test_statistics_after_an_import_of_more_rows_than_the_threshold(
    tmp_path, enterprise_a, monkeypatch, threshold, analysed
):
    assert "enterprises_enterpriseyear" not in analysed_tables()
    monkeypatch.setattr(pipeline, "ANALYZE_AFTER_ROWS", threshold)  # the file has 2 rows
    report = pipeline.run_import(EnterpriseYearImporter(), write_xlsx(tmp_path / "y.xlsx", year_rows(enterprise_a)))
    assert report.written and report.created == 2
    assert ("enterprises_enterpriseyear" in analysed_tables()) is analysed
