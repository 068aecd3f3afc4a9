"""Running an evaluation: exact results, determinism, zone scope, the lock on published runs."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from yuanqu.core.models import ChangeLogEntry
from yuanqu.evaluation.models import EvaluationResult, EvaluationRun
from yuanqu.evaluation.services import (
    delete_run,
    indicator_rows,
    preset_method,
    production_years,
    publish_run,
    run_evaluation,
    save_method,
)

FIELDS = ["enterprise_id", "zone_id", "group", "status", "total", "rank", "group_size", "grade", "explanation_zh"]


def rows(run):
    return list(EvaluationResult.objects.filter(run=run).order_by("enterprise_id").values_list(*FIELDS))


def test_city_run_stores_exact_totals_and_grades(evaluation_world, city_admin):
    run = run_evaluation(method=preset_method(name="huangyan-2022"), year=2024, user=city_admin)
    first = EvaluationResult.objects.get(run=run, enterprise=evaluation_world["a"][0])
    # 12.3/24.097×30 + 10 + 2/2.694×20 + 3404/4929.81×10 + 13.616/18.14×10 + 0.015/0.0302×10 = 59.539
    assert round(first.total, 3) == 59.539
    assert next(iter(first.indicators)) == "tax_per_mu"
    assert round(first.indicators["tax_per_mu"]["score"], 3) == 15.313
    assert first.indicators["tax_per_mu"]["benchmark"] == 24.097
    assert round(first.indicators["value_added_per_mu"]["ratio"], 3) == 0.500
    assert first.policies == []  # grade C earns nothing under Huangyan
    assert EvaluationResult.objects.get(run=run, enterprise=evaluation_world["a"][1]).policies == [
        {"kind": "land_use_tax_relief", "label_zh": "城镇土地使用税部分减免", "label_en": "partial urban land-use tax relief",
         "value": None, "unit": ""}
    ]  # fmt: skip
    rows = indicator_rows(first)
    assert (rows[0]["label_zh"], rows[0]["weight"], round(rows[0]["value"], 3)) == ("亩均税收", 30.0, 12.3)
    assert "亩均税收 12.30 万元/亩，基准 24.097，得分 15.31 / 30" in first.explanation_zh
    utility = EvaluationResult.objects.get(run=run, enterprise=evaluation_world["utility"])
    assert utility.grade == "T"
    assert run.enterprise_count == 7
    assert run.count_t == 1
    assert run.count_a + run.count_b + run.count_c + run.count_d == 6
    assert run.zone is None


def test_same_method_on_same_data_gives_same_hash_and_rows(evaluation_world, city_admin):
    method = preset_method(name="huangyan-2022")
    first = run_evaluation(method=method, year=2024, user=city_admin)
    second = run_evaluation(method=method, year=2024, user=city_admin)
    assert first.pk != second.pk  # never overwritten
    assert first.input_hash == second.input_hash
    assert first.method_digest == second.method_digest
    assert rows(first) == rows(second)


def test_changed_data_changes_the_input_hash(evaluation_world, city_admin):
    method = preset_method(name="huangyan-2022")
    first = run_evaluation(method=method, year=2024, user=city_admin)
    year = evaluation_world["a"][0].years.get(year=2024)
    year.tax += 1
    year.save()
    assert run_evaluation(method=method, year=2024, user=city_admin).input_hash != first.input_hash


def test_zone_user_run_covers_only_its_zone(evaluation_world, user_a, zone_a):
    run = run_evaluation(method=preset_method(name="huangyan-2022"), year=2024, user=user_a)
    assert run.zone == zone_a
    assert set(EvaluationResult.objects.filter(run=run).values_list("zone_id", flat=True)) == {zone_a.pk}
    assert run.enterprise_count == 5


def test_zone_user_cannot_evaluate_another_zone(evaluation_world, user_a, zone_b):
    with pytest.raises(PermissionDenied):
        run_evaluation(method=preset_method(name="huangyan-2022"), year=2024, user=user_a, zone_ids=[zone_b.pk])


def test_year_without_data_is_refused(evaluation_world, city_admin):
    with pytest.raises(ValidationError, match="2019"):
        run_evaluation(method=preset_method(name="huangyan-2022"), year=2019, user=city_admin)


def test_published_run_is_locked(evaluation_world, city_admin, user_a):
    run = run_evaluation(method=preset_method(name="huangyan-2022"), year=2024, user=city_admin)
    with pytest.raises(PermissionDenied):
        publish_run(run=run, user=user_a)
    publish_run(run=run, user=city_admin)
    run.refresh_from_db()
    assert run.status == "published" and run.published_at is not None
    with pytest.raises(ValidationError):
        delete_run(run=run, user=city_admin)
    run.year = 2023
    with pytest.raises(ValidationError):
        run.save()
    assert EvaluationRun.objects.get(pk=run.pk).year == 2024
    assert EvaluationResult.objects.filter(run=run).count() == 7


def test_draft_run_can_be_deleted(evaluation_world, city_admin):
    run = run_evaluation(method=preset_method(name="huangyan-2022"), year=2024, user=city_admin)
    delete_run(run=run, user=city_admin)
    assert not EvaluationRun.objects.filter(pk=run.pk).exists()


def test_run_is_logged_once_not_per_result(evaluation_world, city_admin):
    method = preset_method(name="huangyan-2022")
    before = ChangeLogEntry.objects.count()
    run_evaluation(method=method, year=2024, user=city_admin)
    assert ChangeLogEntry.objects.count() - before == 1


def test_bad_method_is_refused_with_its_line(city_admin):
    text = 'name = "x"\nyear = 2024\nbogus_field = 1\n'
    with pytest.raises(ValidationError) as caught:
        save_method(name="坏方法", text=text, user=city_admin)
    assert "第 3 行（bogus_field）：未知的键 bogus_field" in str(caught.value)
    assert "line 3 (bogus_field): unknown key bogus_field" in str(caught.value)


def test_production_years_are_full_years_to_year_end():
    import datetime as dt

    assert production_years(dt.date(2022, 3, 1), 2024) == 2
    assert production_years(dt.date(2024, 1, 1), 2024) == 0
    assert production_years(dt.date(2025, 6, 1), 2024) == 0
    assert production_years(None, 2024) is None
