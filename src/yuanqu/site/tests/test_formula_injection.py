"""No export plants a formula: text that a spreadsheet would run, stored in names and codes, comes out of every
workbook the platform writes as visible text (formula injection, OWASP), and the stored data is unchanged."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from yuanqu.core.exporting import export_kinds
from yuanqu.core.registry import data_kinds
from yuanqu.enterprises.testing import make_enterprise, make_enterprise_year
from yuanqu.land.testing import make_parcel
from yuanqu.projects.models import Stage
from yuanqu.projects.testing import make_project
from yuanqu.zones.models import Zone
from yuanqu.zones.testing import make_zone

HYPERLINK = '=HYPERLINK("http://x","y")'
PAYLOADS = (HYPERLINK, "=1+1", "+1", "-2+3", "@SUM(A1)")


@pytest.fixture
def planted(db, city_admin):
    """A zone and a sub-park, parcels, enterprises and projects named with each payload."""
    zone = make_zone(HYPERLINK, code="Z001", level="provincial", kind="provincial_dz")
    other = make_zone("=1+1", code="Z002", level="national", kind="htz")
    sub_park = make_zone("@SUM(A1)", code="Z001-P", parent=zone)
    for n, payload in enumerate(PAYLOADS):
        owner = (zone, other, sub_park)[n % 3]
        make_parcel(owner, payload)
        enterprise = make_enterprise(owner, payload)
        make_enterprise_year(enterprise, 2024, tax=Decimal(100 + n), land_mu=Decimal(10 + n))
        make_project(owner, payload, history=[(Stage.LEAD, dt.date(2025, 9, 1)), (Stage.SIGNED, dt.date(2025, 9, 26))])
    return zone, other, sub_park


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def cells(content: bytes) -> list:
    """Every non-empty cell of every sheet of a workbook."""
    book = openpyxl.load_workbook(io.BytesIO(content))
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row if cell.value is not None]


def assert_no_formula(content: bytes, *, shows: tuple[str, ...] = ()) -> list:
    found = cells(content)
    formulas = [(cell.coordinate, cell.value) for cell in found if cell.data_type == "f"]
    assert formulas == []
    texts = [str(cell.value) for cell in found]
    for payload in shows:  # visible, as stored (a title may hold it at its start)
        assert any(text == payload or text.startswith(payload + " ") for text in texts), payload
    # A neutralised cell keeps its exact text and carries Excel's leading apostrophe.
    for cell in found:
        if isinstance(cell.value, str) and cell.value[:1] and cell.value[0] in "=+-@":
            assert cell.quotePrefix, (cell.coordinate, cell.value)
    return found


def test_the_land_ledger_holds_the_codes_and_names_as_text(client, city_admin, planted):
    client.force_login(city_admin)
    response = client.get("/land/ledger/export/")
    assert response.status_code == 200
    assert_no_formula(body(response), shows=PAYLOADS)


def test_the_project_statistics_hold_the_zone_name_as_text(client, city_admin, planted):
    zone, *_ = planted
    client.force_login(city_admin)
    response = client.get("/projects/statistics/export/", {"zone": zone.pk, "year": 2025, "month": 9})
    assert response.status_code == 200
    assert_no_formula(response.content, shows=(HYPERLINK,))


def test_the_evaluation_public_list_holds_the_names_as_text(client, city_admin, planted):
    from yuanqu.evaluation.services import preset_method, run_evaluation

    run = run_evaluation(method=preset_method(name="huangyan-2022"), year=2024, user=None)
    client.force_login(city_admin)
    response = client.get(f"/evaluation/runs/{run.pk}/public-list.xlsx")
    assert response.status_code == 200
    assert_no_formula(body(response), shows=PAYLOADS)
    import docx

    report = client.get(f"/evaluation/runs/{run.pk}/report.docx")
    document = docx.Document(io.BytesIO(body(report)))
    text = "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    assert HYPERLINK in text  # a docx has no formulas: shown as written


def test_the_ranking_workbook_holds_the_zone_names_as_text(client, city_admin, planted):
    from yuanqu.ranking.testing import make_ranking_world

    zone, other, _sub_park = planted
    world = make_ranking_world(zone, other)
    client.force_login(city_admin)
    response = client.get(f"/ranking/runs/{world.runs[2025].pk}/ranking.xlsx")
    assert response.status_code == 200
    found = assert_no_formula(body(response), shows=(HYPERLINK, "=1+1"))
    assert any(cell.data_type == "n" for cell in found)  # totals and ranks stay numbers
    bulletin = client.get(f"/ranking/runs/{world.runs[2025].pk}/bulletin.docx")
    import docx

    document = docx.Document(io.BytesIO(body(bulletin)))
    text = "\n".join(
        [p.text for p in document.paragraphs]
        + [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    )
    assert HYPERLINK in text


@pytest.mark.parametrize("kind", export_kinds())
def test_every_export_and_template_holds_text_as_text_and_reimports_unchanged(client, city_admin, planted, kind):
    client.force_login(city_admin)
    response = client.get(f"/imports/export/{kind}.xlsx")
    assert response.status_code == 200
    assert_no_formula(response.content)
    template = client.get(f"/imports/templates/{kind}.xlsx")
    assert template.status_code == 200
    assert_no_formula(template.content)
    # What an export shows is what is stored, so it reads back unchanged.
    from yuanqu.core.importing.tabular import read_table

    importer = data_kinds[kind].importer()
    table = read_table(io.BytesIO(response.content), importer.schema, filename=f"{kind}.xlsx")
    written = {str(value) for row in table.rows for value in row.values.values() if isinstance(value, str)}
    stored = set(Zone.objects.values_list("name", flat=True)) | set(PAYLOADS)
    if kind in ("zones", "enterprises", "parcels", "projects"):  # the kinds that hold the planted names
        expected = {HYPERLINK, "=1+1", "@SUM(A1)"} if kind == "zones" else set(PAYLOADS)
        assert expected <= written & stored  # read back as stored, not with an apostrophe
    assert not {text for text in written if text.startswith("'")}


def test_negative_numbers_stay_numbers_and_text_stays_text():
    from yuanqu.core import xlsx

    buffer = io.BytesIO()
    book = xlsx.workbook(buffer)
    bold = book.add_format({"bold": True})
    sheet = book.add_worksheet("x")
    sheet.write(0, 0, -5)
    sheet.write_number(0, 1, -2.5)
    sheet.write(0, 2, "-2+3", bold)
    sheet.write_row(1, 0, ["\tx", "\r=1", "ok", "http://example.com", "1e5", "＝1+1"])
    sheet.merge_range(2, 0, 2, 2, "=2*3", bold)
    with pytest.raises(xlsx.FormulaInjectionError):
        sheet.write_formula(3, 0, "=1+1")
    with pytest.raises(xlsx.FormulaInjectionError):
        sheet.write_url(3, 0, "http://example.com")
    book.close()
    found = {cell.coordinate: cell for cell in cells(buffer.getvalue())}
    assert (found["A1"].value, found["A1"].data_type) == (-5, "n")
    assert (found["B1"].value, found["B1"].data_type) == (-2.5, "n")
    assert (found["C1"].value, found["C1"].data_type, found["C1"].quotePrefix, found["C1"].font.b) == (
        "-2+3",
        "s",
        True,
        True,
    )
    assert [found[c].quotePrefix for c in ("A2", "B2", "C2", "D2", "E2", "F2")] == [
        True,
        True,
        False,
        False,
        False,
        True,
    ]
    assert [found[c].data_type for c in ("A2", "B2", "C2", "D2", "E2", "F2")] == ["s"] * 6
    assert (found["A3"].value, found["A3"].data_type, found["A3"].quotePrefix) == ("=2*3", "s", True)


def test_every_workbook_of_the_platform_is_written_through_core_xlsx():
    """No module but core/xlsx.py makes an xlsxwriter workbook itself (tests make hostile files as they please)."""
    root = Path(__file__).resolve().parents[2]
    direct = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "tests" not in path.parts
        and path.name != "xlsx.py"
        and re.search(r"xlsxwriter\.Workbook\(|from xlsxwriter import Workbook|openpyxl\.Workbook\(", path.read_text())
    ]
    assert direct == []


def test_the_supervision_workbooks_hold_the_lines_and_tasks_as_text(client, city_admin, planted):
    """The targets report and the task list's export: line names, units and task titles planted with each payload
    (and a tab or carriage return before one) come out as text, neutralised."""
    from yuanqu.targets.models import ResponsibilityLetter, Target, Task

    zone = planted[0]
    letter = ResponsibilityLetter.objects.create(zone=zone, year=2026, signed_by="@SUM(A1)")
    shifted = ("\t=1+1", "\r=1+1")
    for n, payload in enumerate(PAYLOADS + shifted):
        Target.objects.create(letter=letter, zone=zone, year=2026, name=payload, unit="分", value=90, order=n,
                              responsible_unit=payload)  # fmt: skip
        Task.objects.create(code=f"T{n}", zone=zone, title=payload, lead_unit=payload,
                            assigned_on=dt.date(2026, 5, 6), deadline=dt.date(2026, 9, 30))  # fmt: skip
    client.force_login(city_admin)
    report = client.get("/supervision/report.xlsx", {"year": 2026, "as_of": "2026-06-30"})
    tasks = client.get("/supervision/tasks/export.xlsx")
    for response in (report, tasks):
        assert response.status_code == 200
        found = assert_no_formula(body(response), shows=(*PAYLOADS, "\t=1+1"))
        # The file holds a carriage return as Excel's escape _x000D_, which Excel reads back as the character.
        shifted_cells = [cell for cell in found if cell.value in ("\t=1+1", "_x000D_=1+1")]
        assert {cell.value for cell in shifted_cells} == {"\t=1+1", "_x000D_=1+1"}
        assert all(cell.quotePrefix for cell in shifted_cells)
    assert sorted(Task.objects.values_list("title", flat=True)) == sorted(PAYLOADS + shifted)  # stored unchanged
