"""Hostile and oversized files: every bound is checked before the reader touches the file, and a file that
breaks one is refused with a message naming the bound and what the file claims. The hostile files are made
here; those that would once have aborted the process are read in a child process, so a regression fails
the test instead of killing the test run."""

from __future__ import annotations

import io
import os
import struct
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from yuanqu.core.importing import limits as bounds
from yuanqu.core.importing.limits import Limits
from yuanqu.core.importing.problems import Problem, ProblemList
from yuanqu.core.importing.tabular import Column, read_table

SCHEMA = (
    Column("code", "代码", "text", required=True),
    Column("tax", "税收", "decimal", unit="万元"),
)

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships '
    'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook '
    'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
    '<sheet name="数据" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships '
    'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/></Relationships>'
)
HEADER_ROW = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>代码</t></is></c><c r="B1" t="inlineStr"><is><t>税收</t></is></c></row>'
)


def xlsx_bytes(sheet_data: str, *, dimension: str | None = None, extra: dict[str, bytes] | None = None) -> bytes:
    """A minimal workbook written by hand, one sheet named 数据 holding ``sheet_data`` (rows of cells)."""
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet '
        f'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{dim}<sheetData>{sheet_data}'
        "</sheetData></worksheet>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


FAR_CELL = xlsx_bytes(HEADER_ROW + '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>', dimension="A1:XFD1048576")


def read_in_child(path: Path, **limits) -> tuple[int, str, float]:
    """read_table in a child process: (exit code, what it printed, seconds). A reader that aborts the
    process (exit 134, as calamine did on XFD1048576) fails the test, not the test run."""
    code = (
        "import sys\n"
        "from yuanqu.core.importing.limits import Limits\n"
        "from yuanqu.core.importing.tabular import Column, read_table\n"
        "schema = (Column('code', '代码', 'text', required=True), Column('tax', '税收', 'decimal', unit='万元'))\n"
        f"table = read_table(sys.argv[1], schema, limits=Limits(**{limits!r}))\n"
        "print(len(table.rows), *(str(p) for p in table.problems), sep='\\n')\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, env=env, timeout=120, check=False
    )
    return done.returncode, done.stdout + done.stderr, time.perf_counter() - started


def test_a_tiny_xlsx_claiming_the_last_cell_is_refused_without_touching_the_reader(tmp_path):
    path = tmp_path / "far.xlsx"
    path.write_bytes(FAR_CELL)
    assert len(FAR_CELL) < 2000
    code, output, seconds = read_in_child(path)
    assert code == 0, output
    assert output.splitlines() == [
        "0",
        "工作表「数据」有 1,048,576 行（最远的单元格 XFD1048576），超过上限 200,000 行（YUANQU_IMPORT_MAX_ROWS） | "
        "sheet '数据' has 1,048,576 rows (farthest cell XFD1048576), above the limit of 200,000 "
        "(YUANQU_IMPORT_MAX_ROWS)",
    ]
    assert seconds < 30


def test_a_far_cell_written_unusually_is_found_too(tmp_path):
    # The reference after another attribute, a prefixed namespace, and no <dimension> at all: each defeats the
    # quick pass, so every cell reference is read.
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?><x:worksheet '
        'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>'
        '<x:row r="1"><x:c t="inlineStr" r="A1"><x:is><x:t>代码</x:t></x:is></x:c></x:row>'
        '<x:row r="2"><x:c s="0" r="ZZ900000"><x:v>1</x:v></x:c></x:row></x:sheetData></x:worksheet>'
    )
    data = xlsx_bytes("")
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            body = sheet.encode() if info.filename.endswith("sheet1.xml") else source.read(info)
            target.writestr(info.filename, body)
    path = tmp_path / "prefixed.xlsx"
    path.write_bytes(buffer.getvalue())
    code, output, _seconds = read_in_child(path)
    assert code == 0, output
    assert "工作表「数据」有 900,000 行（最远的单元格 ZZ900000）" in output


