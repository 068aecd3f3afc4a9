"""Admission checks (准入): the report per rule, stored with the project; signing past a failure needs a reason."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from rest_framework.test import APIClient

from yuanqu.projects.models import AdmissionRules, Agreement, Stage
from yuanqu.projects.services import advance_stage, run_admission_check
from yuanqu.projects.testing import make_project

D = dt.date


@pytest.fixture
def rules(db):
    return AdmissionRules.objects.create(
        pk=1,
        negative_list="C25, 3011\nB",
        min_intensity=Decimal("300"),
        intensity_by_division={"39": 500},
        min_tax_per_mu=Decimal("20"),
    )


def project_with(zone, code, section, division, *, intensity=None, tax=None):
    project = make_project(
        zone,
        "甲项目",
        history=[(Stage.NEGOTIATING, D(2025, 9, 1))],
        industry_code=code,
        industry_section=section,
        industry_division=division,
    )
    Agreement.objects.create(project=project, intensity=intensity, tax_per_mu=tax)
    return project


def test_report_names_each_rule_with_its_numbers(rules, zone_a, user_a):
    project = project_with(zone_a, "3011", "C", "30", intensity=Decimal("320"), tax=Decimal("12"))
    check = run_admission_check(project=project, user=user_a)
    assert check.passed is False
    assert [(line["rule"], line["ok"], line["zh"]) for line in check.report] == [
        ("negative_list", False, "行业 C3011 在负面清单中（3011）"),
        ("intensity", True, "投资强度 320.0 万元/亩，要求不低于 300.0 万元/亩"),
        ("tax_per_mu", False, "承诺亩均税收 12.0 万元/亩，要求不低于 20.0 万元/亩"),
    ]


def test_division_specific_intensity_applies(rules, zone_a, user_a):
    project = project_with(zone_a, "3973", "C", "39", intensity=Decimal("450"), tax=Decimal("25"))
    check = run_admission_check(project=project, user=user_a)
    assert [line["ok"] for line in check.report] == [True, False, True]
    assert check.report[1]["zh"] == "投资强度 450.0 万元/亩，要求不低于 500.0 万元/亩"


def test_section_letter_on_the_list_catches_the_whole_section(rules, zone_a, user_a):
    project = project_with(zone_a, "0610", "B", "06", intensity=Decimal("600"), tax=Decimal("30"))
    assert run_admission_check(project=project, user=user_a).report[0]["zh"] == "行业 B0610 在负面清单中（B）"


def test_signing_after_a_failed_check_needs_a_reason_that_is_kept(rules, zone_a, user_a):
    project = project_with(zone_a, "3011", "C", "30", intensity=Decimal("320"), tax=Decimal("12"))
    check = run_admission_check(project=project, user=user_a)
    with pytest.raises(ValidationError, match="准入检查未通过或尚未检查，签约须说明理由"):
        advance_stage(project=project, to_stage=Stage.SIGNED, on=D(2025, 9, 26), user=user_a)
    advance_stage(project=project, to_stage=Stage.SIGNED, on=D(2025, 9, 26), user=user_a, reason="市政府专题会议同意")
    check.refresh_from_db()
    assert check.override_reason == "市政府专题会议同意"


def test_signing_after_a_passed_check_needs_no_reason(rules, zone_a, user_a):
    project = project_with(zone_a, "3973", "C", "39", intensity=Decimal("600"), tax=Decimal("25"))
    assert run_admission_check(project=project, user=user_a).passed is True
    advance_stage(project=project, to_stage=Stage.SIGNED, on=D(2025, 9, 26), user=user_a)
    assert project.stage == Stage.SIGNED


def test_without_rules_signing_is_unaffected(zone_a, user_a):
    project = make_project(zone_a, "甲项目", history=[(Stage.NEGOTIATING, D(2025, 9, 1))])
    advance_stage(project=project, to_stage=Stage.SIGNED, on=D(2025, 9, 26), user=user_a)
    assert project.stage == Stage.SIGNED


def test_user_of_another_zone_cannot_check(rules, zone_a, user_b):
    with pytest.raises(PermissionDenied):
        run_admission_check(project=make_project(zone_a, "甲项目"), user=user_b)


def test_page_and_api_run_the_check(rules, client, zone_a, user_a):
    project = project_with(zone_a, "3011", "C", "30", intensity=Decimal("320"), tax=Decimal("12"))
    client.force_login(user_a)
    assert client.post(f"/projects/{project.pk}/admission/").status_code == 302
    html = client.get(f"/projects/{project.pk}/").content.decode()
    assert "行业 C3011 在负面清单中（3011）" in html and "未通过" in html
    api = APIClient()
    api.force_authenticate(user_a)
    response = api.post(f"/api/projects/{project.pk}/admission/")
    assert response.status_code == 201 and response.json()["passed"] is False
    assert api.get(f"/api/projects/{project.pk}/admission/").json()["id"] == response.json()["id"]
