"""Targets on registered measures: saved through the service (an unknown indicator refused in both languages),
measured month by month, coloured against the year elapsed, and restricted to the user's zones."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from yuanqu.core import registry
from yuanqu.core.models import ChangeLogEntry
from yuanqu.targets.api.serializers import TargetProgressSerializer
from yuanqu.targets.models import Target
from yuanqu.targets.selectors import AMBER, GREEN, RED, elapsed_share, rag, target_progress
from yuanqu.targets.services import delete_target, save_target

D = dt.date
pytestmark = pytest.mark.django_db


def test_saving_a_target_is_logged_under_the_targets_app(zone_a, admin_a, month_counter):
    target = save_target(target=Target(zone=zone_a, year=2026, indicator="test_months", value=120), user=admin_a)
    entry = ChangeLogEntry.objects.get(action="create", content_type__model="target")
    assert (entry.content_type.app_label, entry.object_id) == ("targets", str(target.pk))
    assert entry.object_repr == "甲经济开发区 2026 测试月数"
    delete_target(target=target, user=admin_a)
    assert not Target.objects.exists()


def test_an_indicator_no_app_measures_is_refused_in_both_languages(zone_a, admin_a, month_counter):
    with pytest.raises(ValidationError) as refused:
        save_target(target=Target(zone=zone_a, year=2026, indicator="made_up", value=1), user=admin_a)
    (message,) = refused.value.message_dict["indicator"]
    assert message.startswith("未知指标：made_up（可用的指标：")
    assert "unknown indicator: made_up (the indicators measured: " in message
    assert "test_months" in message
    assert not Target.objects.exists()


def test_a_user_of_another_zone_may_not_save_a_target(zone_a, user_b, month_counter):
    with pytest.raises(PermissionDenied):
        save_target(target=Target(zone=zone_a, year=2026, indicator="test_months", value=1), user=user_b)


@pytest.mark.parametrize(("value", "colour"), [(120, GREEN), (140, AMBER), (240, RED)])
def test_progress_is_measured_at_each_month_end_and_coloured_by_the_year_elapsed(
    zone_a, user_a, month_counter, value, colour
):
    Target.objects.create(zone=zone_a, year=2025, indicator="test_months", value=value)
    (row,) = target_progress(user=user_a, zone=zone_a, year=2025, today=D(2025, 6, 30))
    assert month_counter.asked == [D(2025, 1, 31), D(2025, 2, 28), D(2025, 3, 31), D(2025, 4, 30), D(2025, 5, 31),
                                   D(2025, 6, 30)]  # fmt: skip
    assert row["by_month"] == [10, 20, 30, 40, 50, 60]
    assert row["actual"] == 60
    assert row["share"] == Decimal(60) / Decimal(value)
    assert row["elapsed"] == Decimal(181) / Decimal(365)
    assert (row["rag"], str(row["label"]), row["unit"]) == (colour, "测试月数", "个")


def test_a_measure_with_a_series_is_asked_once_for_all_months(zone_a, user_a):
    asked = []

    def series(*, user, zone, year, dates):
        asked.append(list(dates))
        return [d.month for d in dates]

    def one_by_one(**kwargs):
        raise AssertionError("the series answers for every month")

    registry.measures.register(registry.Measure("test_series", "测试序列", "个", one_by_one, series=series))
    try:
        Target.objects.create(zone=zone_a, year=2025, indicator="test_series", value=12)
        (row,) = target_progress(user=user_a, zone=zone_a, year=2025, today=D(2026, 2, 1))
    finally:
        registry.measures.unregister("test_series")
    assert len(asked) == 1 and len(asked[0]) == 12
    assert (row["actual"], row["share"], row["rag"]) == (12, 1, GREEN)


def test_before_its_year_a_target_has_nothing_done_and_nothing_is_measured(zone_a, user_a, month_counter):
    Target.objects.create(zone=zone_a, year=2026, indicator="test_months", value=120)
    (row,) = target_progress(user=user_a, zone=zone_a, year=2026, today=D(2025, 12, 1))
    assert (row["actual"], row["by_month"], row["elapsed"], row["rag"]) == (0, [], 0, GREEN)
    assert month_counter.asked == []


def test_a_target_whose_indicator_nothing_measures_is_left_out(zone_a, user_a, month_counter):
    gone = Target.objects.create(zone=zone_a, year=2025, indicator="uninstalled_count", value=5)
    Target.objects.create(zone=zone_a, year=2025, indicator="test_months", value=120)
    rows = target_progress(user=user_a, zone=zone_a, year=2025, today=D(2025, 6, 30))
    assert [r["target"].indicator for r in rows] == ["test_months"]
    assert (gone.measure, gone.indicator_label) == (None, "uninstalled_count")


def test_a_measure_with_nothing_to_measure_leaves_the_progress_blank(zone_a, user_a):
    registry.measures.register(registry.Measure("test_nothing", "测试无数据", "个", lambda **kwargs: None))
    try:
        Target.objects.create(zone=zone_a, year=2025, indicator="test_nothing", value=10)
        (row,) = target_progress(user=user_a, zone=zone_a, year=2025, today=D(2025, 2, 10))
    finally:
        registry.measures.unregister("test_nothing")
    assert (row["actual"], row["share"], row["share_pct"], row["by_month"]) == (None, None, None, [None, None])
    data = TargetProgressSerializer(row).data
    assert (data["actual"], data["share"], data["by_month"], data["label"]) == (None, None, [None, None], "测试无数据")


def test_a_user_of_zone_b_sees_no_targets_of_zone_a(zone_a, user_b, month_counter):
    Target.objects.create(zone=zone_a, year=2025, indicator="test_months", value=120)
    assert target_progress(user=user_b, zone=zone_a, year=2025, today=D(2025, 6, 30)) == []
    assert len(target_progress(user=None, zone=zone_a, year=2025, today=D(2025, 6, 30))) == 1


def test_rag_thresholds():
    half = elapsed_share(2025, D(2025, 7, 2))  # 183 of 365 days
    assert half == Decimal(183) / Decimal(365)
    assert rag(Decimal("0.6"), half) == GREEN
    assert rag(Decimal("0.45"), half) == AMBER
    assert rag(Decimal("0.3"), half) == RED
    assert rag(None, half) == GREEN  # a target of 0 is met
    assert elapsed_share(2025, D(2024, 12, 31)) == 0
    assert elapsed_share(2025, D(2026, 1, 1)) == 1