def test_columns_and_cells_have_bounds_of_their_own(tmp_path):
    wide = xlsx_bytes(HEADER_ROW + '<row r="2"><c r="A2"><v>1</v></c><c r="AAA2"><v>2</v></c></row>')
    table = read_table(wide, SCHEMA, filename="wide.xlsx")
    assert [p.reason_en for p in table.problems] == [
        "sheet '数据' has 703 columns (farthest cell AAA2), above the limit of 500 (YUANQU_IMPORT_MAX_COLUMNS)"
    ]
    # 5,000 rows x 300 columns: within the rows and the columns, not within 1,000,000 cells.
    square = xlsx_bytes(HEADER_ROW + '<row r="5000"><c r="KN5000"><v>1</v></c></row>')
    table = read_table(square, SCHEMA, filename="square.xlsx", limits=Limits(cells=1_000_000))
    assert [p.reason_en for p in table.problems] == [
        "sheet '数据' has 1,500,000 cells (5,000 rows x 300 columns (farthest cell KN5000)), above the limit of "
        "1,000,000 (YUANQU_IMPORT_MAX_CELLS)"
    ]


def test_an_inflated_dimension_alone_is_not_held_against_a_file():
    # Excel counts formatted empty cells in <dimension>; the reader sizes its grid from the cells.
    data = xlsx_bytes(
        HEADER_ROW + '<row r="2"><c r="A2" t="inlineStr"><is><t>G1</t></is></c><c r="B2"><v>12.5</v></c></row>'
        '<row r="1048576"><c r="XFD1048576" s="1"/></row>',
        dimension="A1:XFD1048576",
    )
    table = read_table(data, SCHEMA, filename="formatted.xlsx")
    assert table.problems == []
    assert [(r.row, r.values["code"], str(r.values["tax"])) for r in table.rows] == [(2, "G1", "12.5000")]


def test_a_zip_bomb_is_refused_from_its_directory(tmp_path):
    bomb = xlsx_bytes(HEADER_ROW, extra={"xl/media/padding.bin": b"\0" * (64 * 1024 * 1024)})
    assert len(bomb) < 200_000
    table = read_table(bomb, SCHEMA, filename="bomb.xlsx")
    [problem] = table.problems
    assert problem.reason_en.startswith("xl/media/padding.bin in the archive is packed ")
    assert problem.reason_en.endswith(":1 (64.0 MB unpacked), like a zip bomb; refused")
    # Within the ratio but beyond what the archive may unpack to in all.
    table = read_table(bomb, SCHEMA, filename="bomb.xlsx", limits=Limits(unpacked_bytes=32 * 1024 * 1024))
    assert "above the limit of 32.0 MB (YUANQU_IMPORT_MAX_UNPACKED_MB" in table.problems[0].reason_en or (
        "like a zip bomb" in table.problems[0].reason_en
    )


def test_a_directory_that_understates_a_member_is_caught_while_unpacking(tmp_path):
    data = bytearray(xlsx_bytes(HEADER_ROW, extra={"xl/media/a.bin": os.urandom(2048)}))
    # Shrink the member's unpacked size in the central directory: the data then fail their CRC.
    name = b"xl/media/a.bin"
    central = data.rindex(b"PK\x01\x02" + bytes(data[data.rindex(b"PK\x01\x02") + 4 : data.rindex(b"PK\x01\x02") + 4]))
    central = data.rfind(name) - 46
    assert data[central : central + 4] == b"PK\x01\x02"
    struct.pack_into("<I", data, central + 24, 16)
    table = read_table(bytes(data), SCHEMA, filename="forged.xlsx")
    [problem] = table.problems
    assert problem.reason_en.startswith("the file is damaged or not an Excel file (")


def ods_bytes(body: str) -> bytes:
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="数据">{body}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content)
        archive.writestr("META-INF/manifest.xml", manifest)
    return buffer.getvalue()


ODS_HEADER = (
    '<table:table-row><table:table-cell office:value-type="string"><text:p>代码</text:p></table:table-cell>'
    '<table:table-cell office:value-type="string"><text:p>税收</text:p></table:table-cell></table:table-row>'
)


def test_an_ods_with_huge_repeats_is_refused(tmp_path):
    path = tmp_path / "repeats.ods"
    path.write_bytes(
        ods_bytes(
            ODS_HEADER + '<table:table-row table:number-rows-repeated="1000000">'
            '<table:table-cell table:number-columns-repeated="16384" office:value-type="float" office:value="1"/>'
            "</table:table-row>"
        )
    )
    code, output, _seconds = read_in_child(path)
    assert code == 0, output
    assert output.splitlines()[1] == (
        "工作表「数据」有 1,000,001 行（最远的单元格 XFD1000001），超过上限 200,000 行（YUANQU_IMPORT_MAX_ROWS） | "
        "sheet '数据' has 1,000,001 rows (farthest cell XFD1000001), above the limit of 200,000 "
        "(YUANQU_IMPORT_MAX_ROWS)"
    )


