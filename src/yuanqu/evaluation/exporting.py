"""The public list (公示名单) of a run as xlsx: one sheet per group, enterprises by grade and rank."""

from __future__ import annotations

from django.utils.translation import gettext as _

from yuanqu.core import xlsx
from yuanqu.evaluation.models import GRADES, EvaluationResult, EvaluationRun

GRADE_ORDER = {grade: n for n, grade in enumerate(GRADES)}
# The columns of the list, as read from the database: plain values, no model objects (the results
# also hold two explanations and the indicators' JSON per row, which the list does not show).
LIST_FIELDS = ("group_label", "grade", "enterprise__uscc", "enterprise__name", "zone__name", "total", "rank")
PROGRESS_STEP = 1000


def public_rows(*, run: EvaluationRun, user) -> list[tuple]:
    """The run's results the user may see, as LIST_FIELDS tuples, by group — the graded groups first, so the list
    opens on the first of them, the groups not graded (and the results of no group) after — then by grade and
    rank (ungraded last)."""
    results = EvaluationResult.objects.restrict(user) if user is not None else EvaluationResult.objects
    rows = list(results.filter(run=run).order_by().values_list(*LIST_FIELDS))
    graded = {r[0] for r in rows if r[1] in GRADE_ORDER}
    rows.sort(key=lambda r: (r[0] not in graded, r[0] or "~", GRADE_ORDER.get(r[1], 99), r[6] or 10**9, r[2]))
    return rows


def _sheet_name(label: str, used_names: set[str]) -> str:
    name = "".join(c for c in label if c not in "[]:*?/\\")[:28] or "sheet"
    while name in used_names:
        name = name[:26] + f"_{len(used_names)}"
    used_names.add(name)
    return name


def write_public_list(target, *, run: EvaluationRun, user, progress=None) -> int:
    """Write the public list to ``target`` (a path or a binary stream); returns the number of rows.

    Rows arrive sorted by group, so each sheet is written top to bottom and xlsxwriter's
    ``constant_memory`` mode can flush every row as it goes.
    """
    rows = public_rows(run=run, user=user)
    book = xlsx.workbook(target, constant_memory=True)
    bold = book.add_format({"bold": True})
    number = book.add_format({"num_format": "0.00"})  # scores to two decimals, as they are published
    headers = [_("组别"), _("等级"), _("统一社会信用代码"), _("企业名称"), _("所属园区"), _("总分"), _("组内排名")]
    title = f"{run.year} {run.method_name}"
    used_names: set[str] = set()
    no_group = _("未分组")
    sheet, current, n = None, None, 0
    for done, (group_label, grade, uscc, name, zone, total, rank) in enumerate(rows, start=1):
        label = group_label or no_group
        if label != current:
            sheet, current, n = book.add_worksheet(_sheet_name(label, used_names)), label, 2
            sheet.set_column(2, 2, 22)
            sheet.set_column(3, 4, 30)
            sheet.write_string(0, 0, title, bold)
            sheet.write_row(1, 0, headers, bold)
        for column, text in enumerate((label, grade, uscc, name, zone)):
            if text:  # an empty text stays a blank cell
                sheet.write_string(n, column, text)
        if total is not None:
            sheet.write_number(n, 5, total, number)
        if rank is not None:
            sheet.write_number(n, 6, rank)
        n += 1
        if progress is not None and done % PROGRESS_STEP == 0:
            progress.advance(PROGRESS_STEP)
    if progress is not None and len(rows) % PROGRESS_STEP:
        progress.advance(len(rows) % PROGRESS_STEP)
    if sheet is None:
        book.add_worksheet(_("公示名单")).write_row(0, 0, headers, bold)
    book.close()
    return len(rows)
