"""The summary report of a run as docx: method, grade distribution per group and zone, charts, zone
comparison, the A and D lists and the policies per grade.

The report is written in Chinese whatever the user's language (it is the document an official files).
Every table is counted over the results the user may see, like the public list: a zone user's report
covers only that zone's enterprises.
"""

from __future__ import annotations

import io
from collections import Counter

from django.utils import timezone

from yuanqu.analytics.mujun import Method, parse_method
from yuanqu.analytics.mujun.explain import number
from yuanqu.analytics.mujun.expression import describe
from yuanqu.core.cockpit import Chart, Series
from yuanqu.evaluation import selectors
from yuanqu.evaluation.models import GRADES, EvaluationResult, EvaluationRun

TOP = 50  # enterprises listed per grade in the A and D lists
UNGRADED = "未评价"
# Colours of the grades in the charts (and their legend), ungraded last.
COLOURS = {
    "A": (46, 125, 50),
    "B": (66, 133, 244),
    "C": (251, 192, 45),
    "D": (211, 47, 47),
    "T": (144, 144, 144),
    "": (210, 210, 210),
}
COLOUR_NAMES = {"A": "绿", "B": "蓝", "C": "黄", "D": "红", "T": "灰", "": "浅灰"}


# ---------------------------------------------------------------------------------------------------
# Charts: drawn by the platform's chart module (matplotlib, yuanqu.core.charts), as the monthly report's are


def grade_chart(title: str, labels: list[str], rows: list[list[int]], keys: list[str]) -> Chart:
    """Horizontal bars, one per row of the table printed above the chart (in its order), each split by grade in
    proportion to its counts (a row sums to 100 %), in the grades' colours."""
    shares = []
    for counts in rows:
        total = sum(counts)
        shares.append([count * 100 / total if total else 0 for count in counts])
    series = [Series(key or UNGRADED, [row[n] for row in shares], stack="grade") for n, key in enumerate(keys)]
    colours = ["#{:02x}{:02x}{:02x}".format(*COLOURS[key]) for key in keys]
    return Chart(
        "grades", title, "hbar", labels, series, unit="%", extra={"colours": colours, "value_label": "占比（%）"}
    )


def stacked_bars(title: str, labels: list[str], rows: list[list[int]], keys: list[str]) -> bytes:
    """The grade shares of each row as a PNG."""
    from yuanqu.core.charts import draw

    return draw(grade_chart(title, labels, rows, keys))


# ---------------------------------------------------------------------------------------------------
# Figures of the report


def benchmark_summary(indicator) -> str:
    """How an indicator's benchmark is found, in Chinese: "24.097", "上年组内均值 × 2", "组内最小–最大值换算"."""
    spec = indicator.benchmark
    times = f" × {number(spec.multiplier)}" if spec.multiplier != 1 else ""
    text = {
        "fixed": f"{number(spec.value) if spec.value is not None else '—'}{times}",
        "group_mean": f"组内均值{times}",
        "industry_mean": f"行业均值{times}（参评不足 {spec.min_peers} 家取组内均值）",
        "previous_year_mean": f"上年组内均值{times}",
        "minmax": f"组内最小–最大值换算（{number(spec.low)}%–{number(spec.high)}%）",
    }.get(spec.kind, spec.kind)
    if spec.kind in ("group_mean", "industry_mean", "previous_year_mean"):
        text += "，加总口径" if spec.average == "aggregate" else "，算术平均"
    if spec.ratio_cap is not None:
        text += f"，比值上限 {number(spec.ratio_cap)}"
    return text


def policy_summary(policy) -> str:
    if policy.value is None:
        return policy.label_zh
    sign = "+" if policy.value > 0 else ""
    return f"{policy.label_zh} {sign}{number(policy.value)} {policy.unit}".rstrip()


def scope_text(run: EvaluationRun) -> str:
    return run.zone.name if run.zone_id else "全市"


def status_text(run: EvaluationRun) -> str:
    if run.is_published and run.published_at is not None:
        return f"已公布（{timezone.localtime(run.published_at):%Y-%m-%d}）"
    return "草稿（未公布）"


def group_counts(*, run: EvaluationRun, user) -> list[dict]:
    """Per group (by label) the number of results of each grade the user may see, ungraded last."""
    rows = EvaluationResult.objects.filter(run=run)
    if user is not None:
        rows = rows.restrict(user)
    counts = Counter(rows.values_list("group_label", "grade"))
    labels = sorted({label for label, _grade in counts}, key=lambda label: (label == "", label))
    table = []
    for label in labels:
        cells = [counts.get((label, g), 0) for g in [*GRADES, ""]]
        table.append({"group": label or "未分组", "counts": cells, "total": sum(cells)})
    return table


def listed(*, run: EvaluationRun, user, grade: str, top: int = TOP) -> list[EvaluationResult]:
    """The first ``top`` enterprises of a grade the user may see, by group and rank."""
    rows = EvaluationResult.objects.filter(run=run, grade=grade)
    if user is not None:
        rows = rows.restrict(user)
    return list(rows.select_related("enterprise", "zone").order_by("group", "rank", "enterprise__uscc")[:top])


# ---------------------------------------------------------------------------------------------------
# The document


def _table(document, headers: list[str], rows: list[list[str]]):
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = text
    return table


