"""The bulletin (通报) of a zone-evaluation run as docx: the ranks of each group with their change and warnings,
the zones removed from the ranking and why, what moved each zone, and the method.

Written in Chinese whatever the user's language (it is the document a commerce bureau sends); a zone user's
bulletin holds what that user may see of the run.
"""

from __future__ import annotations

import math
from fractions import Fraction

from django.utils import timezone

from yuanqu.analytics.zoneranking import GROUP_LABELS, load_method
from yuanqu.ranking.models import ZoneEvaluationRun
from yuanqu.ranking.selectors import change_mark, ranking_results


def _number(value, places: int = 2) -> str:
    return "—" if value is None else f"{value:,.{places}f}"


def _needed(option: dict) -> str:
    """The value an option needs, to the resolution its search found it at (a count whole: 139 家, not 139.00)."""
    step = option.get("step") or 0.01
    places = max(0, -math.floor(math.log10(step))) if step > 0 else 2
    return _number(option["needed"], places)


def _share(share) -> str:
    """A share as people write it: 1/3, 1/2, 1 (a fraction when it is one, else three decimals)."""
    fraction = Fraction(share).limit_denominator(12)
    if abs(float(fraction) - float(share)) < 1e-9:
        return str(fraction)
    return f"{float(share):.3f}".rstrip("0").rstrip(".")


def _table(document, headers: list[str], rows: list[list[str]]):
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, header in zip(table.rows[0].cells, headers, strict=True):
        cell.text = header
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in rows:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = text
    return table


def _warning(result) -> str:
    return result.details.get("warning_zh") or result.warning or "—"


def _move_text(result) -> str:
    """What would lift the zone one place, in the bulletin's words: the three smallest single-indicator gains."""
    move = result.details.get("move") or {}
    if not move or move.get("above_rank") is None:
        return "已是组内第一名。" if move else ""
    head = f"超过上一名（第 {move['above_rank']} 名）"
    options = [option for option in move.get("options", []) if option.get("reachable")]
    if not options:
        return head + "：没有单项指标足以做到。"
    parts = []
    for option in options[:3]:
        percent = option.get("change_percent")
        share = f"（{percent:+.1f}%）" if percent is not None else ""
        parts.append(f"{option['zh']}达到 {_needed(option)} {option['unit']}{share}")
    return head + "，最少需要其一：" + "；".join(parts) + "。"


def write_bulletin(target, *, run: ZoneEvaluationRun, user) -> dict:
    """Write the bulletin to a docx file or buffer; returns what it holds (groups, zones, warnings)."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn

    method = load_method(run.method_text, name=run.method_name)
    rows = ranking_results(run=run, user=user)
    document = Document()
    style = document.styles["Normal"]
    style.font.name = "SimSun"
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")

    title = document.add_heading(f"{run.year} 年度园区综合评价结果通报", level=0)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    ranked = [row for row in rows if row.result.status == "ranked"]
    document.add_paragraph(
        f"根据《{method.title or run.method_name}》，对 {len({row.result.name for row in rows})} 个园区 {run.year} 年"
        f"上报的主要经济指标进行了综合评价，结果通报如下。排名按国家级、省级分组；位次变化为与上年同一方法评价结果相比；"
        f"“排名区间”为各类别权重上下浮动 10% 时的排名范围，区间越窄，排名越稳定。"
    )

    groups: dict[str, list] = {}
    for row in rows:
        groups.setdefault(row.result.group, []).append(row)
    for group, members in groups.items():
        document.add_heading(GROUP_LABELS.get(group, (group or "未分组",))[0], level=1)
        table_rows = []
        for row in members:
            result = row.result
            if result.status != "ranked":
                continue
            band = f"{result.rank_best}–{result.rank_worst}" if result.rank_best and result.rank_worst else "—"
            # Another zone seen by name only (the city opened the ranks): its name, total and rank.
            table_rows.append(
                [
                    str(result.rank or "—"),
                    result.name + ("（外部）" if result.external else ""),
                    _number(result.total),
                    str(result.previous_rank or "—") if row.detailed else "",
                    (change_mark(result.rank_change) or "—") if row.detailed else "",
                    band if row.detailed else "",
                    _warning(result) if row.detailed else "",
                ]
            )
        _table(document, ["排名", "园区", "总分", "上年排名", "位次变化", "排名区间", "预警"], table_rows)

    vetoed = [row.result for row in rows if row.detailed and row.result.status != "ranked"]
    if vetoed:
        document.add_heading("未参加排名的园区", level=1)
        for result in vetoed:
            document.add_paragraph(f"{result.name}：{result.reason_zh or '未参加排名'}", style="List Bullet")

    warned = [row.result for row in ranked if row.detailed and row.result.warning]
    document.add_heading("预警", level=1)
    if warned:
        for result in warned:
            text = result.details.get("warning_zh") or result.warning
            document.add_paragraph(f"{result.name}：{text}", style="List Bullet")
    else:
        document.add_paragraph("本年度没有园区触发摘牌或降级预警。")

    explained = [
        row.result for row in ranked if row.detailed and (row.result.details.get("why") or {}).get("summary_zh")
    ]
    if explained:
        document.add_heading("位次变化的原因与提升方向", level=1)
        for result in explained:
            document.add_paragraph(result.name, style="List Bullet")
            document.add_paragraph(result.details["why"]["summary_zh"])
            move = _move_text(result)
            if move:
                document.add_paragraph(move)

    document.add_heading("评价方法", level=1)
    if method.source:
        document.add_paragraph(method.source)
    method_rows = [
        [
            category.zh,
            f"{category.weight:g}",
            indicator.zh,
            _share(indicator.share),
            "越高越好" if indicator.direction == "higher" else "越低越好",
        ]
        for category in method.categories
        for indicator in category.indicators
    ]
    _table(document, ["类别", "权重", "指标", "类内占比", "方向"], method_rows)
    document.add_paragraph(f"印发日期：{timezone.localdate():%Y年%m月%d日}")
    document.save(target)
    return {"groups": list(groups), "zones": len(rows), "warnings": len(warned), "vetoed": len(vetoed)}
