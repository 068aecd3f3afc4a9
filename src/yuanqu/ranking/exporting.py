"""A zone-evaluation run as an xlsx workbook: one row per zone (peers marked), as a city's office files it."""

from __future__ import annotations

import xlsxwriter

from yuanqu.analytics.zoneranking import GROUP_LABELS, load_method
from yuanqu.ranking.models import ZoneEvaluationRun
from yuanqu.ranking.selectors import change_mark, ranking_results

COLUMNS = ("园区代码", "园区名称", "排名组", "总分", "排名", "上年排名", "位次变化", "排名区间", "预警", "说明")


def write_ranking(target, *, run: ZoneEvaluationRun, user) -> int:
    """Write the run's results the user may see (sheet 综合评价结果): 园区代码, 园区名称, 排名组, 总分, 排名, 上年排名,
    位次变化, 排名区间, 预警, 说明 and the category scores; returns the rows written. Of the zones a user sees only
    by name (another zone's, when the city opened the ranks), only the name, group, total and rank are written.
    Text cells are always written as text."""
    method = load_method(run.method_text, name=run.method_name)
    categories = [(c.key, c.zh) for c in method.categories]
    rows = ranking_results(run=run, user=user)
    workbook = xlsxwriter.Workbook(target, {"in_memory": True})
    try:
        bold = workbook.add_format({"bold": True})
        number = workbook.add_format({"num_format": "0.00"})
        sheet = workbook.add_worksheet("综合评价结果")
        sheet.write_string(0, 0, f"{run.year} 年园区综合评价结果（{method.title or run.method_name}）", bold)
        headers = [*COLUMNS, *(f"{zh}得分" for _key, zh in categories)]
        for col, header in enumerate(headers):
            sheet.write_string(1, col, header, bold)
        sheet.set_column(0, 0, 12)
        sheet.set_column(1, 1, 28)
        sheet.set_column(9, 9, 40)
        for r, row in enumerate(rows, start=2):
            result = row.result
            code = result.zone.code if result.zone_id else (result.peer.code if result.peer_id else "")
            name = result.name + ("（外部园区）" if result.external else "")
            texts = [code if row.detailed else "", name, GROUP_LABELS.get(result.group, (result.group,))[0]]
            for col, text in enumerate(texts):
                sheet.write_string(r, col, text or "")
            _number(sheet, r, 3, result.total, number)
            _number(sheet, r, 4, result.rank)
            if not row.detailed:
                continue
            _number(sheet, r, 5, result.previous_rank)
            sheet.write_string(r, 6, change_mark(result.rank_change))
            band = f"{result.rank_best}–{result.rank_worst}" if result.rank_best and result.rank_worst else ""
            sheet.write_string(r, 7, band)
            sheet.write_string(r, 8, result.details.get("warning_zh") or result.warning)
            sheet.write_string(r, 9, result.reason_zh)
            for offset, (key, _zh) in enumerate(categories):
                _number(sheet, r, len(COLUMNS) + offset, row.categories.get(key), number)
    finally:
        workbook.close()
    return len(rows)


def _number(sheet, r: int, c: int, value, style=None) -> None:
    if value is None:
        sheet.write_blank(r, c, None)
    else:
        sheet.write_number(r, c, value, style)
