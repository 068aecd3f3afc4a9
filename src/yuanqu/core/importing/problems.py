"""The problem type every importer reports: where in the file, which value, and why, in Chinese and English;
and the list that holds them, which keeps the first few hundred whole and counts the rest."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

# Problems kept whole in a report; beyond this they are only counted per column and reason.
MAX_PROBLEMS = 500


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


def _order(problem: Problem) -> tuple[int, str]:
    return (problem.row or 0, problem.column or "")


@dataclass(frozen=True)
class ProblemCount:
    """How many problems share a column and a reason."""

    column: str | None
    reason_zh: str
    reason_en: str
    count: int

    def __str__(self) -> str:
        where_zh = f"列「{self.column}」" if self.column else "整个文件"
        where_en = f"column {self.column}" if self.column else "the file"
        return f"{where_zh}：{self.reason_zh} × {self.count} | {where_en}: {self.reason_en} × {self.count}"


class ProblemList(list):
    """The problems of one file: the first ``limit`` (by row, then column) kept whole, every one counted.

    A file of a million bad cells must not hold a million problems in memory nor print them all: beyond the
    limit only the counts per column and reason grow. It behaves as the list of the problems kept, sorted;
    ``total`` is how many there were.
    """

    def __init__(self, problems: Iterable[Problem] = (), *, limit: int = MAX_PROBLEMS) -> None:
        super().__init__()
        self.limit = max(1, limit)
        self.total = 0
        self.counts: Counter[tuple[str | None, str, str]] = Counter()
        self.extend(problems)

    def append(self, problem: Problem) -> None:  # type: ignore[override]
        """Count a problem, and keep it while it is among the first ``limit``."""
        self.total += 1
        self.counts[(problem.column, problem.reason_zh, problem.reason_en)] += 1
        super().append(problem)
        if super().__len__() >= 2 * self.limit:
            self._trim()

    def extend(self, problems: Iterable[Problem]) -> None:  # type: ignore[override]
        """Append each problem."""
        for problem in problems:
            self.append(problem)

    def __iadd__(self, problems: Iterable[Problem]) -> ProblemList:  # type: ignore[override]
        self.extend(problems)
        return self

    def insert(self, index, problem: Problem) -> None:  # type: ignore[override]
        """Problems have no position of their own: they are kept in row order."""
        self.append(problem)

    def _trim(self) -> None:
        if super().__len__() > self.limit:
            super().sort(key=_order)
            del self[self.limit :]

    def finish(self) -> ProblemList:
        """Sort the problems kept by row and column and drop those beyond the limit; returns itself."""
        self._trim()
        return self

    def sort(self, *, key=None, reverse: bool = False) -> None:  # type: ignore[override]
        """Sorted as asked, after dropping the problems beyond the limit (by row and column)."""
        self._trim()
        super().sort(key=key, reverse=reverse)

    @property
    def omitted(self) -> int:
        """How many problems were counted but not kept."""
        return self.total - min(super().__len__(), self.limit)

    def by_reason(self) -> list[ProblemCount]:
        """Every problem counted per column and reason, the most frequent first."""
        return [
            ProblemCount(column, zh, en, count)
            for (column, zh, en), count in sorted(self.counts.items(), key=lambda item: (-item[1], item[0][0] or ""))
        ]

    def mapped(self, change) -> ProblemList:
        """The same problems with ``change`` applied to each one kept (e.g. renumbered rows); counts stay."""
        result = ProblemList(limit=self.limit)
        list.extend(result, map(change, self))
        result.total, result.counts = self.total, Counter(self.counts)
        return result

    def copy(self) -> ProblemList:  # type: ignore[override]
        """A copy with the same counts."""
        return self.mapped(lambda problem: problem)

    def has_file_problem(self) -> bool:
        """Whether a problem concerns the file as a whole (no row)."""
        return any(problem.row is None for problem in self)