def test_an_ods_ending_in_libreoffices_empty_repeats_reads(tmp_path):
    data = ods_bytes(
        ODS_HEADER + '<table:table-row><table:table-cell office:value-type="string"><text:p>G1</text:p>'
        '</table:table-cell><table:table-cell office:value-type="float" office:value="3"><text:p>3</text:p>'
        '</table:table-cell><table:table-cell table:number-columns-repeated="1022"/></table:table-row>'
        '<table:table-row table:number-rows-repeated="1048573"><table:table-cell '
        'table:number-columns-repeated="1024"/></table:table-row>'
    )
    extents = bounds.inspect_zip(io.BytesIO(data), Limits(), packed_size=len(data)).sheets
    assert extents == {"数据": bounds.Extent(rows=2, columns=2, cells=4, corner="B2")}
    table = read_table(data, SCHEMA, filename="libre.ods")
    assert table.problems == []
    assert [(r.values["code"], str(r.values["tax"])) for r in table.rows] == [("G1", "3.0000")]


def test_xlsb_records_are_measured():
    def record(kind: int, data: bytes) -> bytes:
        head = bytes([kind]) if kind < 0x80 else bytes([(kind & 0x7F) | 0x80, kind >> 7])
        return head + bytes([len(data)]) + data

    stream = (
        record(0x0094, struct.pack("<IIII", 0, 9, 0, 3))  # the dimension, not believed
        + record(0, struct.pack("<I", 0) + b"\0" * 8)
        + record(5, struct.pack("<I", 1) + b"\0" * 4 + struct.pack("<d", 1.5))
        + record(0, struct.pack("<I", 1048575) + b"\0" * 8)
        + record(1, struct.pack("<I", 16383) + b"\0" * 4)  # a blank cell: skipped by the reader
        + record(5, struct.pack("<I", 700) + b"\0" * 4 + struct.pack("<d", 2.0))
    )
    chunks = iter([stream[:7], stream[7:20], stream[20:]])
    assert bounds._xlsb_extent(chunks) == bounds.Extent(rows=1048576, columns=701, cells=2, corner="ZY1048576")


def test_csv_rows_columns_and_cells_are_bounded():
    rows = "代码,税收\n" + "G1,1\n" * 150
    table = read_table(rows.encode(), SCHEMA, filename="rows.csv", limits=Limits(rows=100))
    assert [p.reason_en for p in table.problems] == ["the file has more than 100 rows (YUANQU_IMPORT_MAX_ROWS)"]
    wide = "代码,税收\n" + "G1,1" + ",x" * 600 + "\n"
    table = read_table(wide.encode(), SCHEMA, filename="wide.csv")
    assert [p.reason_en for p in table.problems] == [
        "row 2 has 602 columns, above the limit of 500 (YUANQU_IMPORT_MAX_COLUMNS)"
    ]
    cells = "代码,税收" + ",x" * 98 + "\n" + ("G1,1" + ",x" * 98 + "\n") * 100
    table = read_table(cells.encode(), SCHEMA, filename="cells.csv", limits=Limits(cells=5000))
    assert [p.reason_en for p in table.problems] == [
        "the file has 5,100 cells (51 rows x 100 columns), above the limit of 5,000 (YUANQU_IMPORT_MAX_CELLS)"
    ]


def test_a_file_larger_than_the_limit_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "big.csv"
    path.write_bytes(b"x" * (3 * 1024 * 1024))
    table = read_table(path, SCHEMA, limits=Limits(file_bytes=2 * 1024 * 1024))
    assert [p.reason_en for p in table.problems] == [
        "the file is 3.0 MB, above the limit of 2.0 MB (YUANQU_IMPORT_MAX_FILE_MB)"
    ]