def _legend(document, keys: list[str]) -> None:
    from docx.shared import RGBColor

    paragraph = document.add_paragraph("图中各条依次对应上表各行，按等级占比分段。图例：")
    for key in keys:
        mark = paragraph.add_run("■ ")
        mark.font.color.rgb = RGBColor(*COLOURS[key])
        paragraph.add_run(f"{key or UNGRADED}（{COLOUR_NAMES[key]}）  ")


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def write_report(target, *, run: EvaluationRun, user, top: int = TOP) -> dict:
    """Write the summary report of ``run`` to ``target`` (a path or a binary stream).

    Returns the figures written (per-group and per-zone counts), which the command prints and tests check.
    """
    import docx
    from docx.shared import Cm

    method: Method = parse_method(run.method_text, format=run.method_format)
    keys = [*GRADES, ""]
    headers = [*GRADES, UNGRADED, "合计"]
    groups = group_counts(run=run, user=user)
    zones = selectors.distribution(run=run, user=user)
    comparison = selectors.zone_comparison(run=run, user=user)

    document = docx.Document()
    document.add_heading(f"{run.year} 年度亩均效益综合评价报告", level=0)
    document.add_paragraph(f"评价方法：{run.method_name}")
    document.add_paragraph(f"评价年度：{run.year}")
    document.add_paragraph(f"评价范围：{scope_text(run)}")
    document.add_paragraph(f"状态：{status_text(run)}")
    visible = sum(row["total"] for row in groups)
    document.add_paragraph(f"本报告涵盖企业 {visible} 家（按报告人的查看权限统计）。")

    document.add_heading("一、评价方法", level=1)
    if method.source:
        document.add_paragraph(f"依据：{method.source}")
    document.add_paragraph(f"指标权重合计：{number(method.weight_total)}")
    for group in method.groups:
        document.add_paragraph(f"{group.label_zh}（{'参与分档' if group.graded else '不参与分档'}）", style="Heading 3")
        _table(
            document,
            ["指标", "计算公式", "单位", "权重", "基准"],
            [
                [i.label_zh, describe(i.formula.text), i.unit, number(i.weight), benchmark_summary(i)]
                for i in group.indicators
            ],
        )
    grading = method.grading
    if grading.mode == "quota":
        rule = "按组内排名配额：" + "，".join(f"{g} {number(p)}%" for g, p in grading.quota)
    else:
        rule = "按总分阈值：" + "，".join(f"{g} ≥ {number(t)}" for g, t in grading.thresholds)
    document.add_paragraph(f"分档规则：{rule}")
    if method.not_graded.utilities or method.not_graded.min_production_years or method.not_graded.divisions:
        parts = []
        if method.not_graded.utilities:
            parts.append("水电气等公用事业")
        if method.not_graded.min_production_years:
            parts.append(f"投产不满 {number(method.not_graded.min_production_years)} 年")
        if method.not_graded.divisions:
            parts.append("行业大类 " + "、".join(method.not_graded.divisions))
        document.add_paragraph(f"{method.not_graded.label_zh}：{'、'.join(parts)}")
    for veto in method.vetoes:
        document.add_paragraph(f"一票否决：{veto.label_zh} → {veto.grade} 类")

    document.add_heading("二、分组等级分布", level=1)
    _table(
        document,
        ["组别", *headers],
        [[row["group"], *[str(n) for n in row["counts"]], str(row["total"])] for row in groups],
    )
    if groups:
        chart = stacked_bars("各组等级占比", [row["group"] for row in groups], [row["counts"] for row in groups], keys)
        document.add_picture(io.BytesIO(chart), width=Cm(15))
        _legend(document, keys)

    document.add_heading("三、各园区等级分布", level=1)
    _table(
        document,
        ["园区", *headers],
        [[row["zone"], *[str(n) for n in row["counts"]], str(row["total"])] for row in zones],
    )
    if zones:
        chart = stacked_bars("各园区等级占比", [row["zone"] for row in zones], [row["counts"] for row in zones], keys)
        document.add_picture(io.BytesIO(chart), width=Cm(15))
        _legend(document, keys)

    document.add_heading("四、园区对比", level=1)
    _table(
        document,
        ["园区", "参评企业", "参与分档", "亩均税收（万元/亩）", "A 类占比", "D 类占比"],
        [
            [
                row["zone"],
                str(row["total"]),
                str(row["graded"]),
                "—" if row["tax_per_mu"] is None else f"{row['tax_per_mu']:.2f}",
                _percent(row["share_a"]),
                _percent(row["share_d"]),
            ]
            for row in comparison
        ],
    )

    for number_, grade in (("五", "A"), ("六", "D")):
        rows = listed(run=run, user=user, grade=grade, top=top)
        document.add_heading(f"{number_}、{grade} 类企业名单（前 {top} 家）", level=1)
        if not rows:
            document.add_paragraph("无。")
            continue
        _table(
            document,
            ["组别", "组内排名", "统一社会信用代码", "企业名称", "所属园区", "总分"],
            [
                [
                    r.group_label,
                    "" if r.rank is None else str(r.rank),
                    r.enterprise.uscc,
                    r.enterprise.name,
                    r.zone.name,
                    "" if r.total is None else f"{r.total:.3f}",
                ]
                for r in rows
            ],
        )

    document.add_heading("七、分类政策", level=1)
    policy_rows = [[grade, "；".join(policy_summary(p) for p in policies)] for grade, policies in method.policies]
    if policy_rows:
        _table(document, ["等级", "政策"], policy_rows)
    else:
        document.add_paragraph("本方法未规定分类政策。")

    # What a reader checks the run against, out of the body: the digests of the method and of the input data.
    document.add_heading("附录：方法与数据校验", level=1)
    document.add_paragraph(f"方法摘要（SHA-256）：{run.method_digest}")
    document.add_paragraph(f"输入数据摘要（SHA-256）：{run.input_hash}")

    document.save(target)
    return {"groups": groups, "zones": zones}
