"""The problem type every importer reports: where in the file, which value, and why, in Chinese and English."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file, located as a person would find it."""

    row: int | None  # row number as Excel shows it (or feature number for GIS files)
    column: str | None  # the column header as written in the file
    value: str | None  # the offending value, as text
    reason_zh: str
    reason_en: str

    def __str__(self) -> str:
        """Both languages on one line, e.g. "第 5 行，列「税收」，值“abc”：不是数字 | row 5, ...: not a number"."""
        zh_parts: list[str] = []
        en_parts: list[str] = []
        if self.row is not None:
            zh_parts.append(f"第 {self.row} 行")
            en_parts.append(f"row {self.row}")
        if self.column is not None:
            zh_parts.append(f"列「{self.column}」")
            en_parts.append(f"column {self.column}")
        if self.value is not None:
            zh_parts.append(f"值“{self.value}”")
            en_parts.append(f"value {self.value!r}")
        zh = "，".join(zh_parts) + "：" + self.reason_zh if zh_parts else self.reason_zh
        en = ", ".join(en_parts) + ": " + self.reason_en if en_parts else self.reason_en
        return f"{zh} | {en}"
