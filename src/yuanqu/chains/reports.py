"""The coverage workbook: one row per link (环节编号, 环节名称, 环节类型, 企业数, 营业收入, 实缴税收, 缺链, 薄弱)
and a sheet of firm × link, written through core.xlsx."""

from __future__ import annotations

from yuanqu.chains.selectors import Coverage, project_counts
from yuanqu.core import xlsx

POSITIONS = {"upstream": "上游", "midstream": "中游", "downstream": "下游"}
BY = {"class": "行业代码", "keyword": "产品关键词", "manual": "人工确认", None: "下级环节"}
LINK_HEADERS = (
    ("环节编号", 10),
    ("环节名称", 24),
    ("环节类型", 8),
    ("上级环节编号", 10),
    ("企业数", 8),
    ("营业收入（万元）", 16),
    ("实缴税收（万元）", 16),
    ("亩均税收（万元/亩）", 14),
    ("A类", 6),
    ("B类", 6),
    ("C类", 6),
    ("D类", 6),
    ("签约项目", 8),
    ("在谈项目", 8),
    ("缺链", 6),
    ("薄弱", 6),
)
FIRM_HEADERS = (
    ("环节编号", 10),
    ("环节名称", 24),
    ("统一社会信用代码", 22),
    ("企业名称", 30),
    ("行业代码", 8),
    ("主要产品", 30),
    ("识别方式", 12),
)


def write_coverage(target, result: Coverage) -> int:
    """Write the workbook; returns the number of links."""
    workbook = xlsx.workbook(target)
    try:
        bold = workbook.add_format({"bold": True})
        money = workbook.add_format({"num_format": "#,##0.00"})
        sheet = workbook.add_worksheet("环节")
        year = f"（{result.year} 年）" if result.year else ""
        sheet.write(0, 0, f"{result.chain.name} 产业链覆盖{year}", bold)
        for col, (header, width) in enumerate(LINK_HEADERS):
            sheet.write(1, col, header, bold)
            sheet.set_column(col, col, width)
        codes = {link.node.pk: link.node.code for link in result.links}
        for index, link in enumerate(result.links):
            r = index + 2
            counts = project_counts(link)
            values = (
                link.node.code,
                link.node.name,
                POSITIONS.get(link.node.position, link.node.position),
                codes.get(link.node.parent_id, ""),
                link.firms,
                link.revenue,
                link.tax,
                link.tax_per_mu,
                link.grades.get("A", 0),
                link.grades.get("B", 0),
                link.grades.get("C", 0),
                link.grades.get("D", 0),
                counts["signed"],
                counts["pipeline"],
                "是" if link.gap else "否",
                "是" if link.weak else "否",
            )
            for col, value in enumerate(values):
                if value is None:
                    sheet.write_blank(r, col, None)
                elif isinstance(value, float):
                    sheet.write_number(r, col, value, money)
                else:
                    sheet.write(r, col, value)
        sheet.freeze_panes(2, 2)
        firms = workbook.add_worksheet("企业×环节")
        for col, (header, width) in enumerate(FIRM_HEADERS):
            firms.write(0, col, header, bold)
            firms.set_column(col, col, width)
        r = 1
        for link in result.links:
            for enterprise_id in link.enterprise_ids:
                enterprise = result.enterprises.get(enterprise_id)
                if enterprise is None:
                    continue
                row = (
                    link.node.code,
                    link.node.name,
                    enterprise.uscc,
                    enterprise.name,
                    enterprise.industry_code,
                    enterprise.main_products,
                    BY[link.matched_by.get(enterprise_id)],
                )
                for col, value in enumerate(row):
                    firms.write_string(r, col, value or "")
                r += 1
        firms.freeze_panes(1, 0)
    finally:
        workbook.close()
    return len(result.links)
