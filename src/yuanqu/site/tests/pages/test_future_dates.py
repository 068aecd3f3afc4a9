"""What has not happened yet cannot be recorded: a supply, a start of production, a year of figures or a signing
in the future come back as bilingual form errors naming the value, and nothing is saved."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from yuanqu.enterprises.models import EnterpriseYear
from yuanqu.land.models import Parcel
from yuanqu.projects.models import Agreement

from .test_edit_pages import enterprise_form


@pytest.fixture
def staff(client: Client, user_a) -> Client:
    client.force_login(user_a)
    return client


def tomorrow() -> dt.date:
    return timezone.localdate() + dt.timedelta(days=1)


def test_a_parcel_supplied_tomorrow_is_refused_but_an_agreed_start_may_lie_ahead(staff, world_a):
    parcel = world_a.parcel
    data = {"zone": parcel.zone_id, "code": parcel.code, "land_use": "industrial", "supplied_on": tomorrow()}
    response = staff.post(f"/land/parcels/{parcel.pk}/edit/", {**data, "agreed_start_on": "2099-01-01"})
    assert response.status_code == 200
    html = response.content.decode()
    assert f"日期 {tomorrow()} 在今天之后 / the date {tomorrow()} is in the future" in html
    assert html.count("在今天之后") == 1  # the agreed start is not flagged
    assert Parcel.objects.get(pk=parcel.pk).supplied_on == parcel.supplied_on
    data["supplied_on"] = "2021-03-01"
    response = staff.post(f"/land/parcels/{parcel.pk}/edit/", {**data, "agreed_start_on": "2099-01-01"})
    assert response.status_code == 302
    assert str(Parcel.objects.get(pk=parcel.pk).agreed_start_on) == "2099-01-01"


def test_production_started_tomorrow_is_refused(staff, enterprise_a):
    response = staff.post(
        f"/enterprises/{enterprise_a.pk}/edit/", enterprise_form(enterprise_a, production_started_on=tomorrow())
    )
    assert response.status_code == 200
    assert f"日期 {tomorrow()} 在今天之后 / the date {tomorrow()} is in the future" in response.content.decode()
    enterprise_a.refresh_from_db()
    assert enterprise_a.production_started_on is None


def test_figures_of_next_year_are_refused(staff, enterprise_a):
    next_year = timezone.localdate().year + 1
    response = staff.post(f"/enterprises/{enterprise_a.pk}/years/add/", {"year": next_year, "tax": "1"})
    assert response.status_code == 200
    assert f"年度 {next_year} 在今年之后 / the year {next_year} is after this year" in response.content.decode()
    assert not EnterpriseYear.objects.filter(enterprise=enterprise_a).exists()


def test_an_agreement_signed_tomorrow_or_due_before_its_signing_is_refused(staff, world_a):
    url = f"/projects/{world_a.project.pk}/agreement/"
    response = staff.post(url, {"signed_on": tomorrow(), "total_investment": "100"})
    assert response.status_code == 200
    assert f"日期 {tomorrow()} 在今天之后 / the date {tomorrow()} is in the future" in response.content.decode()
    response = staff.post(
        url,
        {"signed_on": "2025-03-01", "start_by": "2025-02-01", "production_by": "2026-01-01", "total_investment": "1"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert (
        "约定开工日期 2025-02-01 早于签约日期 2025-03-01 / the start-by date 2025-02-01 is before the signing 2025-03-01"
        in html
    )
    assert "约定投产日期 2026-01-01" not in html
    assert not Agreement.objects.filter(project=world_a.project).exists()
