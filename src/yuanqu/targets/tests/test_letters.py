"""Responsibility letters: lines on measures or reported by hand, pace against the share of the year (days, or months
reported for monthly figures), colours at their edges and from the settings, the seasonal yardstick, and the
published scoring example."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from yuanqu.core import registry
from yuanqu.ranking.models import ZoneMonth, ZoneYear
from yuanqu.targets.models import ResponsibilityLetter, Target
from yuanqu.targets.selectors import (
    AMBER,
    GREEN,
    NONE,
    RED,
    city_matrix,
    letter_points,
    letter_progress,
    line_progress,
    score,
    stale_reported_lines,
)
from yuanqu.targets.services import report_value, save_target

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def fixed_measure():
    """A measure whose value per (year, as_of) the test sets."""
    values: dict = {}

    def measure(*, user, zone, year, as_of):
        return values.get((year, as_of))

    registry.measures.register(registry.Measure("test_fixed", "测试指标", "个", measure, order=998))
    yield values
    registry.measures.unregister("test_fixed")


def test_a_line_without_a_letter_goes_into_its_zones_letter(zone_a, admin_a, fixed_measure):
    line = save_target(target=Target(zone=zone_a, year=2026, indicator="test_fixed", value=10), user=admin_a)
    letter = ResponsibilityLetter.objects.get(zone=zone_a, year=2026)
    assert line.letter == letter
    second = save_target(target=Target(zone=zone_a, year=2026, name="营商环境评价", unit="分", value=90), user=admin_a)
    assert list(letter.lines.order_by("pk")) == [line, second]
    with pytest.raises(ValidationError) as refused:
        save_target(target=Target(zone=zone_a, year=2026, value=1), user=admin_a)
    assert "needs the indicator's name" in str(refused.value)


# 2026 has 365 days; by 30 June 181 have elapsed.
ELAPSED = Decimal(181) / Decimal(365)


@pytest.mark.parametrize(
    ("actual", "colour"),
    [
        (None, NONE),  # nothing reported: no colour, not a zero
        (Decimal(181), GREEN),  # exactly on the elapsed share
        (Decimal("144.8"), AMBER),  # exactly 80 % of it
        (Decimal("144.7"), RED),
        (Decimal(400), GREEN),
    ],
)
def test_pace_and_colour_at_the_edges(zone_a, user_a, fixed_measure, actual, colour):
    fixed_measure[(2026, D(2026, 6, 30))] = actual
    target = Target.objects.create(zone=zone_a, year=2026, indicator="test_fixed", value=365)
    row = line_progress(target, user=user_a, as_of=D(2026, 6, 30))
    assert row["elapsed"] == ELAPSED
    assert row["colour"] == colour
    assert row["reported"] is (actual is not None)
    assert row["share"] == (None if actual is None else actual / 365)


def test_the_amber_threshold_comes_from_the_settings(zone_a, user_a, fixed_measure, settings):
    fixed_measure[(2026, D(2026, 6, 30))] = Decimal("144.8")  # 80 % of the elapsed share
    target = Target.objects.create(zone=zone_a, year=2026, indicator="test_fixed", value=365)
    assert line_progress(target, user=user_a, as_of=D(2026, 6, 30))["colour"] == AMBER
    settings.YUANQU_PACE_AMBER_SHARE = "0.9"
    assert line_progress(target, user=user_a, as_of=D(2026, 6, 30))["colour"] == RED


def test_a_monthly_figure_is_paced_by_the_months_reported_and_a_zone_a_month_behind(zone_a, user_a):
    target = Target.objects.create(zone=zone_a, year=2026, indicator="reported_foreign_investment", value=1200)
    ZoneMonth.objects.create(zone=zone_a, year=2026, month=4, foreign_investment=Decimal(400))
    ZoneMonth.objects.create(zone=zone_a, year=2026, month=5, foreign_investment=Decimal(450))
    # At the end of June the zone has reported January to May only: five twelfths is the yardstick, not half.
    row = line_progress(target, user=user_a, as_of=D(2026, 6, 30))
    assert (row["months"], row["actual"], row["elapsed"]) == (5, Decimal(450), Decimal(5) / 12)
    assert row["share"] == Decimal("0.375") and row["colour"] == AMBER  # 0.375 ≥ 0.8 × 5/12 = 0.333
    ZoneMonth.objects.create(zone=zone_a, year=2026, month=6, foreign_investment=Decimal(460))
    row = line_progress(target, user=user_a, as_of=D(2026, 6, 30))
    assert (row["months"], row["elapsed"], row["colour"]) == (6, Decimal(6) / 12, RED)  # 0.383 < 0.4
    nothing = Target.objects.create(zone=zone_a, year=2026, indicator="reported_gdp", value=1)
    row = line_progress(nothing, user=user_a, as_of=D(2026, 6, 30))
    assert (row["reported"], row["actual"], row["colour"], row["months"]) == (False, None, NONE, None)


def test_the_seasonal_yardstick_needs_three_earlier_years_and_is_shown_beside_the_pace(zone_a, user_a):
    target = Target.objects.create(zone=zone_a, year=2026, indicator="reported_foreign_investment", value=1000)
    ZoneMonth.objects.create(zone=zone_a, year=2026, month=6, foreign_investment=Decimal(300))
    # Foreign investment arrives late: by June the zone usually had 20 %, 30 %, 25 % of the year's figure.
    for year, june, full in ((2025, 200, 1000), (2024, 240, 800), (2023, 150, 600)):
        ZoneMonth.objects.create(zone=zone_a, year=year, month=6, foreign_investment=Decimal(june))
        ZoneYear.objects.create(zone=zone_a, year=year, foreign_investment=Decimal(full))
    row = line_progress(target, user=user_a, as_of=D(2026, 7, 10))
    assert row["elapsed"] == Decimal("0.5") and row["colour"] == RED  # 30 % against half the year
    assert row["seasonal"] == (Decimal("0.2") + Decimal("0.3") + Decimal("0.25")) / 3
    assert row["seasonal_colour"] == GREEN  # 30 % against the usual 25 %
    ZoneYear.objects.filter(year=2023).delete()
    ZoneMonth.objects.filter(year=2023).delete()
    assert line_progress(target, user=user_a, as_of=D(2026, 7, 10))["seasonal"] is None


def published_rule(**kwargs) -> Target:
    """The published example: 25 points for meeting the target, 0.1 per unit above or below, capped at 3."""
    rule = {"points": Decimal(25), "above_step": Decimal("0.1"), "above_cap": Decimal(3)}
    rule |= {"below_step": Decimal("0.1"), "below_cap": Decimal(3)}
    return Target(**(rule | kwargs))


@pytest.mark.parametrize(
    ("actual", "points"),
    [(20, "25"), (25, "25.5"), (50, "28"), (80, "28"), (12, "24.2"), (0, "23")],
)
def test_the_published_example_for_newly_started_major_projects(actual, points):
    assert score(published_rule(value=Decimal(20)), Decimal(actual)) == Decimal(points)


@pytest.mark.parametrize(
    ("actual_yi", "points"),
    # Investment in 万元: 0.1 per 亿元 (10 000 万元) above; 0.1 per percentage point below; caps of 3.
    [(500, "25"), (512.5, "26.2"), (600, "28"), (480, "24.6"), (400, "23"), (496, "25")],
)
def test_the_published_example_for_investment_completed(actual_yi, points):
    rule = published_rule(value=Decimal(5_000_000), above_per=Decimal(10_000), below_basis="percent")
    assert score(rule, Decimal(str(actual_yi)) * 10_000) == Decimal(points)
    assert score(Target(value=Decimal(1)), Decimal(2)) is None  # no rule, no points


def test_points_are_given_at_year_end_and_summed_over_the_letter(zone_a, user_a, fixed_measure):
    letter = ResponsibilityLetter.objects.create(zone=zone_a, year=2025, signed_by="张三", signed_on=D(2025, 2, 1))
    fixed_measure[(2025, D(2025, 12, 31))] = Decimal(25)
    fixed_measure[(2025, D(2025, 6, 30))] = Decimal(10)
    Target.objects.create(letter=letter, zone=zone_a, year=2025, indicator="test_fixed", value=20, **rule_fields())
    Target.objects.create(
        letter=letter, zone=zone_a, year=2025, name="招商引资考核", reported_value=Decimal(90), value=100, points=10,
        below_step=Decimal("0.5"), below_per=Decimal(5),
    )  # fmt: skip
    assert [row["points"] for row in letter_progress(letter, user=user_a, as_of=D(2025, 6, 30))] == [None, None]
    rows = letter_progress(letter, user=user_a, as_of=D(2026, 1, 5))
    assert [row["points"] for row in rows] == [Decimal("25.5"), Decimal("9")]
    assert letter_points(rows) == Decimal("34.5")


def rule_fields() -> dict:
    return {"points": 25, "above_step": Decimal("0.1"), "above_cap": 3, "below_step": Decimal("0.1"), "below_cap": 3}


def test_a_reported_line_takes_evidence_and_owners_who_never_report_are_listed(zone_a, admin_a, fixed_measure):
    line = save_target(target=Target(zone=zone_a, year=2026, name="营商环境评价", unit="分", value=90), user=admin_a)
    row = line_progress(line, user=admin_a, as_of=D(2026, 3, 1))
    assert (row["source"], row["reported"], row["colour"]) == ("reported", False, NONE)
    assert stale_reported_lines(user=admin_a, year=2026, as_of=D(2026, 3, 1)) == [line]
    with pytest.raises(ValidationError):
        report_value(target=line, value=Decimal(30), on=D(2026, 3, 1), by="李四", evidence="", user=admin_a)
    report_value(target=line, value=Decimal(30), on=D(2026, 3, 1), by="李四", evidence="第三方评估报告", user=admin_a)
    row = line_progress(line, user=admin_a, as_of=D(2026, 3, 1))
    assert (row["actual"], row["colour"]) == (Decimal(30), GREEN)  # 1/3 against 60/365 of the year
    assert stale_reported_lines(user=admin_a, year=2026, as_of=D(2026, 3, 20)) == []
    assert stale_reported_lines(user=admin_a, year=2026, as_of=D(2026, 5, 1)) == [line]
    measured = save_target(target=Target(zone=zone_a, year=2026, indicator="test_fixed", value=1), user=admin_a)
    with pytest.raises(ValidationError):
        report_value(target=measured, value=1, on=D(2026, 3, 1), by="李四", evidence="x", user=admin_a)


def test_the_city_matrix_holds_only_the_users_zones(zone_a, zone_b, user_a, city_admin, fixed_measure):
    for zone in (zone_a, zone_b):
        letter = ResponsibilityLetter.objects.create(zone=zone, year=2026)
        Target.objects.create(letter=letter, zone=zone, year=2026, indicator="test_fixed", value=10)
    assert [row["letter"].zone for row in city_matrix(user=user_a, year=2026, as_of=D(2026, 6, 30))["rows"]] == [zone_a]
    matrix = city_matrix(user=city_admin, year=2026, as_of=D(2026, 6, 30))
    assert matrix["columns"] == ["测试指标"] and len(matrix["rows"]) == 2
