"""The one way the platform writes xlsx: text stays text, and text that a spreadsheet could run is neutralised.

Every workbook the platform writes (exports, templates, the land ledger, the monthly report, the public list, the
ranking) is made by :func:`workbook`. Against formula injection (OWASP, "CSV injection", which applies to every
spreadsheet export):

- a ``str`` is always written as a string cell: xlsxwriter's conversions of strings into formulas, numbers or
  links are off, whichever ``write*`` method a writer calls;
- a string whose first visible character is ``= + - @`` (or their full-width forms), or that starts with a tab or
  a carriage return, gets Excel's own leading apostrophe (the cell style's ``quotePrefix``): Excel, WPS and
  LibreOffice show the text exactly as stored and keep it as text when the cell is edited, so a name such as
  ``=HYPERLINK("http://x","y")`` is shown, never run. The stored text is unchanged, so an export still re-imports
  unchanged (the apostrophe is formatting, not part of the value);
- formulas, links and rich strings cannot be written through it at all.

Numbers are numbers: a negative number written with ``write_number`` (or ``write`` given an ``int``/``float``/
``Decimal``) stays a number.
"""

from __future__ import annotations

from typing import Any

# What a spreadsheet treats as the start of a formula (OWASP's list, with the full-width forms a Chinese input
# method types) and the control characters that shift a cell's content.
FORMULA_STARTS = frozenset("=+-@＝＋－＠")
CONTROL_STARTS = ("\t", "\r", "\n")
# Options that keep text as text, whatever a writer asks for.
SAFE_OPTIONS = {"strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False}
# A format's own identity in the workbook, which a copy must not share.
_FORMAT_IDENTITY = frozenset({"xf_format_indices", "dxf_format_indices", "xf_index", "dxf_index"})


def needs_neutralising(text: str) -> bool:
    """Whether a spreadsheet could take this text for a formula (or shift it into one)."""
    if not text:
        return False
    if text.startswith(CONTROL_STARTS):
        return True
    stripped = text.lstrip(" \u3000")
    return bool(stripped) and stripped[0] in FORMULA_STARTS


class FormulaInjectionError(TypeError):
    """A writer asked for a formula, a link or a rich string: the platform writes none."""


def _make_classes() -> tuple[type, type]:
    """The safe workbook and worksheet classes, made on first use: a command that writes no workbook never loads
    xlsxwriter, so it starts faster."""
    import xlsxwriter
    from xlsxwriter.format import Format
    from xlsxwriter.worksheet import Worksheet

    class SafeWorksheet(Worksheet):
        """A worksheet whose string cells can never run: see the module's docstring."""

        def __init__(self) -> None:
            super().__init__()
            self._quoted = None  # set by SafeWorkbook: a cell format -> the same format with a leading apostrophe

        def _write_string(self, row: int, col: int, string: str, cell_format: Format | None = None, *args: Any):
            if needs_neutralising(string) and self._quoted is not None:
                cell_format = self._quoted(cell_format)
            return super()._write_string(row, col, string, cell_format)

        def _write_token_as_string(self, token: str, row: int, col: int, *args: Any):
            # write() of a str: always a string cell (the workbook options say so too; this holds whatever they say).
            return self._write_string(row, col, *args)

        def _refuse(self, *args: Any, **kwargs: Any):
            raise FormulaInjectionError("the platform writes no formulas, links or rich strings into a spreadsheet")

        write_formula = _write_formula = write_array_formula = _write_array_formula = _refuse
        write_dynamic_array_formula = write_url = _write_url = write_rich_string = _write_rich_string = _refuse

    class SafeWorkbook(xlsxwriter.Workbook):
        """An xlsxwriter workbook whose sheets are :class:`SafeWorksheet`s."""

        def __init__(self, filename: Any = None, options: dict | None = None) -> None:
            super().__init__(filename, {**(options or {}), **SAFE_OPTIONS})
            self.worksheet_class = SafeWorksheet
            self._quoted_formats: dict[int | None, Format] = {}

        def quoted(self, cell_format: Format | None) -> Format:
            """The same look as ``cell_format`` with Excel's leading apostrophe (made once per format)."""
            key = None if cell_format is None else id(cell_format)
            if key not in self._quoted_formats:
                quoted = self.add_format()
                if cell_format is not None:  # every property of the format, whether given at creation or set later
                    quoted.__dict__.update(
                        {name: value for name, value in vars(cell_format).items() if name not in _FORMAT_IDENTITY}
                    )
                quoted.set_quote_prefix(True)
                self._quoted_formats[key] = quoted
            return self._quoted_formats[key]

        def add_worksheet(self, name: str | None = None, worksheet_class=None) -> Worksheet:
            if worksheet_class is not None and not issubclass(worksheet_class, SafeWorksheet):
                raise FormulaInjectionError("every sheet of the platform is a SafeWorksheet")
            sheet = super().add_worksheet(name, worksheet_class or SafeWorksheet)
            sheet._quoted = self.quoted
            return sheet

    return SafeWorkbook, SafeWorksheet


_CLASSES: dict[str, type] = {}


def __getattr__(name: str):
    """``xlsx.SafeWorkbook`` and ``xlsx.SafeWorksheet``, made on first use."""
    if name in ("SafeWorkbook", "SafeWorksheet"):
        if not _CLASSES:
            _CLASSES.update(zip(("SafeWorkbook", "SafeWorksheet"), _make_classes(), strict=True))
        return _CLASSES[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def workbook(target: Any, **options: Any):
    """A new workbook writing to ``target`` (a path or a binary stream), with xlsxwriter's ``options``
    (``constant_memory``, ``in_memory``, ``remove_timezone``); text is always text, see the module's docstring."""
    safe_workbook = __getattr__("SafeWorkbook")
    return safe_workbook(str(target) if hasattr(target, "__fspath__") else target, options)
