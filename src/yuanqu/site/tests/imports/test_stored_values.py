"""New enterprise years go to the database a column at a time, decimals as the text the reader made: the rows and
change-log entries stored must be exactly those the row-by-row way (a dict of Decimals per row) stores."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.contenttypes.models import ContentType

from yuanqu.core.importing.pipeline import run_import
from yuanqu.core.importing.tabular import read_table
from yuanqu.core.models import ChangeLogEntry
from yuanqu.enterprises.importers import EnterpriseYearImporter
from yuanqu.enterprises.models import EnterpriseYear
from yuanqu.enterprises.testing import make_enterprise
from yuanqu.site.tests.imports.conftest import YEAR_HEADERS, write_xlsx


class RowByRowImporter(EnterpriseYearImporter):
    """The plan as it was before the column-at-a-time creates: each new year's values a dict of the row's parsed
    values (Decimals), without the code and name, a blank flag as "no", with its enterprise."""

    def plan(self, table, *, user, problems):
        plan = super().plan(table, user=user, problems=problems)
        assert plan.created_columns is not None
        by_row = {parsed.row: parsed.values for parsed in table.rows}
        blank_flags = [flag for flag in self.FLAGS if flag in table.headers and None in table.column(flag)]
        for change in plan.creates:
            values = dict(by_row[change.row])
            del values["uscc"]
            values.pop("name", None)
            for flag in blank_flags:
                if values[flag] is None:
                    values[flag] = False
            values["enterprise_id"] = change.key[0]
            change.values = values
        plan.created_columns = None
        return plan


def stored() -> tuple[list[tuple], list[tuple]]:
    """Every enterprise year as stored (the database's own values), and every change-log entry without its ids."""
    fields = [f.attname for f in EnterpriseYear._meta.concrete_fields if f.attname not in ("id", "updated")]
    years = sorted(EnterpriseYear.objects.values_list(*fields))
    raw = sorted(
        EnterpriseYear.objects.extra(
            select={"raw_tax": "CAST(tax AS TEXT)", "raw_land": "CAST(land_mu AS TEXT)"}
        ).values_list("enterprise_id", "year", "raw_tax", "raw_land")
    )
    entries = sorted(
        (
            entry.action,
            entry.object_repr,
            entry.zone_id,
            entry.source,
            tuple(entry.changed_fields),
            tuple(sorted((name, value) for name, value in entry.after.items() if name != "id")),
        )
        for entry in ChangeLogEntry.objects.filter(content_type=ContentType.objects.get_for_model(EnterpriseYear))
    )
    return [*years, *raw], entries


def test_new_years_store_the_same_values_and_log_entries_as_row_by_row(tmp_path, zone_a):
    enterprises = [make_enterprise(zone_a, f"企业{n}") for n in range(6)]
    rows = [
        YEAR_HEADERS,
        # 18 digits (as text: a float keeps 17), a thousands separator, a minus zero.
        [enterprises[0].uscc, "企业0", 2024, "是", 0.0001, "12345678901234.5678", "1,234.50", -0.0, 5, 6, 7, 8, 9, 10],
        [
            enterprises[1].uscc,
            "企业1",
            2024,
            "否",
            12.5,
            9876543210.9876,
            0.1,
            0.30000000000000004,
            -5,
            0,
            0,
            0,
            0,
            1,
        ],
        [
            enterprises[2].uscc,
            "企业2",
            2024,
            None,
            300,
            1e-5,
            1e13,
            123456789.12345,
            None,
            None,
            None,
            None,
            None,
            None,
        ],
        [enterprises[3].uscc, "企业3", 2024, "是", 1 / 3, -1234.5, 2.675, 0.125, 1.0, 1e-4, 99.99999, 3, 4, 5],
        [enterprises[4].uscc, "企业4", 2025, "是", 7, "1,234,567.8", "0012.5000", "-0.0", 1, 2, 3, 4, 5, 6],
    ]
    # The same figures in 元 (converted to 万元) and in 公顷 (to 亩) in a second file, for other enterprises.
    converted_headers = [*YEAR_HEADERS[:4], "用地面积(公顷)", "实缴税收(元)", *YEAR_HEADERS[6:]]
    converted = [converted_headers] + [
        [enterprises[5].uscc, "企业5", year, *row[3:]] for year, row in zip(range(2020, 2025), rows[1:], strict=True)
    ]
    files = [write_xlsx(tmp_path / "plain.xlsx", rows), write_xlsx(tmp_path / "converted.xlsx", converted)]

    results = []
    for importer in (EnterpriseYearImporter(), RowByRowImporter()):
        for path in files:
            report = run_import(importer, path, filename=path.name)
            assert report.ok, report.lines()
            assert report.created == 5
        results.append(stored())
        EnterpriseYear.objects.all().delete()
        ChangeLogEntry.objects.all().delete()

    columnar, row_by_row = results
    assert columnar == row_by_row
    years, entries = columnar
    assert len(entries) == 10
    tax = {(year[0], year[1]): year[4] for year in years[:10]}
    revenue = {(year[0], year[1]): year[5] for year in years[:10]}
    assert tax[(enterprises[1].pk, 2024)] == Decimal("9876543210.9876")
    assert tax[(enterprises[3].pk, 2024)] == Decimal("-1234.5000")
    assert revenue[(enterprises[0].pk, 2024)] == Decimal("1234.5000")
    assert tax[(enterprises[5].pk, 2023)] == Decimal("-0.1235")  # 元 -> 万元, rounded half up at 4 places


def test_the_texts_the_reader_keeps_are_those_str_writes_for_the_decimals(tmp_path, zone_a):
    enterprise = make_enterprise(zone_a, "企业")
    figures = [0.0001, -0.0, 12.5, 1e-4, 99999999999.9999, 0.1, 2.675, 123456.0, 7.0, -3.25]
    rows = [YEAR_HEADERS] + [
        [enterprise.uscc, "企业", 2000 + n, "是", value, value, value, None if n % 3 else value, 1, 2, 3, 4, 5, 6]
        for n, value in enumerate(figures)
    ]
    table = read_table(write_xlsx(tmp_path / "figures.xlsx", rows), EnterpriseYearImporter.schema)

    assert set(table.texts) >= {"land_mu", "tax", "revenue", "industrial_output"}
    for key, texts in table.texts.items():
        assert texts == [None if value is None else str(value) for value in table.column(key)]
    assert table.texts["tax"][:2] == ["0.0001", "-0.0000"]
    assert table.texts["industrial_output"][:2] == ["0.0001", None]
    assert table.column("tax")[4] == Decimal("99999999999.9999")


def test_bounds_checked_on_the_texts_still_name_every_value_at_the_edge(tmp_path, zone_a):
    enterprise = make_enterprise(zone_a, "企业")
    edges = [
        # land (below 10**10 亩), tax (may be negative), energy (may not be negative)
        (9999999999.9999, -99999999999.9999, 0.0),
        (10000000000.0, 5.0, -0.0),
        (12.5, 5.0, -0.0001),
    ]
    rows = [YEAR_HEADERS] + [
        [enterprise.uscc, "企业", 2000 + n, "是", land, tax, 1, 1, 1, energy, 1, 1, 1, 1]
        for n, (land, tax, energy) in enumerate(edges)
    ]
    path = write_xlsx(tmp_path / "edges.xlsx", rows)

    report = run_import(EnterpriseYearImporter(), path, filename=path.name)

    assert [(p.row, p.column, p.value, p.reason_zh, p.reason_en) for p in report.problems] == [
        (
            3,
            "用地面积(亩)",
            "10000000000",
            "数值过大（应小于 10,000,000,000）",
            "too large (must be below 10,000,000,000)",
        ),
        (4, "综合能耗(吨标准煤)", "-0.0001", "不能为负数", "may not be negative"),
    ]
    assert not EnterpriseYear.objects.exists()


def test_new_years_among_updated_and_unchanged_ones_store_the_same_as_row_by_row(tmp_path, zone_a):
    enterprises = [make_enterprise(zone_a, f"企业{n}") for n in range(3)]

    def row(enterprise, year, tax, above_scale="是"):
        return [enterprise.uscc, enterprise.name, year, above_scale, 12.5, tax, 3.25, 4, 5, 6, 7, 8, 9, 10]

    first = write_xlsx(
        tmp_path / "first.xlsx", [YEAR_HEADERS, row(enterprises[0], 2024, 1.5), row(enterprises[1], 2024, 2)]
    )
    second = write_xlsx(
        tmp_path / "second.xlsx",
        [
            YEAR_HEADERS,
            row(enterprises[0], 2023, 0.125, above_scale=None),  # new, a blank flag
            row(enterprises[0], 2024, 1.75),  # changed
            row(enterprises[1], 2024, 2),  # unchanged
            row(enterprises[2], 2024, "1,000.5"),  # new
        ],
    )
    results = []
    for importer in (EnterpriseYearImporter(), RowByRowImporter()):
        run_import(importer, first, filename=first.name)
        report = run_import(importer, second, filename=second.name)
        assert (report.created, report.updated, report.unchanged) == (2, 1, 1)
        results.append(stored())
        EnterpriseYear.objects.all().delete()
        ChangeLogEntry.objects.all().delete()

    assert results[0] == results[1]
    years = {(year[0], year[1]): year for year in results[0][0][:4]}
    assert years[(enterprises[0].pk, 2023)][2:5] == (False, Decimal("12.5000"), Decimal("0.1250"))
    assert years[(enterprises[2].pk, 2024)][4] == Decimal("1000.5000")
