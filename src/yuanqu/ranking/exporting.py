"""A zone-evaluation run as an xlsx workbook: one row per zone (peers marked), as a city's office files it."""

from __future__ import annotations

from yuanqu.analytics.zoneranking import GROUP_LABELS, load_method
from yuanqu.core import xlsx
from yuanqu.ranking.models import ZoneEvaluationRun
from yuanqu.ranking.selectors import change_mark, ranking_results

LEADING = ("园区代码", "园区名称", "总分", "排名", "上年排名", "位次变化", "预警")
TRAILING = ("排名组", "排名区间", "说明")


def write_ranking(target, *, run: ZoneEvaluationRun, user) -> int:
    """Write the run's results the user may see (sheet 综合评价结果), one row per zone: 园区代码, 园区名称, 总分,
    排名, 上年排名, 位次变化, 预警, the category scores, then 排名组, 排名区间, 说明; returns the rows written. Of
    the zones a user sees only by name (another zone's, when the city opened the ranks), only the name, total,
    rank and group are written. Text cells are always written as text."""
    method = load_method(run.method_text, name=run.method_name)
    categories = [(c.key, c.zh) for c in method.categories]
    rows = ranking_results(run=run, user=user)
    after = len(LEADING) + len(categories)  # where the trailing columns start
    workbook = xlsx.workbook(target, in_memory=True)
    try:
        bold = workbook.add_format({"bold": True})
        number = workbook.add_format({"num_format": "0.00"})
        sheet = workbook.add_worksheet("综合评价结果")
        sheet.write_string(0, 0, f"{run.year} 年园区综合评价结果（{method.title or run.method_name}）", bold)
        headers = [*LEADING, *(f"{zh}得分" for _key, zh in categories), *TRAILING]
        for col, header in enumerate(headers):
            sheet.write_string(1, col, header, bold)
        sheet.set_column(0, 0, 12)
        sheet.set_column(1, 1, 28)
        sheet.set_column(after + 2, after + 2, 40)
        for r, row in enumerate(rows, start=2):
            result = row.result
            code = result.zone.code if result.zone_id else (result.peer.code if result.peer_id else "")
            sheet.write_string(r, 0, (code if row.detailed else "") or "")
            sheet.write_string(r, 1, result.name + ("（外部园区）" if result.external else ""))
            _number(sheet, r, 2, result.total, number)
            _number(sheet, r, 3, result.rank)
            sheet.write_string(r, after, GROUP_LABELS.get(result.group, (result.group or "",))[0])
            if not row.detailed:
                continue
            _number(sheet, r, 4, result.previous_rank)
            sheet.write_string(r, 5, change_mark(result.rank_change))
            sheet.write_string(r, 6, result.details.get("warning_zh") or result.warning)
            for offset, (key, _zh) in enumerate(categories):
                score = row.categories.get(key)  # to 6 decimals as the total: no 99.99999999999999 in the cell
                _number(sheet, r, len(LEADING) + offset, None if score is None else round(score, 6), number)
            band = f"{result.rank_best}–{result.rank_worst}" if result.rank_best and result.rank_worst else ""
            sheet.write_string(r, after + 1, band)
            sheet.write_string(r, after + 2, result.reason_zh)
    finally:
        workbook.close()
    return len(rows)


def _number(sheet, r: int, c: int, value, style=None) -> None:
    if value is None:
        sheet.write_blank(r, c, None)
    else:
        sheet.write_number(r, c, value, style)
