"""Fixtures of the API tests: two zones with sub-parks and data in each, users of every role, token clients."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from yuanqu.accounts.services import api_token
from yuanqu.accounts.testing import make_user
from yuanqu.core.access import Role
from yuanqu.enterprises.testing import make_enterprise, make_enterprise_year
from yuanqu.land.models import EnterpriseLand
from yuanqu.land.testing import make_parcel
from yuanqu.projects.testing import make_project
from yuanqu.ranking.models import ZoneMonth, ZoneYear
from yuanqu.targets.models import ResponsibilityLetter, Target, Task
from yuanqu.zones.testing import make_zone


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Real hashing makes each of the world's users cost a third of a second; tests need no real hashing."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class World:
    """Zones A and B, each with a sub-park, enterprises, yearly figures, parcels and land in both."""

    zone_a: object
    sub_a: object
    zone_b: object
    sub_b: object
    enterprise_a: object
    enterprise_sub_a: object
    enterprise_b: object
    enterprise_sub_b: object
    years_a: list
    years_b: list
    parcel_a: object
    parcel_sub_a: object
    parcel_b: object
    parcel_sub_b: object
    land_a: object
    land_b: object
    users: dict
    projects_a: list = field(default_factory=list)  # in zone A and its sub-park
    projects_b: list = field(default_factory=list)  # in zone B and its sub-park
    targets_a: list = field(default_factory=list)  # yearly targets of zone A and its sub-park
    targets_b: list = field(default_factory=list)
    reported_years_a: list = field(default_factory=list)  # figures zone A and its sub-park reported
    reported_years_b: list = field(default_factory=list)
    reported_months_a: list = field(default_factory=list)
    reported_months_b: list = field(default_factory=list)
    letters_a: list = field(default_factory=list)  # responsibility letters of zone A and its sub-park
    letters_b: list = field(default_factory=list)
    tasks_a: list = field(default_factory=list)  # supervised tasks of zone A and its sub-park
    tasks_b: list = field(default_factory=list)


@pytest.fixture
def world(db) -> World:
    zone_a = make_zone("甲经济开发区", code="A001", level="provincial", kind="provincial_dz")
    zone_b = make_zone("乙高新技术产业开发区", code="B001", level="national", kind="htz")
    sub_a = make_zone("甲经济开发区光电产业园", code="A002", parent=zone_a)
    sub_b = make_zone("乙高新区生物医药园", code="B002", parent=zone_b)
    enterprise_a = make_enterprise(zone_a, "甲精密机械有限公司")
    enterprise_sub_a = make_enterprise(sub_a, "甲光电科技有限公司")
    enterprise_b = make_enterprise(zone_b, "乙电子科技有限公司")
    enterprise_sub_b = make_enterprise(sub_b, "乙生物制药有限公司")
    years_a = [make_enterprise_year(e, year) for e in (enterprise_a, enterprise_sub_a) for year in (2023, 2024)]
    years_b = [make_enterprise_year(e, year) for e in (enterprise_b, enterprise_sub_b) for year in (2023, 2024)]
    parcel_a = make_parcel(zone_a, "JA-01")
    parcel_sub_a = make_parcel(sub_a, "JA-02")
    parcel_b = make_parcel(zone_b, "YB-01")
    parcel_sub_b = make_parcel(sub_b, "YB-02")
    land_a = EnterpriseLand.objects.create(enterprise=enterprise_a, parcel=parcel_a, area_mu=Decimal("10"))
    land_b = EnterpriseLand.objects.create(
        enterprise=enterprise_b, parcel=parcel_b, area_mu=Decimal("12"), tenure=EnterpriseLand.Tenure.RENTED
    )
    users = {
        "zone_staff": make_user("staff_a", Role.ZONE_STAFF, zones=[zone_a]),
        "zone_admin": make_user("admin_a", Role.ZONE_ADMIN, zones=[zone_a]),
        "leader": make_user("leader_a", Role.LEADER, zones=[zone_a]),
        "staff_b": make_user("staff_b", Role.ZONE_STAFF, zones=[zone_b]),
        "admin_b": make_user("admin_b", Role.ZONE_ADMIN, zones=[zone_b]),
        "staff_ab": make_user("staff_ab", Role.ZONE_STAFF, zones=[zone_a, zone_b]),
        "city_analyst": make_user("analyst", Role.CITY_ANALYST),
        "city_admin": make_user("city", Role.CITY_ADMIN, is_staff=True),
    }
    return World(
        zone_a=zone_a,
        sub_a=sub_a,
        zone_b=zone_b,
        sub_b=sub_b,
        enterprise_a=enterprise_a,
        enterprise_sub_a=enterprise_sub_a,
        enterprise_b=enterprise_b,
        enterprise_sub_b=enterprise_sub_b,
        years_a=years_a,
        years_b=years_b,
        parcel_a=parcel_a,
        parcel_sub_a=parcel_sub_a,
        parcel_b=parcel_b,
        parcel_sub_b=parcel_sub_b,
        land_a=land_a,
        land_b=land_b,
        users=users,
        projects_a=[make_project(zone_a, "甲新能源电池项目"), make_project(sub_a, "甲光电显示项目")],
        projects_b=[make_project(zone_b, "乙生物医药项目"), make_project(sub_b, "乙创新药项目")],
        targets_a=[
            Target.objects.create(zone=zone_a, year=2026, indicator="started_count", value=25),
            Target.objects.create(zone=sub_a, year=2026, indicator="signed_count", value=8),
        ],
        targets_b=[
            Target.objects.create(zone=zone_b, year=2026, indicator="started_count", value=30),
            Target.objects.create(zone=sub_b, year=2026, indicator="signed_count", value=6),
        ],
        reported_years_a=[ZoneYear.objects.create(zone=z, year=2025, gdp=Decimal("100")) for z in (zone_a, sub_a)],
        reported_years_b=[ZoneYear.objects.create(zone=z, year=2025, gdp=Decimal("200")) for z in (zone_b, sub_b)],
        reported_months_a=[
            ZoneMonth.objects.create(zone=z, year=2026, month=3, gdp=Decimal("30")) for z in (zone_a, sub_a)
        ],
        reported_months_b=[
            ZoneMonth.objects.create(zone=z, year=2026, month=3, gdp=Decimal("60")) for z in (zone_b, sub_b)
        ],
        letters_a=[ResponsibilityLetter.objects.create(zone=z, year=2025, signed_by="甲") for z in (zone_a, sub_a)],
        letters_b=[ResponsibilityLetter.objects.create(zone=z, year=2025, signed_by="乙") for z in (zone_b, sub_b)],
        tasks_a=[_task(f"A-{n}", z) for n, z in enumerate((zone_a, sub_a))],
        tasks_b=[_task(f"B-{n}", z) for n, z in enumerate((zone_b, sub_b))],
    )


def _task(code: str, zone) -> Task:
    start, end = dt.date(2026, 1, 5), dt.date(2026, 1, 9)
    return Task.objects.create(
        code=code, title=f"{zone.name}督办", zone=zone, lead_unit="招商局", assigned_on=start, deadline=end
    )


def token_client(user) -> APIClient:
    """An API client that authenticates as a script does: `Authorization: Token …`."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token(user=user)}")
    return client


@pytest.fixture
def client_for():
    return token_client
