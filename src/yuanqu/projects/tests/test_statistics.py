"""Monthly statistics by size class and progress against yearly targets, with sub-parks and zone isolation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from yuanqu.core import registry
from yuanqu.projects.models import Stage
from yuanqu.projects.statistics import measure, monthly_table
from yuanqu.projects.testing import make_project
from yuanqu.targets.models import Target
from yuanqu.targets.selectors import GREEN, target_progress
from yuanqu.zones.testing import make_zone

D = dt.date
PROJECT_INDICATORS = {"signed_count", "started_count", "completed_count", "signed_investment", "foreign_investment"}


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


def test_projects_register_the_five_indicators_targets_are_set_on():
    assert [(m.key, str(m.label), str(m.unit)) for m in registry.measures if m.key in PROJECT_INDICATORS] == [
        ("signed_count", "新签约亿元以上项目数", "个"),
        ("started_count", "新开工亿元以上项目数", "个"),
        ("completed_count", "新竣工亿元以上项目数", "个"),
        ("signed_investment", "新签约项目总投资（万元）", "万元"),
        ("foreign_investment", "新签约项目外资（万美元）", "万美元"),
    ]


def test_a_measure_counts_the_year_up_to_its_date_with_sub_parks_for_the_users_zones(ledger, zone_a, user_a, user_b):
    # By 19 March only the 25 亿元 project is signed; by 20 March the sub-park's 0.5 亿元 one too (below 1 亿元).
    assert measure("signed_count", user=user_a, zone=zone_a, year=2025, as_of=D(2025, 3, 19)) == 1
    assert measure("signed_investment", user=user_a, zone=zone_a, year=2025, as_of=D(2025, 3, 20)) == 255000
    assert registry.measures["started_count"].measure(user=user_a, zone=zone_a, year=2025, as_of=D(2025, 12, 31)) == 2
    assert measure("signed_count", user=user_b, zone=zone_a, year=2025, as_of=D(2025, 12, 31)) == 0
    assert measure("signed_count", user=None, zone=zone_a, year=2024, as_of=D(2024, 12, 31)) == 0


def test_statistics_page_shows_zone_a_only_and_refuses_zone_b(client, ledger, zone_a, zone_b, user_a):
    client.force_login(user_a)
    Target.objects.create(zone=zone_a, year=2025, indicator="signed_count", value=10)
    response = client.get("/projects/statistics/", {"zone": zone_a.pk, "year": 2025, "month": 5})
    html = response.content.decode()
    assert response.status_code == 200
    assert '<tr data-stage="signed" data-size="all">' in html
    assert 'data-indicator="signed_count"' in html and "rag-red" in html  # 2 of 10 by the end of May, 41 % of the year
    assert "<td>新签约亿元以上项目数</td>" in html
    refused = client.get("/projects/statistics/", {"zone": zone_b.pk, "year": 2025})
    assert refused.status_code == 400
    assert zone_b.name not in refused.content.decode()


def test_measures_by_size_class_and_the_investment_started_and_completed(zone_a, user_a, user_b):
    D = dt.date
    history = [(Stage.SIGNED, D(2025, 11, 1)), (Stage.STARTED, D(2026, 3, 2))]
    make_project(zone_a, "甲大项目", history=history, total_investment=250000)  # 25 亿元
    make_project(zone_a, "甲中项目", history=history, total_investment=120000)  # 12 亿元
    make_project(zone_a, "甲小项目", history=[*history, (Stage.COMPLETED, D(2026, 5, 6))], total_investment=20000)
    june = D(2026, 6, 30)
    values = {
        key: measure(key, user=user_a, zone=zone_a, year=2026, as_of=june)
        for key in ("started_count", "started_count_100000", "started_count_200000", "started_count_1000000",
                    "started_investment", "completed_investment", "completed_count_100000")
    }  # fmt: skip
    assert values == {
        "started_count": 3, "started_count_100000": 2, "started_count_200000": 1, "started_count_1000000": 0,
        "started_investment": Decimal(390000), "completed_investment": Decimal(20000), "completed_count_100000": 0,
    }  # fmt: skip
    assert measure("started_count_200000", user=user_a, zone=zone_a, year=2026, as_of=D(2026, 3, 1)) == 0
    assert measure("started_investment", user=user_b, zone=zone_a, year=2026, as_of=june) == 0
    assert str(registry.measures.get("started_count_200000").label) == "新开工20亿元以上项目数"
