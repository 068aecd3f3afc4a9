"""The summary report (docx): real table values, restricted to the user's zones, the chart images."""

import io

import docx
import pytest
from django.core.management import call_command
from PIL import Image

from yuanqu.evaluation.models import EvaluationRun
from yuanqu.evaluation.report import grade_chart, stacked_bars
from yuanqu.evaluation.services import preset_method, publish_run, run_evaluation


@pytest.fixture
def city_run(evaluation_world, city_admin):
    run = run_evaluation(method=preset_method(name="huangyan-2022"), year=2024, user=city_admin)
    return publish_run(run=run, user=city_admin)


def tables(document) -> list[list[list[str]]]:
    return [[[cell.text for cell in row.cells] for row in table.rows] for table in document.tables]


def table_after(document, heading: str) -> list[list[str]]:
    """The first table after the heading whose text starts with ``heading``."""
    body = document.element.body
    seen = False
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p" and "".join(child.itertext()).startswith(heading):
            seen = True
        elif tag == "tbl" and seen:
            table = docx.table.Table(child, document)
            return [[cell.text for cell in row.cells] for row in table.rows]
    raise AssertionError(f"no table after {heading}")


def fetch(client, user, run) -> docx.document.Document:
    client.force_login(user)
    response = client.get(f"/evaluation/runs/{run.pk}/report.docx")
    assert response.status_code == 200
    assert response["Content-Type"].endswith("wordprocessingml.document")
    assert response["Content-Disposition"] == f'attachment; filename="report-{run.year}-{run.pk}.docx"'
    return docx.Document(io.BytesIO(response.content))


def test_city_report_counts_equal_the_run(client, city_admin, city_run, zone_a, zone_b):
    document = fetch(client, city_admin, city_run)
    text = "\n".join(p.text for p in document.paragraphs)
    assert "2024 年度亩均效益综合评价报告" in text
    assert "评价方法：黄岩区 2022 年度工业企业亩均效益综合评价" in text
    assert "评价范围：全市" in text
    assert "状态：已公布（" in text
    groups = table_after(document, "二、分组等级分布")
    assert groups[0] == ["组别", "A", "B", "C", "D", "T", "未评价", "合计"]
    assert groups[1] == ["规上企业", "2", "2", "2", "0", "1", "0", "7"]
    # the run's own counts: A 2, B 2, C 2, D 0, T 1
    assert [city_run.count_a, city_run.count_b, city_run.count_c, city_run.count_d, city_run.count_t] == [2, 2, 2, 0, 1]
    zones = table_after(document, "三、各园区等级分布")
    assert sorted(zones[1:]) == sorted(
        [[zone_a.name, "0", "2", "2", "0", "1", "0", "5"], [zone_b.name, "2", "0", "0", "0", "0", "0", "2"]]
    )
    comparison = {row[0]: row for row in table_after(document, "四、园区对比")[1:]}
    # zone B: two firms at three times the base tax (123 × 3 on 10 mu) → 36.90 万元/亩, both A
    assert comparison[zone_b.name] == [zone_b.name, "2", "2", "36.90", "100.0%", "0.0%"]
    assert comparison[zone_a.name][1:3] == ["5", "4"]
    a_list = table_after(document, "五、A 类企业名单")
    assert sorted(row[3] for row in a_list[1:]) == ["乙1号科技有限公司", "乙2号科技有限公司"]
    method = table_after(document, "一、评价方法")
    assert method[1][:4] == ["亩均税收", "实缴税收 ÷ 用地面积", "万元/亩", "30"]  # as people write it, not as code
    assert method[1][4] == "24.097"
    assert len(document.inline_shapes) == 2  # the group and zone charts
    # The digests a checker needs are in the appendix, not in the body.
    body = text[: text.index("附录：方法与数据校验")]
    assert "SHA-256" not in body and f"方法摘要（SHA-256）：{city_run.method_digest}" in text


def test_zone_users_report_excludes_zone_b(client, user_a, city_run, zone_a):
    document = fetch(client, user_a, city_run)
    everything = "\n".join(p.text for p in document.paragraphs) + str(tables(document))
    assert "乙1号科技有限公司" not in everything and "乙2号科技有限公司" not in everything
    assert "甲2号制造有限公司" not in everything  # B: not on the A or D lists
    groups = table_after(document, "二、分组等级分布")
    assert groups[1] == ["规上企业", "0", "2", "2", "0", "1", "0", "5"]
    zones = table_after(document, "三、各园区等级分布")
    assert [row[0] for row in zones[1:]] == [zone_a.name]
    assert "本报告涵盖企业 5 家" in everything
    assert "五、A 类企业名单（前 50 家）" in everything and "无。" in everything


def test_report_of_a_run_of_another_zone_is_404(client, user_b, evaluation_world, user_a):
    run = run_evaluation(method=preset_method(name="huangyan-2022"), year=2024, user=user_a)
    client.force_login(user_b)
    assert client.get(f"/evaluation/runs/{run.pk}/report.docx").status_code == 404


def test_command_writes_the_report(evaluation_world, tmp_path):
    target = tmp_path / "report.docx"
    out = io.StringIO()
    call_command(
        "evaluate", "mujun", "--method", "huangyan-2022", "--year", "2024", "--report", str(target), stdout=out
    )
    assert "评价报告 report.docx" in out.getvalue()
    document = docx.Document(str(target))
    run = EvaluationRun.objects.get()
    groups = table_after(document, "二、分组等级分布")
    assert groups[1][1:6] == [str(n) for n in run.grade_counts().values()]


def test_grade_chart_splits_each_row_by_its_grades_shares_and_draws_a_png():
    keys = ["A", "B", "C", "D", "T", ""]
    chart = grade_chart("各组等级占比", ["工业", "服务业"], [[1, 1, 0, 0, 0, 2], [0, 0, 0, 0, 0, 0]], keys)
    assert (chart.kind, chart.categories, chart.unit) == ("hbar", ["工业", "服务业"], "%")
    assert [series.name for series in chart.series] == ["A", "B", "C", "D", "T", "未评价"]
    assert [series.values for series in chart.series[:2]] == [[25.0, 0], [25.0, 0]]
    assert chart.series[5].values == [50.0, 0] and {s.stack for s in chart.series} == {"grade"}
    assert chart.extra["colours"][0] == "#2e7d32" and chart.extra["colours"][3] == "#d32f2f"
    image = Image.open(io.BytesIO(stacked_bars("各组等级占比", ["工业"], [[1, 1, 0, 0, 0, 2]], keys)))
    assert image.format == "PNG" and image.width > 800


def test_a_server_without_a_chinese_font_says_so_instead_of_a_500(client, city_admin, city_run, settings, tmp_path):
    settings.YUANQU_CJK_FONT = str(tmp_path / "no-such-font.ttc")  # as a server whose font setting points nowhere
    client.force_login(city_admin)
    response = client.get(f"/evaluation/runs/{city_run.pk}/report.docx")
    assert response.status_code == 503
    page = response.content.decode()
    assert "暂时无法提供" in page and "fonts-noto-cjk" in page and "YUANQU_CJK_FONT" in page
