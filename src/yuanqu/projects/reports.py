"""The monthly project report (月报) of a zone as an xlsx workbook: the standard monthly table and the
targets, with the numbers of the monthly statistics page.

Labels are Chinese, as the zones file their monthly reports; money is in 亿元 as the reports show it.
"""

from __future__ import annotations

import datetime as dt

from django.utils import translation

from yuanqu.core import xlsx
from yuanqu.targets.selectors import AMBER, GREEN, RED

RAG_LABELS = {GREEN: "正常", AMBER: "滞后", RED: "严重滞后"}

TABLE_COLUMNS = (
    ("阶段", 10),
    ("规模", 14),
    ("本月个数", 10),
    ("本月总投资（亿元）", 18),
    ("本年累计个数", 14),
    ("本年累计总投资（亿元）", 22),
)
TARGET_COLUMNS = (
    ("指标", 28),
    ("目标值", 14),
    ("完成", 14),
    ("完成比例", 12),
    ("时间进度", 12),
    ("状态", 10),
)
SHEET = "月度统计"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def report_title(*, zone, year: int, month: int) -> str:
    return f"{zone.name} {year} 年 {month} 月招商项目月度统计"


def write_monthly_report(target, report: dict) -> int:
    """Write ``report`` (from :func:`yuanqu.projects.statistics.monthly_statistics`) to an xlsx file or buffer.

    The sheet holds a title row (zone, year, month, the date targets are measured at), the standard
    table (per stage and size class: new this month and cumulative this year, counts and 亿元), then
    each target with its value, actual, share done, share of the year elapsed and its colour (RAG).
    Returns the number of table rows written.
    """
    with translation.override("zh-hans"):
        workbook = xlsx.workbook(target, in_memory=True)
        try:
            _write(workbook, report)
        finally:
            workbook.close()
    return len(report["rows"])


def _write(workbook, report: dict) -> None:
    bold = workbook.add_format({"bold": True})
    title = workbook.add_format({"bold": True, "font_size": 14})
    money = workbook.add_format({"num_format": "#,##0.00"})
    whole = workbook.add_format({"num_format": "#,##0"})
    percent = workbook.add_format({"num_format": "0.0%"})
    colours = {
        GREEN: workbook.add_format({"bg_color": "#c6efce"}),
        AMBER: workbook.add_format({"bg_color": "#ffeb9c"}),
        RED: workbook.add_format({"bg_color": "#ffc7ce"}),
    }
    sheet = workbook.add_worksheet(SHEET)
    sheet.write(0, 0, report_title(zone=report["zone"], year=report["year"], month=report["month"]), title)
    as_of: dt.date = report["as_of"]
    sheet.write(1, 0, f"园区编码 {report['zone'].code}；目标完成情况截至 {as_of.isoformat()}")
    for col, (header, width) in enumerate(TABLE_COLUMNS):
        sheet.write(3, col, header, bold)
        sheet.set_column(col, col, width)
    r = 4
    for row in report["rows"]:
        sheet.write_string(r, 0, str(row["stage_label"]))
        sheet.write_string(r, 1, str(row["size_class"] or "全部"))
        sheet.write_number(r, 2, row["month_count"])
        sheet.write_number(r, 3, float(row["month_investment_yi"]), money)
        sheet.write_number(r, 4, row["year_count"])
        sheet.write_number(r, 5, float(row["year_investment_yi"]), money)
        r += 1
    r += 1
    sheet.write(r, 0, "目标完成情况", bold)
    r += 1
    for col, (header, _width) in enumerate(TARGET_COLUMNS):
        sheet.write(r, col, header, bold)
    r += 1
    if not report["targets"]:
        sheet.write(r, 0, "该年度没有目标")
    for item in report["targets"]:
        target = item["target"]
        sheet.write_string(r, 0, str(item["label"]))
        sheet.write_number(r, 1, float(target.value), whole)
        if item["actual"] is None:
            sheet.write_blank(r, 2, None)
        else:
            sheet.write_number(r, 2, float(item["actual"]), whole)
        if item["share"] is None:
            sheet.write_blank(r, 3, None)
        else:
            sheet.write_number(r, 3, float(item["share"]), percent)
        sheet.write_number(r, 4, float(item["elapsed"]), percent)
        sheet.write_string(r, 5, RAG_LABELS[item["rag"]], colours[item["rag"]])
        r += 1
