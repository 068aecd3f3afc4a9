"""The per-mu section of the cockpit: tax per mu of the latest year against the year before, and the grades of the
latest published evaluation (the distribution, the share graded A or B, the D count) against the one before, as the
zone pages, the measures and the run's page count them, and only of the zones the user sees."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from yuanqu.core.cockpit import Period
from yuanqu.dashboard.cockpit import scope_for
from yuanqu.enterprises.selectors import total_tax_per_mu
from yuanqu.enterprises.testing import make_enterprise, make_enterprise_year
from yuanqu.evaluation.cockpit import build
from yuanqu.evaluation.models import EvaluationResult, EvaluationRun
from yuanqu.evaluation.selectors import count_d, distribution, share_a_b
from yuanqu.zones.testing import make_zone

JUNE = Period(2026, 6, dt.date(2026, 12, 7))


def run(year: int, published_on: dt.date | None) -> EvaluationRun:
    status = EvaluationRun.Status.PUBLISHED if published_on else EvaluationRun.Status.DRAFT
    published = timezone.make_aware(dt.datetime.combine(published_on, dt.time(10))) if published_on else None
    return EvaluationRun.objects.create(
        method_name="m", method_text="", method_digest="x", year=year, input_hash="x", status=status,
        published_at=published,
    )  # fmt: skip


@pytest.fixture
def world(zone_a, zone_b):
    """Zone A (with a sub-park) and zone B; the 2025 run published in 2026, the 2024 run in 2025, a 2025 draft."""
    sub_park = make_zone("甲分园", code="A001-S", parent=zone_a)
    later, earlier, draft = run(2025, dt.date(2026, 4, 1)), run(2024, dt.date(2025, 4, 1)), run(2025, None)
    grades = [(zone_a, "A", "B"), (zone_a, "B", "D"), (sub_park, "C", "C"), (sub_park, "D", "D"), (zone_b, "A", "A")]
    for n, (zone, grade, before) in enumerate(grades):
        enterprise = make_enterprise(zone, f"企业{n}")
        EvaluationResult.objects.create(run=later, enterprise=enterprise, zone=zone, grade=grade)
        EvaluationResult.objects.create(run=earlier, enterprise=enterprise, zone=zone, grade=before)
        EvaluationResult.objects.create(run=draft, enterprise=enterprise, zone=zone, grade="D")
        # Tax per mu: 2025 tax 100 on 10 mu each in zone A and the sub-park (10 万元/亩), 2024 80 on 10 mu.
        make_enterprise_year(enterprise, 2025, tax=Decimal(100 if zone != zone_b else 300), land_mu=Decimal(10))
        make_enterprise_year(enterprise, 2024, tax=Decimal(80 if zone != zone_b else 300), land_mu=Decimal(10))
    EvaluationResult.objects.create(run=later, enterprise=make_enterprise(zone_a, "未评价"), zone=zone_a, grade="")
    return {"later": later, "earlier": earlier, "sub_park": sub_park}


def figures(section) -> dict:
    return {figure.key: figure for figure in section.figures}


def test_zone_user_grades_and_tax_per_mu(world, zone_a, user_a):
    section = build(scope=scope_for(user_a), period=JUNE)
    found = figures(section)
    # 2025 run, zone A with its sub-park: A, B, C, D and one not graded; the 2024 run: B, D, C, D.
    assert (found["grade_ab_share"].value, found["grade_ab_share"].previous) == (50.0, 25.0)
    assert (found["grade_d_count"].value, found["grade_d_count"].previous) == (1, 2)
    # The measures the targets are set on give the same numbers.
    june = JUNE.as_of
    assert found["grade_ab_share"].value == share_a_b(user=user_a, zone=zone_a, year=2026, as_of=june)
    assert found["grade_d_count"].value == count_d(user=user_a, zone=zone_a, year=2026, as_of=june)
    pie = next(chart for chart in section.charts if chart.key == "grade-distribution")
    assert pie.extra["colours"] == ["#2e7d32", "#4285f4", "#fbc02d", "#d32f2f", "#909090"]  # the pages' A–T
    assert dict(zip(pie.categories, pie.series[0].values, strict=True)) == {"A": 1, "B": 1, "C": 1, "D": 1, "T": 0}
    assert (found["tax_per_mu"].value, found["tax_per_mu"].previous) == (Decimal(10), Decimal(8))
    assert found["tax_per_mu"].change == Decimal(25)
    assert section.fresh == f"评价运行于 {timezone.localdate(world['later'].created_at).isoformat()}"
    assert section.url == f"/evaluation/runs/{world['later'].pk}/"


def test_city_sees_each_zone_and_the_run_page_counts(world, zone_a, zone_b, city_admin):
    section = build(scope=scope_for(city_admin), period=JUNE)
    found = figures(section)
    assert found["grade_ab_share"].value == 60.0  # A, B, A of A, B, C, D, A
    grades = next(table for table in section.tables if table.key == "grades-by-zone")
    assert [row.cells for row in grades.rows] == [
        ["甲经济开发区", 1, 1, 1, 1, 0, 1, 50.0],
        ["乙高新技术产业开发区", 1, 0, 0, 0, 0, 0, 100.0],
    ]
    # The run's distribution page counts the same (per zone of each result, sub-parks apart).
    page = {row["zone"]: row["counts"] for row in distribution(run=world["later"], user=city_admin)}
    assert [a + b for a, b in zip(page["甲经济开发区"], page["甲分园"], strict=True)] == grades.rows[0].cells[1:7]
    tax = next(table for table in section.tables if table.key == "tax-per-mu")
    assert [row.cells[:3] for row in tax.rows] == [
        ["甲经济开发区", Decimal(10), Decimal(8)],
        ["乙高新技术产业开发区", Decimal(30), Decimal(30)],
    ]
    # The total is the home page's tax per mu over the zones.
    assert found["tax_per_mu"].value == total_tax_per_mu(
        user=city_admin, zone_ids=[zone_a.pk, zone_b.pk, world["sub_park"].pk]
    )
    assert found["tax_per_mu"].value == Decimal(14)  # (4 × 100 + 300) ÷ 50 mu


def test_zone_b_sees_nothing_of_zone_a(world, user_b):
    found = figures(build(scope=scope_for(user_b), period=JUNE))
    assert (found["grade_ab_share"].value, found["grade_d_count"].value) == (100.0, 0)
    assert found["tax_per_mu"].value == Decimal(30)


def test_before_any_published_run_only_tax_per_mu(zone_a, user_a):
    enterprise = make_enterprise(zone_a, "甲企业")
    make_enterprise_year(enterprise, 2025, tax=Decimal(50), land_mu=Decimal(5))
    section = build(scope=scope_for(user_a), period=JUNE)
    assert [figure.key for figure in section.figures] == ["tax_per_mu"]
    assert section.figures[0].value == Decimal(10)


def test_the_system_sees_every_zone(world):
    found = figures(build(scope=scope_for(None), period=JUNE))
    assert (found["grade_ab_share"].value, found["grade_d_count"].value) == (60.0, 1)
    assert found["tax_per_mu"].value == Decimal(14)
