"""Method pages: list, view, the editor with validation and a preview that stores nothing, permissions."""

import pytest

from yuanqu.analytics.mujun import preset_text
from yuanqu.evaluation.models import EvaluationMethod, EvaluationResult, EvaluationRun
from yuanqu.evaluation.services import preset_method, run_evaluation

BAD = 'name = "x"\nyear = 2024\nbogus_field = 1\n'


def post(client, url, headers=None, **data):
    return client.post(url, {"name": "试行方法", "format": "toml", **data}, headers=headers)


def test_bad_method_shows_line_and_reason_and_saves_nothing(client, city_admin):
    client.force_login(city_admin)
    for action in ("validate", "save"):
        response = post(client, "/evaluation/methods/new/", text=BAD, action=action)
        html = response.content.decode()
        assert response.status_code == 400
        assert "第 3 行（bogus_field）" in html and "line 3 (bogus_field)" in html
    assert not EvaluationMethod.objects.exists()


def test_weights_that_do_not_sum_are_refused_with_the_line(client, city_admin):
    text = preset_text("huangyan-2022").replace("weight = 30", "weight = 31", 1)
    client.force_login(city_admin)
    response = post(client, "/evaluation/methods/new/", text=text, action="validate")
    html = response.content.decode()
    assert response.status_code == 400
    assert "101" in html and "第 " in html
    assert not EvaluationMethod.objects.exists()


def test_validate_a_good_method(client, city_admin):
    client.force_login(city_admin)
    response = post(
        client,
        "/evaluation/methods/new/",
        text=preset_text("huangyan-2022"),
        action="validate",
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "方法有效" in response.content.decode()
    assert "<form" not in response.content.decode()  # htmx: only the result block
    assert not EvaluationMethod.objects.exists()


def test_preview_stores_nothing_and_shows_the_counts(client, city_admin, evaluation_world):
    client.force_login(city_admin)
    response = post(
        client, "/evaluation/methods/new/", text=preset_text("huangyan-2022"), action="preview", year="2024"
    )
    assert response.status_code == 200
    preview = response.context["preview"]
    # the same grades as a stored run of the fixture (see test_command): A 2, B 2, C 2, T 1
    assert preview["groups"] == [{"group": "规上企业", "counts": [2, 2, 2, 0, 1, 0], "total": 7}]
    assert preview["enterprise_count"] == 7
    assert [row["grade"] for row in preview["rows"]][:2] == ["A", "A"]
    html = response.content.decode()
    assert "亩均税收 12.30 万元/亩，基准 24.097，得分 15.31 / 30" in html
    assert not EvaluationRun.objects.exists() and not EvaluationResult.objects.exists()
    assert not EvaluationMethod.objects.exists()


def test_zone_users_preview_sees_only_their_zone(client, user_a, evaluation_world):
    client.force_login(user_a)
    response = post(
        client, "/evaluation/methods/new/", text=preset_text("huangyan-2022"), action="preview", year="2024"
    )
    html = response.content.decode()
    assert response.context["preview"]["enterprise_count"] == 5
    assert "乙1号科技有限公司" not in html and "甲1号制造有限公司" in html


def test_preview_of_a_year_without_data_says_so(client, city_admin, evaluation_world):
    client.force_login(city_admin)
    response = post(
        client, "/evaluation/methods/new/", text=preset_text("huangyan-2022"), action="preview", year="2019"
    )
    assert response.status_code == 400
    assert "2019 年没有可评价的企业数据" in response.content.decode()


def test_save_creates_a_method_and_an_edit_creates_a_new_one(client, city_admin, evaluation_world):
    client.force_login(city_admin)
    response = post(client, "/evaluation/methods/new/", text=preset_text("huangyan-2022"), action="save")
    method = EvaluationMethod.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/evaluation/methods/{method.pk}/"
    run = run_evaluation(method=method, year=2024, user=city_admin)
    edited = preset_text("huangyan-2022").replace("weight_total = 100", "weight_total = 100  # edited")
    response = post(client, f"/evaluation/methods/{method.pk}/edit/", text=edited, action="save")
    assert EvaluationMethod.objects.count() == 2
    method.refresh_from_db()
    assert method.text == preset_text("huangyan-2022")  # the used method is unchanged
    assert run.method_text == method.text
    newer = EvaluationMethod.objects.exclude(pk=method.pk).get()
    assert newer.text == edited and newer.digest != method.digest
    html = client.get(f"/evaluation/methods/{method.pk}/").content.decode()
    assert f"/evaluation/runs/{run.pk}/" in html


def test_method_list_and_run_from_a_stored_method(client, user_a, evaluation_world, zone_a):
    method = preset_method(name="huangyan-2022")
    client.force_login(user_a)
    html = client.get("/evaluation/methods/").content.decode()
    assert f"/evaluation/methods/{method.pk}/" in html
    response = client.post("/evaluation/new/", {"method": str(method.pk), "year": "2024"})
    run = EvaluationRun.objects.get()
    assert response.status_code == 302 and run.method == method and run.zone == zone_a


@pytest.mark.parametrize("role", ["analyst", "leader"])
def test_read_only_users_may_read_methods_but_not_edit(client, role, zone_a, evaluation_world):
    from yuanqu.accounts.testing import make_user

    user = make_user(
        f"ro_{role}", "city_analyst" if role == "analyst" else "leader", zones=[zone_a] if role == "leader" else []
    )
    method = preset_method(name="huangyan-2022")
    client.force_login(user)
    assert client.get("/evaluation/methods/").status_code == 200
    assert client.get(f"/evaluation/methods/{method.pk}/").status_code == 200
    assert client.get("/evaluation/methods/new/").status_code == 403
    assert client.get(f"/evaluation/methods/{method.pk}/edit/").status_code == 403
    response = post(
        client, "/evaluation/methods/new/", text=preset_text("huangyan-2022"), action="preview", year="2024"
    )
    assert response.status_code == 403
    assert EvaluationMethod.objects.count() == 1


def test_new_from_a_preset_fills_the_editor(client, city_admin):
    client.force_login(city_admin)
    response = client.get("/evaluation/methods/new/?preset=huaian-2024")
    assert response.status_code == 200
    assert response.context["form"].initial["text"] == preset_text("huaian-2024")


def test_the_blank_method_is_valid(client, city_admin):
    from yuanqu.evaluation.views import BLANK_METHOD

    client.force_login(city_admin)
    assert client.get("/evaluation/methods/new/").context["form"].initial["text"] == BLANK_METHOD
    response = post(client, "/evaluation/methods/new/", text=BLANK_METHOD, action="validate")
    assert response.status_code == 200 and "方法有效" in response.content.decode()
