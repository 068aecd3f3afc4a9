"""The methods' pages and the method editor: a method read from its text, the editor's round trip from its form
to a new stored method (the original unchanged), every problem named on the form, the TOML as the advanced view."""

from __future__ import annotations

import pytest
from django.conf import settings

from yuanqu.analytics.zoneranking import load_method, preset_text
from yuanqu.ranking.models import ZoneEvaluationMethod
from yuanqu.ranking.testing import TWO_CATEGORY_METHOD
from yuanqu.ranking.tests.conftest import page, table_rows, texts


@pytest.fixture
def stored(db):
    return ZoneEvaluationMethod.objects.create(name="two-categories", text=TWO_CATEGORY_METHOD)


def form_data(response, **changes) -> dict:
    """What a browser would post from the editor as the page shows it, with some fields changed."""
    form = page(response).xpath("//form[@id='method-form']")[0]
    data: dict[str, list[str]] = {}
    textareas = set(form.xpath(".//textarea/@name"))
    for name, value in form.form_values():
        if "__prefix__" not in name:
            # A browser drops the newline that follows <textarea>; lxml keeps it.
            value = value.removeprefix("\n") if name in textareas else value
            data.setdefault(name, []).append(value)
    for name, value in changes.items():
        name = name.replace("__", "-")
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value if isinstance(value, list) else [value]
    return data


def problems(response) -> list[str]:
    return texts(page(response).xpath("//*[@id='method-problems']/li"))


# --- reading ----------------------------------------------------------------------------------------------------


def test_everyone_signed_in_reads_the_methods_but_only_evaluators_edit(client, user_a, analyst, stored):
    client.force_login(user_a)
    response = client.get("/ranking/methods/")
    assert response.status_code == 200
    assert [row[0] for row in table_rows(response, "//table[@id='preset-table']")] == ["jiangsu", "zones-reference"]
    assert table_rows(response, "//table[@id='method-table']")[0][:3] == ["two-categories", "两类别测试方法", "—"]
    assert "复制并编辑" not in response.content.decode()
    assert client.get(f"/ranking/methods/{stored.pk}/").status_code == 200
    assert client.get(f"/ranking/methods/{stored.pk}/edit/").status_code == 403
    assert client.get("/ranking/methods/new/?preset=jiangsu").status_code == 403
    assert client.post(f"/ranking/methods/{stored.pk}/edit/", {"action": "save"}).status_code == 403
    client.force_login(analyst)
    assert "复制并编辑" in client.get("/ranking/methods/").content.decode()
    assert client.get(f"/ranking/methods/{stored.pk}/edit/").status_code == 200


def test_a_method_page_reads_its_categories_indicators_vetoes_and_warnings(client, user_a):
    client.force_login(user_a)
    response = client.get("/ranking/methods/presets/zones-reference/")
    assert texts(page(response).xpath("//h1"))[0].startswith("园区综合评价参考方法 zones-reference")
    rows = table_rows(response, "//table[@id='method-indicators']")
    assert rows[0] == [
        "对外开放",
        "30",
        "实际使用外资 foreign_investment",
        "上报数据：实际使用外资",
        "万美元",
        "1/2",
        "越高越好",
        "与最优值之比",
        "—",
    ]
    assert rows[5] == ["科技创新", "15", "研发投入强度 rd_intensity", "研发经费支出 ÷ 地区生产总值 × 100", "%", "1/2",
                       "越高越好", "与最优值之比", "—"]  # fmt: skip
    assert rows[7] == ["绿色发展", "15", "单位工业增加值能耗 energy_intensity", "综合能耗 ÷ 规上工业增加值",
                       "吨标准煤/万元", "1", "越低越好", "与最优值之比", "—"]  # fmt: skip
    assert table_rows(response, "//table[@id='method-vetoes']") == [
        ["发生较大及以上生产安全事故或突发环境事件", "较大及以上生产安全事故、突发环境事件", "0"]
    ]
    assert table_rows(response, "//table[@id='method-warnings']") == [
        ["摘牌预警", "省级", "近 3 年中至少 2 年处于组内后 3 名（被否决的年份计入）"],
        ["降级预警", "国家级", "近 3 年中至少 2 年处于组内后 5 名（被否决的年份计入）"],
    ]
    assert "# 园区综合评价参考方法" in texts(page(response).xpath("//*[@id='method-toml']"))[0]
    assert client.get("/ranking/methods/presets/nope/").status_code == 404
    assert client.get("/ranking/methods/999999/").status_code == 404


