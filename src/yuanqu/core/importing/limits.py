"""Bounds on what an import reads, checked before it is read: file size, what an archive unpacks to, the
rows, columns and cells a sheet claims. A spreadsheet is a zip of XML in which a 1.6 kB file may claim the
sheet's last cell (XFD1048576), for which the reader would allocate half a terabyte; so the archive's
directory and each sheet's XML are read here first, streamed, and a file breaking a bound is refused with
a message naming the bound and what the file claims. No Django here; the settings come in a `Limits`.
"""

from __future__ import annotations

import html
import re
import struct
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

MB = 1024 * 1024
# A member unpacking to more than this many times its packed size is a zip bomb, whatever the total.
MAX_RATIO = 200
# Members smaller than this once unpacked are not judged by their ratio (tiny XML compresses very well).
RATIO_FLOOR = 8 * MB
_CHUNK = 4 * MB
# The most columns and rows a spreadsheet can have (Excel 2007 and later); beyond it a reference is nonsense.
SHEET_COLUMNS, SHEET_ROWS = 16384, 1048576


@dataclass(frozen=True)
class Limits:
    """What one import may read. The defaults suit a city: a province's yearly figures fit well inside."""

    file_bytes: int = 200 * MB
    unpacked_bytes: int = 1000 * MB
    rows: int = 200_000
    columns: int = 500
    cells: int = 5_000_000
    problems: int = 500


DEFAULT_LIMITS = Limits()


class LimitError(Exception):
    """A file breaks a bound (or cannot be inspected); carries the reason in both languages."""

    def __init__(self, reason_zh: str, reason_en: str) -> None:
        super().__init__(reason_en)
        self.reason_zh = reason_zh
        self.reason_en = reason_en


def _mb(size: int) -> str:
    return f"{size / MB:,.1f}"


def check_file_size(size: int, limits: Limits) -> None:
    """Refuse a file larger than the limit."""
    if size > limits.file_bytes:
        raise LimitError(
            f"文件大小 {_mb(size)} MB，超过上限 {_mb(limits.file_bytes)} MB（YUANQU_IMPORT_MAX_FILE_MB）",
            f"the file is {_mb(size)} MB, above the limit of {_mb(limits.file_bytes)} MB (YUANQU_IMPORT_MAX_FILE_MB)",
        )


def check_rows(rows: int, limits: Limits, *, what_zh: str = "文件", what_en: str = "the file") -> None:
    """Refuse more rows (or features) than the limit."""
    if rows > limits.rows:
        raise LimitError(
            f"{what_zh}有 {rows:,} 行，超过上限 {limits.rows:,} 行（YUANQU_IMPORT_MAX_ROWS）",
            f"{what_en} has {rows:,} rows, above the limit of {limits.rows:,} (YUANQU_IMPORT_MAX_ROWS)",
        )


@dataclass
class Extent:
    """How far a sheet's cells reach, counted from A1: its last row and column (1-based) and its cells."""

    rows: int = 0
    columns: int = 0
    cells: int = 0
    corner: str = ""  # the farthest cell, as a reference ("XFD1048576"), for messages

    def include(self, row: int, column: int, count: int = 1) -> None:
        if row > self.rows or column > self.columns:
            self.rows, self.columns = max(self.rows, row), max(self.columns, column)
            self.corner = f"{column_letters(self.columns)}{self.rows}"
        self.cells += count


def column_letters(number: int) -> str:
    """1 -> "A", 28 -> "AB"; numbers beyond the sheet's last column are written as they are."""
    if number > SHEET_COLUMNS * 26:
        return f"[{number}]"
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_number(letters: str) -> int:
    """ "A" -> 1, "XFD" -> 16384 (case-insensitive)."""
    number = 0
    for char in letters.upper():
        number = number * 26 + ord(char) - 64
    return number


