"""The public list (公示名单) of a run as xlsx: one sheet per group, enterprises by grade and rank."""

from __future__ import annotations

import xlsxwriter
from django.utils.translation import gettext as _

from yuanqu.evaluation.models import GRADES, EvaluationResult, EvaluationRun

GRADE_ORDER = {grade: n for n, grade in enumerate(GRADES)}


def public_rows(*, run: EvaluationRun, user) -> list[EvaluationResult]:
    """The run's results the user may see, by group, grade and rank (ungraded last)."""
    results = (
        EvaluationResult.objects.restrict(user).filter(run=run).select_related("enterprise", "zone")
        if user is not None
        else EvaluationResult.objects.filter(run=run).select_related("enterprise", "zone")
    )
    return sorted(
        results,
        key=lambda r: (r.group_label or "~", GRADE_ORDER.get(r.grade, 99), r.rank or 10**9, r.enterprise.uscc),
    )


def write_public_list(target, *, run: EvaluationRun, user, progress=None) -> int:
    """Write the public list to ``target`` (a path or a binary stream); returns the number of rows."""
    rows = public_rows(run=run, user=user)
    book = xlsxwriter.Workbook(target, {"in_memory": True})
    bold = book.add_format({"bold": True})
    number = book.add_format({"num_format": "0.000"})
    headers = [_("组别"), _("等级"), _("统一社会信用代码"), _("企业名称"), _("所属园区"), _("总分"), _("组内排名")]
    sheets: dict[str, object] = {}
    next_row: dict[str, int] = {}
    used_names: set[str] = set()
    for result in rows:
        label = result.group_label or _("未分组")
        if label not in sheets:
            name = "".join(c for c in label if c not in "[]:*?/\\")[:28] or "sheet"
            while name in used_names:
                name = name[:26] + f"_{len(used_names)}"
            used_names.add(name)
            sheet = book.add_worksheet(name)
            sheet.write(0, 0, f"{run.year} {run.method_name}", bold)
            sheet.write_row(1, 0, headers, bold)
            sheet.set_column(2, 2, 22)
            sheet.set_column(3, 4, 30)
            sheets[label], next_row[label] = sheet, 2
        sheet, n = sheets[label], next_row[label]
        sheet.write_row(n, 0, [label, result.grade, result.enterprise.uscc, result.enterprise.name, result.zone.name])
        if result.total is not None:
            sheet.write_number(n, 5, result.total, number)
        if result.rank is not None:
            sheet.write_number(n, 6, result.rank)
        next_row[label] = n + 1
        if progress is not None:
            progress.advance(1)
    if not sheets:
        book.add_worksheet(_("公示名单")).write_row(0, 0, headers, bold)
    book.close()
    return len(rows)
