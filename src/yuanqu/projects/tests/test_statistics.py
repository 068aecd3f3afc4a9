"""Monthly statistics by size class and progress against yearly targets, with sub-parks and zone isolation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from yuanqu.projects.models import Stage, Target
from yuanqu.projects.statistics import AMBER, GREEN, RED, elapsed_share, monthly_table, rag, target_progress
from yuanqu.projects.testing import make_project
from yuanqu.zones.testing import make_zone

D = dt.date


@pytest.fixture
def ledger(zone_a, zone_b):
    sub = make_zone("甲光电产业园", code="A001-S", parent=zone_a)
    # Signed in March: 25 亿元 in A, 0.5 亿元 in the sub-park; started in May: the 25 亿元 one.
    big = make_project(
        zone_a,
        "甲大项目",
        history=[(Stage.LEAD, D(2024, 12, 1)), (Stage.SIGNED, D(2025, 3, 10)), (Stage.STARTED, D(2025, 5, 6))],
        total_investment="250000",
        foreign_investment=Decimal("800"),
    )
    make_project(sub, "甲小项目", history=[(Stage.SIGNED, D(2025, 3, 20))], total_investment="5000")
    # Straight from negotiating to started in May: counts as signed and started that month.
    make_project(
        zone_a,
        "甲跳步项目",
        history=[(Stage.NEGOTIATING, D(2025, 1, 2)), (Stage.STARTED, D(2025, 5, 20))],
        total_investment="12000",
    )
    make_project(zone_b, "乙项目", history=[(Stage.SIGNED, D(2025, 3, 5))], total_investment="900000")
    return big


def row(rows, stage, size_class):
    return next(r for r in rows if r["stage"] == stage and r["size_class"] == size_class)


def test_monthly_table_counts_new_and_cumulative_by_size_class(ledger, zone_a, user_a):
    rows = monthly_table(user=user_a, zone=zone_a, year=2025, month=5)
    signed_all = row(rows, Stage.SIGNED, None)
    assert (signed_all["month_count"], signed_all["year_count"]) == (1, 3)
    assert signed_all["year_investment"] == Decimal("267000")
    assert (
        row(rows, Stage.SIGNED, "1亿元以上")["year_count"],
        row(rows, Stage.SIGNED, "20亿元以上")["year_count"],
    ) == (
        2,
        1,
    )
    started = row(rows, Stage.STARTED, "1亿元以上")
    assert (started["month_count"], started["month_investment_yi"]) == (2, Decimal("26.2"))
    march = monthly_table(user=user_a, zone=zone_a, year=2025, month=3)
    assert row(march, Stage.SIGNED, None)["month_count"] == 2  # A's and its sub-park's
    assert row(march, Stage.STARTED, None)["year_count"] == 0


def test_user_of_b_counts_nothing_of_a(ledger, zone_a, user_b):
    rows = monthly_table(user=user_b, zone=zone_a, year=2025, month=5)
    assert all(r["year_count"] == 0 for r in rows)


def test_target_progress_against_the_year_elapsed(ledger, zone_a, user_a):
    Target.objects.create(zone=zone_a, year=2025, indicator="started_count", value=4)
    Target.objects.create(zone=zone_a, year=2025, indicator="signed_investment", value=300000)
    Target.objects.create(zone=zone_a, year=2025, indicator="foreign_investment", value=1000)
    progress = {
        p["target"].indicator: p for p in target_progress(user=user_a, zone=zone_a, year=2025, today=D(2025, 6, 30))
    }
    started = progress["started_count"]
    assert (started["actual"], started["share"], started["rag"]) == (Decimal(2), Decimal("0.5"), GREEN)
    assert started["by_month"] == [0, 0, 0, 0, 2, 2]
    assert progress["signed_investment"]["actual"] == Decimal("267000")
    assert progress["foreign_investment"]["actual"] == Decimal("800")


def test_rag_thresholds():
    half = elapsed_share(2025, D(2025, 7, 2))  # 183 of 365 days
    assert half == Decimal(183) / Decimal(365)
    assert rag(Decimal("0.6"), half) == GREEN
    assert rag(Decimal("0.45"), half) == AMBER
    assert rag(Decimal("0.3"), half) == RED
    assert elapsed_share(2025, D(2024, 12, 31)) == 0
    assert elapsed_share(2025, D(2026, 1, 1)) == 1


def test_statistics_page_shows_zone_a_only_and_refuses_zone_b(client, ledger, zone_a, zone_b, user_a):
    client.force_login(user_a)
    Target.objects.create(zone=zone_a, year=2025, indicator="signed_count", value=10)
    response = client.get("/projects/statistics/", {"zone": zone_a.pk, "year": 2025, "month": 5})
    html = response.content.decode()
    assert response.status_code == 200
    assert '<tr data-stage="signed" data-size="all">' in html
    assert 'data-indicator="signed_count"' in html and "rag-red" in html  # 2 of 10 by the end of May, 41 % of the year
    refused = client.get("/projects/statistics/", {"zone": zone_b.pk, "year": 2025})
    assert refused.status_code == 400
    assert zone_b.name not in refused.content.decode()