def test_a_method_page_in_english(client, user_a):
    client.force_login(user_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/ranking/methods/presets/zones-reference/")
    rows = table_rows(response, "//table[@id='method-indicators']")
    assert rows[0][:4] == ["Opening-up", "30", "Foreign investment actually used foreign_investment",
                           "Reported figure: foreign investment actually used"]  # fmt: skip
    assert rows[0][6:8] == ["Higher is better", "Ratio to the best"]
    assert table_rows(response, "//table[@id='method-warnings']")[0] == [
        "Warning: loss of status",
        "Provincial",
        "in the last 3 places of its group in at least 2 of the last 3 years (vetoed years count)",
    ]


# --- the editor -------------------------------------------------------------------------------------------------


def test_the_editor_starts_from_the_method_as_a_form(client, analyst, stored):
    client.force_login(analyst)
    response = client.get(f"/ranking/methods/{stored.pk}/edit/")
    data = form_data(response)
    assert data["head-name"] == ["two-categories"] and data["head-grouping"] == ["level"]
    assert [data[f"cat-{i}-key"] + data[f"cat-{i}-weight"] for i in range(2)] == [["scale", "60"], ["revenue", "40"]]
    assert data["ind-0-category"] == ["scale"] and data["ind-0-figure"] == ["gdp"] and data["ind-0-share"] == ["1"]
    assert data["veto-0-figures"] == ["safety_accidents"]
    assert data["warn-0-levels"] == ["provincial"] and data["warn-0-last"] == ["1"]
    assert data["cat-TOTAL_FORMS"] == ["3"] and data["cat-INITIAL_FORMS"] == ["2"]  # one blank row to add
    assert data["toml-text"] == [TWO_CATEGORY_METHOD]


def test_editing_a_weight_stores_a_new_method_and_leaves_the_original(client, analyst, stored, world):
    client.force_login(analyst)
    before = ZoneEvaluationMethod.objects.count()
    response = client.get(f"/ranking/methods/{stored.pk}/edit/")
    data = form_data(response, cat__0__weight="70", cat__1__weight="30", head__title="两类别（调整权重）")
    saved = client.post(f"/ranking/methods/{stored.pk}/edit/", data | {"action": "save"})
    assert saved.status_code == 302
    new = ZoneEvaluationMethod.objects.latest("pk")
    assert saved["Location"] == f"/ranking/methods/{new.pk}/"
    assert ZoneEvaluationMethod.objects.count() == before + 1
    method = new.parsed()
    assert [(c.key, float(c.weight)) for c in method.categories] == [("scale", 70.0), ("revenue", 30.0)]
    assert (new.name, new.title, new.created_by_id, new.preset) == (
        "two-categories",
        "两类别（调整权重）",
        analyst.pk,
        "",
    )
    assert "weight = 70" in new.text
    # Everything else came through unchanged.
    original = load_method(TWO_CATEGORY_METHOD)
    assert method.vetoes == original.vetoes and method.warnings == original.warnings
    assert [i.figure for i in method.indicators] == ["gdp", "budget_revenue"]
    stored.refresh_from_db()
    assert stored.text == TWO_CATEGORY_METHOD
    # The new method runs: 甲 70 × 100 ÷ 120 + 30 × 10 ÷ 20 = 73.33.
    assert client.post("/ranking/runs/new/", {"method": f"method:{new.pk}", "year": "2025"}).status_code == 302
    assert world.zones["A"].pk and new.zoneevaluationrun_set.get().results.get(zone=world.zones["A"]).total == 73.333333


def test_a_share_sum_that_is_not_one_is_named_on_the_form_and_nothing_is_stored(client, analyst):
    client.force_login(analyst)
    response = client.get("/ranking/methods/new/?preset=zones-reference")
    before = ZoneEvaluationMethod.objects.count()
    data = form_data(response, ind__0__share="0.4")
    refused = client.post("/ranking/methods/new/?preset=zones-reference", data | {"action": "save"})
    assert refused.status_code == 400
    assert problems(refused) == ["类别「对外开放」：类别 opening_up 内各指标占比之和为 0.9，应为 1"]
    assert ZoneEvaluationMethod.objects.count() == before
    # The row of the category is marked, with the reason; the form keeps what was typed.
    assert form_data(refused)["ind-0-share"] == ["0.4"]
    row = page(refused).xpath("//table[@id='categories']/tbody/tr[1]")[0]
    assert "has-error" in row.get("class")
    assert "类别 opening_up 内各指标占比之和为 0.9，应为 1" in texts([row])[0]
    # The shipped preset is untouched.
    assert 'share = "1/2"' in preset_text("zones-reference")


def test_problems_are_named_in_english_too(client, analyst):
    client.force_login(analyst)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/ranking/methods/new/?preset=zones-reference")
    data = form_data(response, ind__0__share="0.4", cat__4__weight="20")
    refused = client.post("/ranking/methods/new/", data | {"action": "save"})
    assert problems(refused) == [
        "Category “Opening-up”: the indicator shares of category opening_up sum to 0.9, not 1",
        "Category: the category weights sum to 110, not 100",
    ]


def test_each_problem_is_put_on_its_field(client, analyst, stored):
    client.force_login(analyst)
    data = form_data(
        client.get(f"/ranking/methods/{stored.pk}/edit/"),
        ind__1__category="nope",
        ind__0__cap="-5",
        cat__1__key="Revenue",
        warn__0__times="3",
    )
    refused = client.post(f"/ranking/methods/{stored.pk}/edit/", data | {"action": "save"})
    assert refused.status_code == 400
    assert problems(refused) == [
        "指标「一般公共预算收入」 · 类别：没有键为 nope 的类别",
        "指标「地区生产总值」 · 上限：应大于 0，现为 -5",
        "类别「财政收入」 · 键：'Revenue' 应由小写英文字母、数字和下划线组成，以字母开头",
        "类别「财政收入」：每个类别至少需要一个指标",
        "预警规则「摘牌预警」 · 次数：次数 3 大于年数 2，永远不会触发",
    ]
    cap = page(refused).xpath("//input[@name='ind-0-cap']/following-sibling::span[@class='error']")
    assert texts(cap) == ["应大于 0，现为 -5"]


def test_rows_are_added_and_deleted(client, analyst, stored):
    client.force_login(analyst)
    data = form_data(
        client.get(f"/ranking/methods/{stored.pk}/edit/"),
        ded__0__key="incidents",
        ded__0__zh="一般环境事件",
        ded__0__figure="environmental_incidents",
        ded__0__points="2",
        ded__0__cap="6",
        warn__0__DELETE="on",
        ind__2__category="revenue",
        ind__2__key="tax_share",
        ind__2__zh="税收占比",
        ind__2__kind="ratio",
        ind__2__numerator="tax_revenue",
        ind__2__denominator="budget_revenue",
        ind__2__scale="100",
        ind__2__unit="%",
        ind__2__share="1/2",
        ind__1__share="1/2",
    )
    saved = client.post(f"/ranking/methods/{stored.pk}/edit/", data | {"action": "save"})
    assert saved.status_code == 302, problems(saved)
    method = ZoneEvaluationMethod.objects.latest("pk").parsed()
    assert [(d.key, d.figure, d.points, d.cap) for d in method.deductions] == [
        ("incidents", "environmental_incidents", 2.0, 6.0)
    ]
    assert method.warnings == ()
    tax = method.indicator("tax_share")
    assert (tax.numerator, tax.denominator, tax.scale, tax.unit, str(tax.share), tax.en) == (
        "tax_revenue",
        "budget_revenue",
        100.0,
        "%",
        "1/2",
        "税收占比",
    )
    assert method.category_of("tax_share").key == "revenue"


def test_check_shows_the_toml_and_stores_nothing(client, analyst, stored):
    client.force_login(analyst)
    before = ZoneEvaluationMethod.objects.count()
    data = form_data(client.get(f"/ranking/methods/{stored.pk}/edit/"), cat__0__weight="55", cat__1__weight="45")
    checked = client.post(f"/ranking/methods/{stored.pk}/edit/", data | {"action": "check"})
    assert checked.status_code == 200
    assert problems(checked) == ["方法有效（尚未保存）。下方“高级”中是将要保存的 TOML 文本。"]
    text = form_data(checked)["toml-text"][0]
    assert load_method(text).categories[0].weight == 55
    assert ZoneEvaluationMethod.objects.count() == before


def test_the_advanced_view_saves_the_toml_text_or_names_its_line(client, analyst, stored):
    client.force_login(analyst)
    data = form_data(client.get(f"/ranking/methods/{stored.pk}/edit/"))
    bad = TWO_CATEGORY_METHOD.replace("weight = 40", "weight = 40\nbogus = 1")
    refused = client.post(f"/ranking/methods/{stored.pk}/edit/", data | {"toml-text": [bad], "action": "toml"})
    assert refused.status_code == 400
    assert problems(refused) == [
        "第 26 行（categories[1].bogus）：未知的键 bogus（可用：key、zh、en、weight、indicators）"
    ]
    good = TWO_CATEGORY_METHOD.replace("weight = 60", "weight = 65").replace("weight = 40", "weight = 35")
    saved = client.post(
        f"/ranking/methods/{stored.pk}/edit/", data | {"toml-text": [good], "action": "toml", "head-name": ["mine"]}
    )
    assert saved.status_code == 302
    new = ZoneEvaluationMethod.objects.latest("pk")
    assert new.text == good and new.name == "two-categories"  # the text names itself


def test_a_tampered_or_empty_post_is_refused_without_an_error_page(client, analyst, stored):
    client.force_login(analyst)
    for data in ({}, {"action": "save", "head-name": "x"}, {"action": "toml"}):
        response = client.post(f"/ranking/methods/{stored.pk}/edit/", data)
        assert response.status_code == 400
        assert problems(response)
    data = form_data(client.get(f"/ranking/methods/{stored.pk}/edit/"), ind__0__figure="no_such_figure")
    assert client.post(f"/ranking/methods/{stored.pk}/edit/", data | {"action": "save"}).status_code == 400
    assert client.get("/ranking/methods/new/?preset=nope").status_code == 404
    assert ZoneEvaluationMethod.objects.count() == 1


def test_a_run_over_many_zones_goes_to_a_job(client, analyst, stored, world, settings):
    from yuanqu.core.jobs.models import Job
    from yuanqu.core.jobs.services import execute
    from yuanqu.ranking.models import ZoneEvaluationRun

    settings.YUANQU_JOB_RANKING_MIN_ZONES = 1
    client.force_login(analyst)
    before = set(ZoneEvaluationRun.objects.values_list("pk", flat=True))
    response = client.post("/ranking/runs/new/", {"method": f"method:{stored.pk}", "year": "2025"})
    job = Job.objects.get()
    assert response["Location"] == f"/jobs/{job.pk}/"
    assert set(ZoneEvaluationRun.objects.values_list("pk", flat=True)) == before  # the page answered at once
    assert execute(job.pk) == "succeeded"
    run = ZoneEvaluationRun.objects.exclude(pk__in=before).get()
    assert job.__class__.objects.get(pk=job.pk).result["url"] == f"/ranking/runs/{run.pk}/"
    assert run.results.get(zone=world.zones["A"]).total > 0
