"""The evaluation admin: methods stored through the service, runs and results read-only, drafts deletable."""

from yuanqu.analytics.mujun import preset_text
from yuanqu.evaluation.models import EvaluationMethod, EvaluationResult, EvaluationRun
from yuanqu.evaluation.services import preset_method, publish_run, run_evaluation


def test_admin_lists_and_read_only_result(client, city_admin, evaluation_world):
    run = run_evaluation(method=preset_method(name="huangyan-2022"), year=2024, user=city_admin)
    client.force_login(city_admin)
    for url in ("/admin/evaluation/evaluationmethod/", "/admin/evaluation/evaluationrun/"):
        assert client.get(url).status_code == 200
    html = client.get("/admin/evaluation/evaluationresult/?grade=A").content.decode()
    assert "乙1号科技有限公司" in html and "甲1号制造有限公司" not in html
    result = EvaluationResult.objects.get(run=run, enterprise=evaluation_world["a"][0])
    page = client.get(f"/admin/evaluation/evaluationresult/{result.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    client.post(f"/admin/evaluation/evaluationresult/{result.pk}/change/", {"grade": "A", "total": "999"})
    result.refresh_from_db()
    assert (result.grade, round(result.total, 3)) == ("C", 59.539)
    assert client.get("/admin/evaluation/evaluationresult/add/").status_code == 403
    assert client.get("/admin/evaluation/evaluationrun/add/").status_code == 403


def test_published_run_cannot_be_deleted_a_draft_can(client, city_admin, evaluation_world):
    method = preset_method(name="huangyan-2022")
    published = publish_run(run=run_evaluation(method=method, year=2024, user=city_admin), user=city_admin)
    draft = run_evaluation(method=method, year=2024, user=city_admin)
    client.force_login(city_admin)
    assert client.get(f"/admin/evaluation/evaluationrun/{published.pk}/delete/").status_code == 403
    client.post(f"/admin/evaluation/evaluationrun/{published.pk}/delete/", {"post": "yes"})
    response = client.post(f"/admin/evaluation/evaluationrun/{draft.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert list(EvaluationRun.objects.values_list("pk", flat=True)) == [published.pk]
    assert EvaluationResult.objects.filter(run=published).count() == 7


def test_admin_adds_a_method_through_the_service_and_refuses_a_bad_one(client, city_admin):
    client.force_login(city_admin)
    bad = client.post(
        "/admin/evaluation/evaluationmethod/add/",
        {"name": "坏方法", "format": "toml", "text": 'name = "x"\nyear = 2024\nbogus_field = 1\n'},
    )
    assert bad.status_code == 200 and "第 3 行（bogus_field）" in bad.content.decode()
    assert not EvaluationMethod.objects.exists()
    good = client.post(
        "/admin/evaluation/evaluationmethod/add/",
        {"name": "黄岩", "format": "toml", "text": preset_text("huangyan-2022")},
    )
    assert good.status_code == 302
    method = EvaluationMethod.objects.get()
    assert (method.name, method.created_by) == ("黄岩", city_admin)
    page = client.get(f"/admin/evaluation/evaluationmethod/{method.pk}/change/").content.decode()
    assert 'name="_save"' not in page  # stored methods are not changed
