"""Visits the data call for, with their thresholds: a fall in tax or output of more than 20 %, a worse per-mu
grade between the two latest published runs, a request 10 working days overdue; each opens one suggested visit
for the enterprise's linked official, and not again while it is open."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from yuanqu.enterprises.testing import make_enterprise, make_enterprise_year
from yuanqu.evaluation.models import EvaluationResult, EvaluationRun
from yuanqu.evaluation.services import publish_run
from yuanqu.service.models import Visit
from yuanqu.service.testing import link, make_request
from yuanqu.service.triggers import open_suggested_visits, visit_triggers

pytestmark = pytest.mark.django_db
D = dt.date


MARCH_20 = D(2026, 3, 20)


def kinds(today=MARCH_20):
    return sorted((t.enterprise_id, t.kind) for t in visit_triggers(today=today))


def test_a_tax_fall_beyond_20_percent_triggers_and_one_at_20_does_not(zone_a):
    falling = make_enterprise(zone_a, "降税企业")
    make_enterprise_year(falling, 2024, tax=Decimal("1000"), industrial_output=Decimal("5000"))
    make_enterprise_year(falling, 2025, tax=Decimal("790"), industrial_output=Decimal("5000"))
    edge = make_enterprise(zone_a, "持平企业")
    make_enterprise_year(edge, 2024, tax=Decimal("1000"), industrial_output=Decimal("5000"))
    make_enterprise_year(edge, 2025, tax=Decimal("800"), industrial_output=Decimal("3900"))
    assert kinds() == [(falling.pk, "tax_fall"), (edge.pk, "output_fall")]
    reason = next(t.reason for t in visit_triggers(today=D(2026, 3, 20)) if t.kind == "tax_fall")
    assert reason.startswith("实缴税收 2025 年比 2024 年下降 21.0%（790.00 / 1000.00 万元）")


def test_the_threshold_follows_the_settings(zone_a, settings):
    e = make_enterprise(zone_a)
    make_enterprise_year(e, 2024, tax=Decimal("1000"), industrial_output=None)
    make_enterprise_year(e, 2025, tax=Decimal("850"), industrial_output=None)
    assert kinds() == []
    settings.YUANQU_SERVICE_TRIGGERS = {"tax_fall": 0.1}
    assert kinds() == [(e.pk, "tax_fall")]


def test_years_not_consecutive_do_not_compare(zone_a):
    e = make_enterprise(zone_a)
    make_enterprise_year(e, 2022, tax=Decimal("1000"))
    make_enterprise_year(e, 2025, tax=Decimal("100"))
    assert kinds() == []


def _run(year, enterprise, grade, zone, admin):
    run = EvaluationRun.objects.create(method_name="亩均", method_text="", method_digest="x", year=year, input_hash="x")
    EvaluationResult.objects.create(run=run, enterprise=enterprise, zone=zone, grade=grade)
    publish_run(run=run, user=admin)


def test_a_worse_grade_triggers_a_better_one_does_not(zone_a, city_admin):
    worse, better = make_enterprise(zone_a, "降级"), make_enterprise(zone_a, "升级")
    _run(2024, worse, "B", zone_a, city_admin)
    _run(2025, worse, "C", zone_a, city_admin)
    _run(2024, better, "C", zone_a, city_admin)
    _run(2025, better, "A", zone_a, city_admin)
    assert kinds() == [(worse.pk, "grade_drop")]


def test_a_request_10_working_days_overdue_triggers_9_does_not(enterprise_a):
    make_request(enterprise_a, received_on=D(2026, 3, 2))  # help: due Monday 9 March
    assert kinds(today=D(2026, 3, 20)) == []  # 9 working days late
    assert kinds(today=D(2026, 3, 23)) == [(enterprise_a.pk, "overdue_request")]  # 10


def test_suggested_visits_go_to_the_linked_official_once(enterprise_a, user_a, admin_a):
    link(enterprise_a, admin_a, role="zone_contact")
    link(enterprise_a, user_a)
    make_request(enterprise_a, received_on=D(2026, 3, 2))
    opened = open_suggested_visits(today=D(2026, 3, 23))
    assert [(v.official, v.state, v.trigger) for v in opened] == [(user_a, "suggested", "overdue_request")]
    assert open_suggested_visits(today=D(2026, 3, 24)) == []
    Visit.objects.update(state="dismissed")
    assert len(open_suggested_visits(today=D(2026, 3, 25))) == 1


def test_a_promise_at_risk_triggers(zone_a):
    from yuanqu.land.testing import make_parcel
    from yuanqu.projects.models import Agreement, Stage
    from yuanqu.projects.testing import make_project

    kept, missed = make_enterprise(zone_a, "守约企业"), make_enterprise(zone_a, "违约企业")
    for enterprise, output in ((kept, "300000"), (missed, "100")):
        make_enterprise_year(enterprise, 2025, industrial_output=Decimal(output), land_mu=Decimal("50"))
        parcel = make_parcel(zone_a, invested=Decimal("1000"), started_on=D(2024, 3, 1))
        project = make_project(
            zone_a,
            f"{enterprise.name}项目",
            history=[(Stage.SIGNED, D(2023, 1, 5)), (Stage.STARTED, D(2023, 3, 1)), (Stage.AT_CAPACITY, D(2025, 3, 1))],
            parcel=parcel,
            enterprise=enterprise,
        )
        Agreement.objects.create(project=project, output_per_mu=Decimal("1000"))
    found = [t for t in visit_triggers(today=D(2026, 1, 15)) if t.kind == "promise_at_risk"]
    assert [t.enterprise_id for t in found] == [missed.pk]
    assert found[0].reason.startswith("违约企业项目 履约风险：")
