"""Compliance verdicts (履约) with their reasons, from stage dates, the parcel and the enterprise's figures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from yuanqu.enterprises.testing import make_enterprise, make_enterprise_year
from yuanqu.land.testing import make_parcel
from yuanqu.projects.compliance import AT_RISK, BREACHED, ON_TRACK, Facts, assess
from yuanqu.projects.models import Agreement, Stage
from yuanqu.projects.selectors import project_compliance
from yuanqu.projects.testing import make_project

D = dt.date


def facts(stage, **reached) -> Facts:
    return Facts(stage=stage, reached={Stage(k): v for k, v in reached.items()})


def test_not_started_after_the_promised_date_is_breached_with_days_late():
    result = assess(Agreement(start_by=D(2025, 3, 1)), facts(Stage.SIGNED, signed=D(2025, 1, 5)), today=D(2025, 8, 31))
    assert result.verdict == BREACHED
    assert [f.zh for f in result.findings] == ["约定 2025-03-01 开工，至今未开工，逾期 183 天"]
    assert result.findings[0].en == "promised to start construction on 2025-03-01, not yet done, 183 days late"


def test_start_date_near_is_at_risk_and_far_is_on_track():
    agreement = Agreement(start_by=D(2025, 3, 1))
    near = assess(agreement, facts(Stage.SIGNED), today=D(2025, 2, 10))
    assert (near.verdict, near.findings[0].zh) == (AT_RISK, "约定 2025-03-01 开工，尚未开工，还剩 19 天")
    assert assess(agreement, facts(Stage.SIGNED), today=D(2025, 1, 10)).verdict == ON_TRACK


def test_late_start_is_breached_even_after_starting():
    result = assess(
        Agreement(start_by=D(2025, 3, 1)), facts(Stage.STARTED, started=D(2025, 3, 11)), today=D(2025, 8, 31)
    )
    assert [f.zh for f in result.findings] == ["约定 2025-03-01 开工，实际 2025-03-11 开工，逾期 10 天"]


def test_tax_per_mu_below_the_promise_at_capacity_is_breached():
    agreement = Agreement(tax_per_mu=Decimal("20"))
    state = Facts(stage=Stage.AT_CAPACITY, reached={Stage.AT_CAPACITY: D(2025, 1, 1)}, tax_per_mu=Decimal("8.2"))
    result = assess(agreement, state, today=D(2025, 8, 31))
    assert (result.verdict, [f.zh for f in result.findings]) == (BREACHED, ["达产后亩均税收 8.2 万元，承诺 20.0 万元"])


def test_missing_figures_at_capacity_are_a_risk():
    state = Facts(stage=Stage.AT_CAPACITY, reached={Stage.AT_CAPACITY: D(2025, 1, 1)})
    assert assess(Agreement(tax_per_mu=Decimal("20")), state, today=D(2025, 8, 31)).verdict == AT_RISK


def test_dropped_project_has_no_verdict():
    assert assess(Agreement(start_by=D(2025, 3, 1)), facts(Stage.DROPPED), today=D(2025, 8, 31)) is None


@pytest.mark.django_db
def test_project_compliance_reads_parcel_and_enterprise_figures(zone_a):
    parcel = make_parcel(zone_a, "JA-09", invested=Decimal("30000"))  # a 15-mu square
    enterprise = make_enterprise(zone_a, "甲电池有限公司")
    make_enterprise_year(enterprise, 2024, tax=Decimal("150"), land_mu=Decimal("15"))
    project = make_project(
        zone_a,
        "甲电池项目",
        history=[
            (Stage.SIGNED, D(2023, 1, 5)),
            (Stage.STARTED, D(2023, 2, 1)),
            (Stage.COMPLETED, D(2023, 12, 1)),
            (Stage.AT_CAPACITY, D(2024, 6, 1)),
        ],
        parcel=parcel,
        enterprise=enterprise,
    )
    Agreement.objects.create(
        project=project,
        total_investment=Decimal("50000"),
        intensity=Decimal("3000"),
        start_by=D(2023, 3, 1),
        tax_per_mu=Decimal("20"),
    )
    result = project_compliance(project, today=D(2025, 8, 31))
    assert result.verdict == BREACHED
    assert [f.zh for f in result.findings] == [
        "竣工后已完成投资 30,000.0 万元，承诺 50,000.0 万元（完成 60%）",
        "投资强度 2,000.0 万元/亩，承诺 3,000.0 万元/亩",
        "达产后亩均税收 10.0 万元，承诺 20.0 万元",
    ]


@pytest.mark.django_db
def test_project_without_agreement_has_no_verdict(zone_a):
    assert project_compliance(make_project(zone_a, "甲项目")) is None