def test_gbk_behind_a_utf8_byte_order_mark_is_an_encoding_problem():
    data = b"\xef\xbb\xbf" + "代码,税收\nG1,1\n".encode("gbk")
    table = read_table(data, SCHEMA, filename="bom.csv")
    assert [(p.row, p.reason_zh) for p in table.problems] == [
        (None, "无法识别文件编码（应为 UTF-8 或 GBK）：文件开头标明是 UTF-8，但内容不是 UTF-8，请另存为 UTF-8")
    ]
    broken_utf16 = b"\xff\xfe" + "代码,税收\n".encode("utf-16-le") + b"\x00\xd8"
    table = read_table(broken_utf16, SCHEMA, filename="u16.csv")
    assert [p.reason_en for p in table.problems] == [
        "unknown text encoding (expected UTF-8 or GBK): the file starts with a UTF-16 byte-order mark but is not UTF-16"
    ]


def test_ten_thousand_bad_rows_keep_the_first_problems_and_count_them_all():
    text = "代码,税收\n" + "".join(f"G{i},abc\n" if i % 2 else f",{i}\n" for i in range(10_000))
    table = read_table(text.encode(), SCHEMA, filename="bad.csv", limits=Limits(problems=50))
    problems = table.problems.finish()
    assert problems.total == 10_000
    assert len(problems) == 50
    assert [(p.row, p.column) for p in problems[:3]] == [(2, "代码"), (3, "税收"), (4, "代码")]
    assert problems[-1].row == 51
    assert problems.omitted == 9_950
    assert [(c.column, c.reason_en, c.count) for c in problems.by_reason()] == [
        ("代码", "required value is empty", 5_000),
        ("税收", "not a number", 5_000),
    ]


def test_problem_list_keeps_the_earliest_rows_whatever_the_order_they_come_in():
    problems = ProblemList(limit=3)
    for row in (9, 1, 8, 2, 7, 3, 6, None):
        problems.append(Problem(row, "列", None, "错", "wrong"))
    problems.sort(key=lambda p: (p.row or 0, p.column or ""))
    assert [p.row for p in problems] == [None, 1, 2]
    assert (problems.total, problems.omitted) == (8, 5)
    renumbered = problems.mapped(lambda p: Problem((p.row or 0) + 10, p.column, None, p.reason_zh, p.reason_en))
    assert [p.row for p in renumbered] == [10, 11, 12]
    assert renumbered.total == 8


@pytest.mark.parametrize(
    ("rows", "columns", "inside", "outside"),
    [
        (100000, 14, ["A1", "N100000", "M99999", "A9", "B10000"], ["O1", "A100001", "AA1", "N200000", "A0"]),
        (30002, 14, ["A10000", "N999", "C30002", "D30001", "E29999", "F1"], ["A30003", "A40000", "A300020", "A01"]),
        (7, 28, ["AB7", "Z1", "AA5"], ["AC1", "A8", "BA1", "AAA1"]),
        (200000, 500, ["SF200000", "SE1", "RZ199999", "A1"], ["SG1", "TA1", "ZZ1", "A200001"]),
    ],
)
def test_the_quick_pass_tells_cells_inside_the_dimension(rows, columns, inside, outside):
    pattern = bounds._beyond(rows, columns)
    for ref in inside:
        assert pattern.search(f'<c r="{ref}" t="s">'.encode()) is None, ref
    for ref in outside:
        assert pattern.search(f'<c r="{ref}">'.encode()) is not None, ref
    assert pattern.search(b'<c s="1" r="A1">') is not None  # not written plainly: read every cell
    assert pattern.search(b"<c>") is not None and pattern.search(b'<c\nr="A1">') is not None
    assert pattern.search(b'<col min="1"/><cfRule type="x"/>') is None


def test_a_sheet_stored_outside_the_usual_folder_is_measured_too(tmp_path):
    data = FAR_CELL
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info)
            name = info.filename
            if name == "xl/worksheets/sheet1.xml":
                name = "xl/elsewhere.xml"
            elif name == "xl/_rels/workbook.xml.rels":
                body = body.replace(b"worksheets/sheet1.xml", b"elsewhere.xml")
            elif name == "[Content_Types].xml":
                body = body.replace(b"/xl/worksheets/sheet1.xml", b"/xl/elsewhere.xml")
            target.writestr(name, body)
    path = tmp_path / "elsewhere.xlsx"
    path.write_bytes(buffer.getvalue())
    code, output, _seconds = read_in_child(path)
    assert code == 0, output
    assert "工作表「数据」有 1,048,576 行（最远的单元格 XFD1048576）" in output