def check_extent(extent: Extent, limits: Limits, sheet: str, *, where: tuple[str, str] | None = None) -> None:
    """Refuse a sheet (or what ``where`` names) whose cells reach beyond the rows, columns or cells allowed."""
    where_zh, where_en = where or (f"工作表「{sheet}」", f"sheet {sheet!r}")
    corner = f"（最远的单元格 {extent.corner}）" if extent.corner else ""
    corner_en = f" (farthest cell {extent.corner})" if extent.corner else ""
    if extent.rows > limits.rows:
        raise LimitError(
            f"{where_zh}有 {extent.rows:,} 行{corner}，超过上限 {limits.rows:,} 行（YUANQU_IMPORT_MAX_ROWS）",
            f"{where_en} has {extent.rows:,} rows{corner_en}, above the limit of {limits.rows:,} "
            "(YUANQU_IMPORT_MAX_ROWS)",
        )
    if extent.columns > limits.columns:
        raise LimitError(
            f"{where_zh}有 {extent.columns:,} 列{corner}，超过上限 {limits.columns:,} 列（YUANQU_IMPORT_MAX_COLUMNS）",
            f"{where_en} has {extent.columns:,} columns{corner_en}, above the limit of {limits.columns:,} "
            "(YUANQU_IMPORT_MAX_COLUMNS)",
        )
    area = extent.rows * extent.columns
    if area > limits.cells or extent.cells > limits.cells:
        claimed = max(area, extent.cells)
        raise LimitError(
            f"{where_zh}有 {claimed:,} 个单元格（{extent.rows:,} 行 × {extent.columns:,} 列{corner}），"
            f"超过上限 {limits.cells:,} 个（YUANQU_IMPORT_MAX_CELLS）",
            f"{where_en} has {claimed:,} cells ({extent.rows:,} rows x {extent.columns:,} columns{corner_en}), "
            f"above the limit of {limits.cells:,} (YUANQU_IMPORT_MAX_CELLS)",
        )


# --------------------------------------------------------------------------------------------------------------
# Archives
# --------------------------------------------------------------------------------------------------------------


@dataclass
class Archive:
    """What the inspection of a zip found: its kind and how far each sheet reaches."""

    kind: str  # "xlsx" (also xlsm), "xlsb", "ods" or "zip"
    sheets: dict[str, Extent] = field(default_factory=dict)  # by sheet name (xlsx, ods) or part name (xlsb)
    unnamed: list[Extent] = field(default_factory=list)  # sheets whose name could not be told

    def extent_of(self, sheet: str) -> list[Extent]:
        """The extents that may be the named sheet's: its own when known, else every sheet's."""
        if sheet in self.sheets:
            return [self.sheets[sheet]]
        return [*self.sheets.values(), *self.unnamed]


def check_zip_directory(archive: zipfile.ZipFile, limits: Limits, *, packed_size: int) -> None:
    """Refuse an archive whose directory claims more than the unpacked limit, or a member packed like a bomb,
    or a name twice (each reader may take a different one)."""
    total = 0
    seen: set[str] = set()
    for info in archive.infolist():
        if info.filename in seen:
            raise LimitError(
                f"压缩包中「{info.filename}」出现两次，文件已损坏", f"{info.filename} is twice in the archive: corrupt"
            )
        seen.add(info.filename)
        total += info.file_size
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            ratio = info.file_size // max(info.compress_size, 1)
            raise LimitError(
                f"压缩包中的「{info.filename}」压缩比为 {ratio:,}:1（解压后 {_mb(info.file_size)} MB），"
                "像是“压缩炸弹”，拒绝读取",
                f"{info.filename} in the archive is packed {ratio:,}:1 ({_mb(info.file_size)} MB unpacked), like a "
                "zip bomb; refused",
            )
    if total > limits.unpacked_bytes:
        raise LimitError(
            f"压缩包解压后共 {_mb(total)} MB，超过上限 {_mb(limits.unpacked_bytes)} MB（YUANQU_IMPORT_MAX_UNPACKED_MB）"
            f"（文件本身 {_mb(packed_size)} MB）",
            f"the archive unpacks to {_mb(total)} MB, above the limit of {_mb(limits.unpacked_bytes)} MB "
            f"(YUANQU_IMPORT_MAX_UNPACKED_MB; the file itself is {_mb(packed_size)} MB)",
        )


