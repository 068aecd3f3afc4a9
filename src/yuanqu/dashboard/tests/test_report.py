"""The monthly report (月报): the command writes docx and xlsx from the registered sections (the real projects
section, and test sections of every kind of figure, table and chart), a zone that has not reported shows
"未报送", a zone user's report holds only its zone, bad arguments write nothing, the cockpit's link runs the
report as a job whose file only its user downloads, and the report in English."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import docx
import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils.translation import gettext_lazy

from yuanqu.core import registry
from yuanqu.core.cockpit import NOT_REPORTED, Chart, Column, Figure, Row, Section, Series, Table
from yuanqu.core.jobs import services
from yuanqu.core.jobs.models import Job
from yuanqu.dashboard.management.commands.report import previous_month
from yuanqu.dashboard.report import number, sheet_name
from yuanqu.projects.models import Stage
from yuanqu.projects.testing import make_project

D = dt.date
SQUARE = {"type": "Polygon", "coordinates": [[[120, 30], [120.1, 30], [120.1, 30.1], [120, 30.1], [120, 30]]]}


@pytest.fixture
def projects(zone_a, zone_b):
    """January–June 2025 against January–June 2024: A signed 3 projects of 1 亿元 or more (1 the year before),
    B signed 1 (none the year before); signings after June count in neither."""
    for name, on in (
        ("甲一", D(2025, 3, 2)),
        ("甲二", D(2025, 3, 20)),
        ("甲三", D(2025, 5, 6)),
        ("甲旧", D(2024, 4, 1)),
    ):
        make_project(zone_a, name, history=[(Stage.SIGNED, on)], total_investment="20000")
    make_project(zone_a, "甲晚", history=[(Stage.SIGNED, D(2025, 8, 1))], total_investment="20000")
    make_project(zone_a, "甲去年晚", history=[(Stage.SIGNED, D(2024, 9, 1))], total_investment="20000")
    make_project(zone_b, "乙一", history=[(Stage.SIGNED, D(2025, 2, 5))], total_investment="900000")


def build_test_section(*, scope, period):
    """A section of every kind: a figure with a target, one not reported, a table with places and a cell not
    reported (the zone named B001 has not reported), and a chart of every kind, all per zone of the scope."""
    zones = list(scope.zones)
    values = {zone.pk: (Decimal("1234.5") if zone.code == "A001" else NOT_REPORTED) for zone in zones}
    figures = [
        Figure(
            "output",
            "工业总产值",
            Decimal("1234567.891"),
            "万元",
            places=2,
            previous=Decimal("1000000"),
            target=Decimal("2000000"),
            colour="amber",
            fresh="数据截至6月",
        ),
        Figure("late", "固定资产投资", None, "万元", missing=NOT_REPORTED),
    ]
    columns = [
        Column("园区代码", numeric=False),
        Column("园区名称", numeric=False),
        Column("工业总产值 本年累计", "万元", places=1),
        Column("工业总产值 上年同期", "万元", places=1),
        Column("工业总产值 同比(%)", places=1),
    ]
    rows = [
        Row(
            [
                zone.code,
                zone.name,
                values[zone.pk],
                Decimal("1000") if zone.code == "A001" else None,
                Decimal("23.45") if zone.code == "A001" else None,
            ],
            marks=["", "", "green"],
        )
        for zone in zones
    ]
    names = [zone.name for zone in zones]
    per_zone = [Series("本年", [1 for _zone in zones]), Series("上年同期", [2 for _zone in zones])]
    charts = [
        Chart("bar", "各园区对比", "bar", names, per_zone, unit="个"),
        Chart("hbar", "园区排名", "hbar", names, [Series("得分", [90 for _zone in zones])], unit="分"),
        Chart(
            "line", "月度累计", "line", ["1月", "2月"], [Series("2025年", [1, 3]), Series("2024年", [1, 2])], unit="个"
        ),
        Chart("pie", "土地存量", "pie", ["已利用", "闲置"], [Series("面积", [10, 2])], unit="亩"),
        Chart("funnel", "项目漏斗", "funnel", ["洽谈", "签约"], [Series("项目", [5, 3])], unit="个"),
        Chart(
            "stacked",
            "等级分布",
            "stacked",
            names,
            [Series("A", [1] * len(zones), stack="g"), Series("B", [2] * len(zones), stack="g")],
            unit="家",
        ),
        Chart(
            "map",
            "闲置土地",
            "map",
            [],
            [],
            extra={
                "geojson": {
                    "type": "FeatureCollection",
                    "features": [{"type": "Feature", "properties": {"colour": "red"}, "geometry": SQUARE}],
                }
            },
        ),
    ]
    tables = [Table("reported-figures", "各园区报送数据", columns, rows)]
    return Section(
        "test-report",
        gettext_lazy("测试板块"),
        figures=figures,
        tables=tables,
        charts=charts,
        source="园区月报",
        fresh="数据截至6月",
    )


@pytest.fixture
def test_section():
    registry.cockpit_sections.register(
        registry.CockpitSection("test-report", "测试板块", build_test_section, order=999)
    )
    yield
    registry.cockpit_sections.unregister("test-report")


def write(tmp_path, name="report.docx", **options):
    path = tmp_path / name
    out = io.StringIO()
    call_command("report", "monthly", "--year", "2025", "--month", "6", "--out", str(path), stdout=out, **options)
    return path, out.getvalue()


def rows_of(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def figure_row(document, label: str) -> list[str]:
    for table in document.tables:
        for row in rows_of(table):
            if row[0] == label:
                return row
    raise AssertionError(f"no row {label}")


def text_of(document) -> str:
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def test_the_docx_has_a_cover_a_contents_and_a_chapter_per_section_with_the_sections_numbers(
    tmp_path, projects, test_section, zone_a, zone_b
):
    path, out = write(tmp_path)
    assert "wrote the monthly report (2 chapters)" in out
    document = docx.Document(str(path))
    texts = [(p.style.name, p.text) for p in document.paragraphs if p.text]
    assert texts[:5] == [
        ("Normal", "全市"),
        ("Title", "园区发展情况月报"),
        ("Normal", "（2025年1–6月）"),
        ("Normal", "开发区管理办公室"),
        ("Normal", texts[4][1]),
    ]
    assert [text for style, text in texts if style == "Heading 1"] == ["一、项目推进", "二、测试板块"]
    assert "目录" in [text for _style, text in texts]
    body = document.element.body.xml
    assert 'TOC \\o "1-2"' in body and 'w:fldCharType="begin"' in body
    assert 'w:updateFields w:val="true"' in document.settings.element.xml
    assert 'w:eastAsia="仿宋"' in document.styles.element.xml and 'w:eastAsia="黑体"' in document.styles.element.xml
    for name in ("Normal", "Title", "Heading 1", "Heading 2", "Caption"):  # a theme font would win over the named
        assert "eastAsiaTheme" not in document.styles[name].element.xml
    # The city: A's 3 and B's 1 against A's 1 last year.
    assert figure_row(document, "新签约亿元以上项目数（个）") == [
        "新签约亿元以上项目数（个）",
        "4",
        "1",
        "300.0",
        "—",
        "—",
    ]
    by_zone = next(rows_of(t) for t in document.tables if rows_of(t)[0][0] == "园区")
    assert by_zone[1][:2] == [zone_a.name, "3"] and by_zone[2][:2] == [zone_b.name, "1"]
    assert by_zone[3][:2] == ["合计", "4"]
    # The test section: places and thousands, the target's pace, the figure not reported.
    assert figure_row(document, "工业总产值（万元）") == [
        "工业总产值（万元）",
        "1,234,567.89",
        "1,000,000.00",
        "23.5",
        "2,000,000.00",
        "61.7%（滞后）",
    ]
    assert figure_row(document, "固定资产投资（万元）")[1:4] == ["未报送", "—", "—"]
    reported = next(rows_of(t) for t in document.tables if rows_of(t)[0][0] == "园区代码")
    assert reported[0][2] == "工业总产值 本年累计（万元）"
    assert reported[1] == ["A001", zone_a.name, "1,234.5", "1,000.0", "23.5"]
    assert reported[2] == ["B001", zone_b.name, "未报送", "—", "—"]
    assert "0" not in reported[2][2:]
    headings2 = [text for style, text in texts if style == "Heading 2"]
    assert headings2 == [
        "项目推进月报表（新签约、新开工、新竣工）",
        "各园区项目推进（本年累计）",
        "逾期未办结的阶段期限（按挂钩领导）",
        "各园区报送数据",
    ]
    assert len(document.inline_shapes) == 12  # one image per chart: the projects' five, the test section's seven
    captions = [text for style, text in texts if style == "Caption"]
    assert "图12　闲置土地" in captions
    assert "数据来源：园区月报；截至 2025年6月30日（数据截至6月）" in captions
    assert "数据来源：项目台账（阶段时间线）；截至 2025年6月30日（项目台账实时）" in captions


def test_a_zone_users_report_holds_its_zone_only(tmp_path, projects, test_section, user_a, zone_a, zone_b):
    path, _out = write(tmp_path, user="staff_a")
    document = docx.Document(str(path))
    assert document.paragraphs[5].text == zone_a.name  # the cover names the zone
    assert figure_row(document, "新签约亿元以上项目数（个）")[1:4] == ["3", "1", "200.0"]
    text = text_of(document)
    assert zone_b.name not in text and "B001" not in text and "900,000" not in text
    # One zone: no table of zones side by side from the projects.
    assert "各园区项目推进（本年累计）" not in text


def test_drilling_into_a_zone_and_refusing_one_the_user_cannot_see(tmp_path, projects, user_a, zone_a, zone_b):
    path, _out = write(tmp_path, zone="B001")
    document = docx.Document(str(path))
    assert figure_row(document, "新签约亿元以上项目数（个）")[1:4] == ["1", "0", "—"]
    assert zone_a.name not in text_of(document)
    with pytest.raises(CommandError, match="没有这个园区：B001 / no such zone: B001"):
        write(tmp_path, "other.docx", zone="B001", user="staff_a")
    assert not (tmp_path / "other.docx").exists()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--year", "2025", "--month", "13", "--out", "r.docx"], "月份无效：'13'，应为 1–12 / invalid month"),
        (["--year", "20x5", "--month", "6", "--out", "r.docx"], "年度无效"),
        (
            ["--year", "2025", "--month", "6", "--out", "r.pdf"],
            "输出文件须为 .docx 或 .xlsx：r.pdf / the output must be a .docx or .xlsx",
        ),
        (["--year", "2025", "--month", "6"], "需要 --year、--month 和 --out / --year, --month and --out are required"),
        (["--year", "2025", "--month", "6", "--out", "r.docx", "--language", "fr"], "语言无效"),
        (["--year", "2025", "--month", "6", "--out", "r.docx", "--user", "nobody"], "没有这个用户：nobody"),
        (["--schedule"], "--schedule 需要 --dir / --schedule needs --dir"),
    ],
)
def test_bad_arguments_are_refused_in_both_languages_and_write_nothing(
    tmp_path, monkeypatch, zone_a, arguments, message
):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)").replace(".", r"\.")):
        call_command("report", "monthly", *arguments, stdout=io.StringIO())
    assert list(tmp_path.iterdir()) == []


def test_the_xlsx_holds_the_figures_and_each_table_on_its_own_sheet(tmp_path, projects, test_section, zone_a, zone_b):
    path, _out = write(tmp_path, "report.xlsx")
    book = openpyxl.load_workbook(path)  # written by xlsxwriter, read back by another library
    assert book.sheetnames == [
        "主要指标",
        "项目推进月报表（新签约、新开工、新竣工）",
        "各园区项目推进（本年累计）",
        "逾期未办结的阶段期限（按挂钩领导）",
        "各园区报送数据",
    ]
    figures = [list(row) for row in book["主要指标"].iter_rows(values_only=True)]
    assert figures[0][:8] == ["板块", "指标", "单位", "本年累计", "上年同期", "同比(%)", "目标", "完成进度(%)"]
    signed = next(row for row in figures if row[1] == "新签约亿元以上项目数")
    assert signed[:6] == ["项目推进", "新签约亿元以上项目数", "个", 4, 1, 300]
    late = next(row for row in figures if row[1] == "固定资产投资")
    assert late[3] == "未报送" and late[4] is None
    reported = [list(row) for row in book["各园区报送数据"].iter_rows(values_only=True)]
    assert reported == [
        ["园区代码", "园区名称", "工业总产值 本年累计（万元）", "工业总产值 上年同期（万元）", "工业总产值 同比(%)"],
        ["A001", zone_a.name, 1234.5, 1000, 23.45],
        ["B001", zone_b.name, "未报送", None, None],
    ]
    assert book["各园区报送数据"]["C2"].number_format == "#,##0.0"
    by_zone = [list(row) for row in book["各园区项目推进（本年累计）"].iter_rows(values_only=True)]
    assert by_zone[-1][:2] == ["合计", 4]


def test_sheet_names_are_short_unique_and_legal():
    taken: set[str] = set()
    long = "各园区" * 20 + "[1]:*?/\\"
    first, second = sheet_name(long, taken), sheet_name(long, taken)
    assert len(first) == 31 and len(second) == 31 and first != second and second.endswith("(2)")
    assert not set("[]:*?/\\") & set(first + second)
    assert (
        number(Decimal("1234567.5"), 2) == "1,234,567.50" and number(None) == "—" and number(NOT_REPORTED) == "未报送"
    )


def test_the_english_report(tmp_path, projects, test_section, zone_a):
    path, _out = write(tmp_path, language="en")
    document = docx.Document(str(path))
    texts = [p.text for p in document.paragraphs if p.text]
    assert texts[:3] == ["City-wide", "Monthly report on the development zones", "(January–June 2025)"]
    assert "Contents" in texts and "Development zone administration office" in texts
    headers = rows_of(document.tables[0])[0]
    assert headers == ["Indicator", "Year to date", "Same months last year", "Change (%)", "Target", "Progress"]
    assert figure_row(document, "工业总产值 (万元)")[5] == "61.7% (Behind)"
    captions = [p.text for p in document.paragraphs if p.style.name == "Caption"]
    assert "Source: 园区月报; as of 30 June 2025 (数据截至6月)" in captions


def test_the_scheduled_reports_of_the_city_and_each_zone(tmp_path, projects, zone_a, zone_b):
    call_command(
        "report",
        "monthly",
        "--schedule",
        "--dir",
        str(tmp_path),
        "--year",
        "2025",
        "--month",
        "6",
        stdout=io.StringIO(),
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "2025-06_A001.docx",
        "2025-06_A001.xlsx",
        "2025-06_B001.docx",
        "2025-06_B001.xlsx",
        "2025-06_city.docx",
        "2025-06_city.xlsx",
    ]
    document = docx.Document(str(tmp_path / "2025-06_B001.docx"))
    assert document.paragraphs[5].text == zone_b.name
    assert figure_row(document, "新签约亿元以上项目数（个）")[1] == "1"


def test_the_cockpit_link_runs_the_report_as_a_job_whose_file_only_its_user_downloads(
    client, settings, tmp_path, projects, user_a, user_b, zone_a, zone_b
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(user_a)
    url = reverse("dashboard:monthly-report")
    assert client.get(url, {"year": "2025", "month": "6"}).status_code == 405  # a GET starts nothing
    assert client.post(url, {"year": "2025", "month": "13"}).status_code == 400
    assert client.post(url, {"year": "2025", "month": "6", "format": "pdf"}).status_code == 400
    assert client.post(url, {"year": "2025", "month": "6", "zone": zone_b.pk}).status_code == 404
    assert not Job.objects.exists()
    # As the cockpit's button posts: the period and zone in the address's query.
    response = client.post(f"{url}?year=2025&month=6&zone={zone_a.pk}&format=xlsx")
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("jobs:job-detail", args=[job.pk])
    assert (job.kind, job.user, job.params["zone"], job.params["format"]) == (
        "monthly-report",
        user_a,
        zone_a.pk,
        "xlsx",
    )
    assert services.execute(job.pk) == "succeeded"
    job.refresh_from_db()
    download = reverse("jobs:job-file", args=[job.pk])
    assert job.result["url"] == download
    assert f'href="{download}"' in client.get(reverse("jobs:job-detail", args=[job.pk])).content.decode()
    response = client.get(download)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    signed = next(row for row in book["主要指标"].iter_rows(values_only=True) if row[1] == "新签约亿元以上项目数")
    assert signed[3:6] == (3, 1, 200)
    client.force_login(user_b)
    assert client.get(download).status_code == 404


def test_a_docx_from_the_cockpit(client, settings, tmp_path, projects, city_admin, zone_a, zone_b):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(city_admin)
    client.post(reverse("dashboard:monthly-report"), {"year": "2025", "month": "6"})
    job = Job.objects.get()
    assert services.execute(job.pk) == "succeeded"
    response = client.get(reverse("jobs:job-file", args=[job.pk]))
    document = docx.Document(io.BytesIO(b"".join(response.streaming_content)))
    assert figure_row(document, "新签约亿元以上项目数（个）")[1:4] == ["4", "1", "300.0"]


def test_without_a_cjk_font_the_command_stops_with_a_clear_message_and_leaves_no_file(
    tmp_path, settings, test_section, zone_a
):
    settings.YUANQU_CJK_FONT = str(tmp_path / "no-such-font.ttc")
    with pytest.raises(CommandError, match=r"找不到中文字体（CJK）.* / no CJK font found"):
        write(tmp_path)
    assert not (tmp_path / "report.docx").exists()


def test_the_schedule_defaults_to_the_previous_month():
    assert previous_month(D(2026, 1, 3)) == (2025, 12)
    assert previous_month(D(2026, 12, 7)) == (2026, 11)