class _Budget:
    """Counts the bytes actually unpacked, which a forged directory may understate."""

    def __init__(self, limits: Limits) -> None:
        self.left = limits.unpacked_bytes
        self.limits = limits

    def take(self, size: int) -> None:
        self.left -= size
        if self.left < 0:
            limit = self.limits.unpacked_bytes
            raise LimitError(
                f"压缩包解压后超过上限 {_mb(limit)} MB（YUANQU_IMPORT_MAX_UNPACKED_MB）",
                f"the archive unpacks to more than the limit of {_mb(limit)} MB (YUANQU_IMPORT_MAX_UNPACKED_MB)",
            )


def _chunks(archive: zipfile.ZipFile, name: str, budget: _Budget) -> Iterator[bytes]:
    """A member's bytes in chunks, within the budget; a member whose data contradict its CRC is corrupt."""
    with archive.open(name) as stream:
        while chunk := stream.read(_CHUNK):
            budget.take(len(chunk))
            yield chunk


def _xml_chunks(archive: zipfile.ZipFile, name: str, budget: _Budget) -> Iterator[bytes]:
    """A member's XML in chunks that each end after a ">", so no tag is cut in two."""
    carry = b""
    for chunk in _chunks(archive, name, budget):
        data = carry + chunk
        cut = data.rfind(b">") + 1
        if cut == 0:
            if len(data) > 16 * _CHUNK:
                raise LimitError(f"「{name}」不是有效的 XML", f"{name} is not valid XML")
            carry = data
            continue
        carry = data[cut:]
        yield data[:cut]
    if carry:
        yield carry


def inspect_zip(handle: BinaryIO, limits: Limits, *, packed_size: int) -> Archive:
    """Check a zip's directory and unpack every member (streamed, without keeping it) within the budget;
    measure each sheet of a workbook (xlsx, xlsm, xlsb, ods). Raises LimitError or zipfile.BadZipFile."""
    with zipfile.ZipFile(handle) as archive:
        check_zip_directory(archive, limits, packed_size=packed_size)
        names = {info.filename for info in archive.infolist() if not info.is_dir()}
        budget = _Budget(limits)
        if "xl/workbook.xml" in names:
            result = Archive("xlsx")
            parts = _xlsx_sheet_parts(archive, budget)
            for name in sorted(names):
                # A sheet is wherever the workbook's relationships say, usually xl/worksheets/.
                if name in parts or (name.startswith("xl/worksheets/") and name.endswith(".xml")):
                    extent = _xlsx_extent(archive, name, budget)
                    sheet = parts.get(name)
                    if sheet is not None:
                        result.sheets[sheet] = extent
                    else:
                        result.unnamed.append(extent)
                elif name not in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels"):  # read above
                    for _chunk in _chunks(archive, name, budget):
                        pass
            return result
        if "xl/workbook.bin" in names:
            result = Archive("xlsb")
            parts = set(_worksheet_targets(archive, "xl/_rels/workbook.bin.rels", budget).values())
            for name in sorted(names):
                if name in parts or (name.startswith("xl/worksheets/") and name.endswith(".bin")):
                    result.unnamed.append(_xlsb_extent(_chunks(archive, name, budget)))
                else:
                    for _chunk in _chunks(archive, name, budget):
                        pass
            return result
        if "content.xml" in names:
            result = Archive("ods")
            result.sheets.update(_ods_extents(_xml_chunks(archive, "content.xml", budget)))
            for name in sorted(names - {"content.xml"}):
                for _chunk in _chunks(archive, name, budget):
                    pass
            return result
        for name in sorted(names):
            for _chunk in _chunks(archive, name, budget):
                pass
        return Archive("zip")


# --------------------------------------------------------------------------------------------------------------
# xlsx / xlsm: the cells of sheetN.xml
# --------------------------------------------------------------------------------------------------------------

_SHEET_TAG = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?sheet\s((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>")
_RELATIONSHIP_TAG = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?Relationship\s((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>")
_ATTRIBUTE = re.compile(rb"""([A-Za-z_][\w.\-]*:)?([A-Za-z_][\w.\-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def _attributes(text: bytes) -> dict[str, str]:
    """Attributes of a tag by local name (a prefixed one wins over none only if there is none)."""
    found: dict[str, str] = {}
    for match in _ATTRIBUTE.finditer(text):
        value = match[3] if match[3] is not None else match[4]
        found.setdefault(match[2].decode("ascii", "replace"), html.unescape(value.decode("utf-8", "replace")))
    return found


def _worksheet_targets(archive: zipfile.ZipFile, rels_name: str, budget: _Budget) -> dict[str, str]:
    """Relationship id -> part of each worksheet the workbook's relationships name (wherever it is stored)."""
    try:
        rels = b"".join(_chunks(archive, rels_name, budget))
    except KeyError:
        return {}
    targets = {}
    for match in _RELATIONSHIP_TAG.finditer(rels):
        attributes = _attributes(match[1])
        if not attributes.get("Type", "").endswith("/worksheet"):
            continue
        target = attributes.get("Target", "")
        target = target.lstrip("/") if target.startswith("/") else "xl/" + target.removeprefix("./")
        targets[attributes.get("Id", "")] = target
    return targets


def _xlsx_sheet_parts(archive: zipfile.ZipFile, budget: _Budget) -> dict[str, str | None]:
    """Worksheet part ("xl/worksheets/sheet1.xml") -> sheet name (None when the workbook names none)."""
    targets = _worksheet_targets(archive, "xl/_rels/workbook.xml.rels", budget)
    try:
        workbook = b"".join(_chunks(archive, "xl/workbook.xml", budget))
    except KeyError:
        workbook = b""
    parts: dict[str, str | None] = dict.fromkeys(targets.values())
    for match in _SHEET_TAG.finditer(workbook):
        attributes = _attributes(match[1])
        target = targets.get(attributes.get("id", ""))
        if target and "name" in attributes:
            parts[target] = attributes["name"]
    return parts


_DIMENSION = re.compile(
    rb"<(?:[A-Za-z_][\w.\-]*:)?dimension\s+ref\s*=\s*\"\$?([A-Z]{1,3})\$?(\d{1,7})(?::\$?([A-Z]{1,3})\$?(\d{1,7}))?\""
)
_PREFIXED_CELL = re.compile(rb":c[\s/>]")
_REFERENCE = re.compile(r"\$?([A-Za-z]+)\$?(\d+)")


def _at_most(limit: str, alphabet: str, lead: str) -> str:
    """A regex for the strings over ``alphabet`` (first character from ``lead``) that sort at most ``limit``
    as numbers do: as many characters and not greater, or fewer. The alternatives of full length come first,
    so the regex may run as an atomic group: once one matches, none other could match more."""
    first, last = alphabet[0], alphabet[-1]
    options = [re.escape(limit)]
    for index in range(len(limit) - 1, -1, -1):
        char = limit[index]
        low = lead[0] if index == 0 else first
        if char > low:
            rest = len(limit) - index - 1
            tail = f"[{first}-{last}]{{{rest}}}" if rest else ""
            options.append(f"{re.escape(limit[:index])}[{low}-{chr(ord(char) - 1)}]{tail}")
    if len(limit) > 1:
        options.append(f"[{lead}][{first}-{last}]{{0,{len(limit) - 2}}}")
    return "(?>" + "|".join(options) + ")"


def _beyond(rows: int, columns: int) -> re.Pattern[bytes]:
    """Cells not written plainly as ``<c r="A1"`` within A1 to the given corner: reason enough to read
    every cell reference. (One cell in a few hundred thousand is checked per microsecond or so.)"""
    cols = _at_most(column_letters(columns), "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "A-Z")
    nums = _at_most(str(rows), "0123456789", "1-9")
    return re.compile(rf'<c(?! r="{cols}{nums}"[\s/>])[\s/>]'.encode())


def _xlsx_extent(archive: zipfile.ZipFile, name: str, budget: _Budget) -> Extent:
    """How far the cells of one sheet reach.

    Every writer puts the used range in ``<dimension ref="A1:N100001"/>`` and each cell's reference first
    (``<c r="B7" ...>``), so one pass of a regex that finds any cell outside that range proves the extent;
    a file where it finds one, or whose dimension is missing or beyond the limits, has every cell read. The
    reader sizes its grid from the cells alone, so a dimension inflated by formatted empty cells is not held
    against a file.
    """
    checked = budget.left
    extent = Extent()
    pattern = None
    for data in _xml_chunks(archive, name, budget):
        if pattern is None:
            if data[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in data[:4]:
                raise LimitError(f"「{name}」不是 UTF-8 编码的 XML", f"{name} is not UTF-8 XML")
            dimension = _DIMENSION.search(data)
            if dimension is None:
                break
            letters, digits = dimension[3] or dimension[1], dimension[4] or dimension[2]
            extent.include(int(digits), column_number(letters.decode()), 0)
            bounds = budget.limits
            if (
                extent.rows > bounds.rows
                or extent.columns > bounds.columns
                or extent.rows * extent.columns > bounds.cells
            ):
                break
            pattern = _beyond(extent.rows, extent.columns)
        if pattern.search(data) or _PREFIXED_CELL.search(data):
            break
        extent.cells += data.count(b"<c ")
    else:
        return extent
    # The slow way: every cell, where it says it is or where it falls after the one before.
    budget.left = checked
    return _xlsx_every_cell(_xml_chunks(archive, name, budget))


_CELL_OR_ROW = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?(row|c)(?=[\s/>])((?:[^>\"']|\"[^\"]*\"|'[^']*')*?)(/?)>")
_R_ATTRIBUTE = re.compile(rb"""(?:^|\s)(?:[A-Za-z_][\w.\-]*:)?r\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def _xlsx_every_cell(chunks: Iterator[bytes]) -> Extent:
    extent = Extent()
    row = 0
    column = 0
    for chunk in chunks:
        for match in _CELL_OR_ROW.finditer(chunk):
            tag, attributes, closed = match[1], match[2], match[3]
            reference = None
            for found in _R_ATTRIBUTE.finditer(attributes):
                reference = html.unescape((found[1] if found[1] is not None else found[2]).decode("utf-8", "replace"))
            if tag == b"row":
                row = int(reference) if reference and reference.strip().isdigit() else row + 1
                column = 0
                continue
            if reference is None:
                column += 1
                cell_row = max(row, 1)
            else:
                parsed = _REFERENCE.fullmatch(reference.strip())
                if parsed is None:
                    continue  # the reader refuses such a file itself
                column, cell_row = column_number(parsed[1]), int(parsed[2])
            if closed:
                continue  # an empty cell, kept for its format: the reader skips it
            extent.include(cell_row, column)
    return extent


# --------------------------------------------------------------------------------------------------------------
# ods: content.xml, whose rows and cells may each stand for many
# --------------------------------------------------------------------------------------------------------------

_ODS_TAG = re.compile(
    rb"<(/?)(?:[A-Za-z_][\w.\-]*:)?(table|table-row|table-cell|covered-table-cell)(?=[\s/>])"
    rb"((?:[^>\"']|\"[^\"]*\"|'[^']*')*?)(/?)>"
)


def _repeat(attributes: dict[str, str], name: str) -> int:
    value = attributes.get(name, "1").strip()
    return int(value) if value.isdigit() and value != "0" else 1


def _ods_extents(chunks: Iterator[bytes]) -> dict[str, Extent]:
    """Each table's extent, counting repeated rows and cells; a cell counts when it holds a value or text
    (LibreOffice ends every sheet with a million repeated empty rows, which readers skip)."""
    extents: dict[str, Extent] = {}
    extent = Extent()
    row = 0  # rows of the current table before the current row
    row_repeat = 1
    column = 0
    row_reach = 0  # the farthest filled column of the current row
    row_cells = 0
    depth = 0  # nested tables (rare) count toward the outer one

    def end_row() -> None:
        nonlocal row, row_reach, row_cells
        if row_reach:
            extent.include(row + row_repeat, row_reach, row_cells * row_repeat)
        row += row_repeat
        row_reach = row_cells = 0

    open_cell: tuple[int, int] | None = None
    for chunk in chunks:
        for match in _ODS_TAG.finditer(chunk):
            closing, tag, raw, closed = match[1], match[2], match[3], match[4]
            if tag == b"table":
                if closing:
                    depth -= 1
                elif not closed:
                    depth += 1
                    if depth == 1:
                        extent = Extent()
                        extents[_attributes(raw).get("name", f"#{len(extents) + 1}")] = extent
                        row = 0
                continue
            if tag == b"table-row":
                if closing:
                    end_row()
                    continue
                row_repeat = _repeat(_attributes(raw), "number-rows-repeated")
                column = 0
                if closed:
                    end_row()
                continue
            if closing:
                if open_cell is not None:
                    start, count = open_cell
                    row_reach = max(row_reach, start + count - 1)
                    row_cells += count
                    open_cell = None
                continue
            attributes = _attributes(raw)
            count = _repeat(attributes, "number-columns-repeated")
            start = column + 1
            column += count
            if closed:
                if "value-type" in attributes:
                    row_reach = max(row_reach, start + count - 1)
                    row_cells += count
            else:
                open_cell = (start, count)  # a cell with content (text): filled
    return extents


# --------------------------------------------------------------------------------------------------------------
# xlsb: binary records
# --------------------------------------------------------------------------------------------------------------

_ROW_HEADER = 0
_CELL_RECORDS = frozenset(range(1, 12))  # BrtCellBlank ... BrtFmlaError: each starts with its column (u32)
_BLANK = 1


def _varint(buffer: bytes, position: int, width: int) -> tuple[int, int] | None:
    """A little-endian 7-bit varint of at most ``width`` bytes at ``position``: (value, next position), or None
    when the buffer ends inside it."""
    value = 0
    for index in range(width):
        if position + index >= len(buffer):
            return None
        byte = buffer[position + index]
        value |= (byte & 0x7F) << (7 * index)
        if not byte & 0x80:
            return value, position + index + 1
    return value, position + width


def _xlsb_records(chunks: Iterator[bytes]) -> Iterator[tuple[int, bytes]]:
    """(record type, first 8 bytes of its data) of a BIFF12 stream: each record is its type (a varint of up to
    2 bytes), its size (up to 4 bytes), then its data."""
    buffer = b""
    skip = 0
    for chunk in chunks:
        if skip:
            taken = min(skip, len(chunk))
            chunk, skip = chunk[taken:], skip - taken
        buffer += chunk
        position = 0
        while True:
            kind = _varint(buffer, position, 2)
            size = kind and _varint(buffer, kind[1], 4)
            if not size or size[1] + min(size[0], 8) > len(buffer):
                break
            start = size[1]
            yield kind[0], buffer[start : start + min(size[0], 8)]
            position = start + size[0]
            if position > len(buffer):
                skip = position - len(buffer)
                position = len(buffer)
                break
        buffer = buffer[position:]


def _xlsb_extent(chunks: Iterator[bytes]) -> Extent:
    extent = Extent()
    row = 0
    for kind, data in _xlsb_records(chunks):
        if kind == _ROW_HEADER and len(data) >= 4:
            row = struct.unpack_from("<I", data)[0] + 1
        elif kind in _CELL_RECORDS and kind != _BLANK and len(data) >= 4:
            extent.include(max(row, 1), struct.unpack_from("<I", data)[0] + 1)
    return extent
