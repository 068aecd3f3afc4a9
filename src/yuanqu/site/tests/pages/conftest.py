"""Two zones with everything in them, so every page can be checked for what a user of zone A sees."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest

from yuanqu.accounts.testing import make_user
from yuanqu.core.access import Role
from yuanqu.enterprises.models import Enterprise, EnterpriseYear
from yuanqu.enterprises.testing import make_enterprise, make_enterprise_year
from yuanqu.land.models import EnterpriseLand, Parcel
from yuanqu.land.testing import make_parcel
from yuanqu.projects.models import Project, Stage
from yuanqu.projects.testing import make_project
from yuanqu.zones.models import Zone
from yuanqu.zones.testing import make_zone


@dataclass
class ZoneWorld:
    """One zone's objects: the zone, a sub-park, an enterprise in each, their years, parcels and land use."""

    zone: Zone
    sub_park: Zone
    enterprise: Enterprise
    sub_enterprise: Enterprise
    year: EnterpriseYear
    parcel: Parcel
    sub_parcel: Parcel
    land: EnterpriseLand
    project: Project
    sub_project: Project

    @property
    def names(self) -> list[str]:
        """Names that must never appear on a page of another zone's user."""
        return [
            self.zone.name,
            self.sub_park.name,
            self.enterprise.name,
            self.sub_enterprise.name,
            self.enterprise.uscc,
            self.parcel.code,
            self.sub_parcel.code,
            self.project.name,
            self.sub_project.name,
        ]


def build_zone_world(zone: Zone, tag: str, *, tax: str, land_mu: str) -> ZoneWorld:
    sub_park = make_zone(f"{zone.name}{tag}光电产业园", code=f"{zone.code}-S", parent=zone)
    enterprise = make_enterprise(zone, f"{tag}精工机械有限公司")
    sub_enterprise = make_enterprise(sub_park, f"{tag}光电科技有限公司")
    year = make_enterprise_year(enterprise, 2024, tax=Decimal(tax), land_mu=Decimal(land_mu))
    make_enterprise_year(enterprise, 2023, tax=Decimal(tax) - 100, land_mu=Decimal(land_mu))
    make_enterprise_year(sub_enterprise, 2024, tax=Decimal("100"), land_mu=Decimal("10"))
    parcel = make_parcel(zone, f"{tag}-GY-001")
    sub_parcel = make_parcel(sub_park, f"{tag}-GY-002")
    land = EnterpriseLand.objects.create(enterprise=enterprise, parcel=parcel, area_mu=Decimal("15"))
    project = make_project(
        zone, f"{tag}新能源电池项目", history=[(Stage.LEAD, dt.date(2025, 9, 1)), (Stage.SIGNED, dt.date(2025, 9, 26))]
    )
    sub_project = make_project(sub_park, f"{tag}光电显示项目")
    return ZoneWorld(zone, sub_park, enterprise, sub_enterprise, year, parcel, sub_parcel, land, project, sub_project)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Tests create many users; the production hasher takes a third of a second for each."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world_a(zone_a) -> ZoneWorld:
    return build_zone_world(zone_a, "甲", tax="1200", land_mu="50")


@pytest.fixture
def world_b(zone_b) -> ZoneWorld:
    return build_zone_world(zone_b, "乙", tax="3300", land_mu="30")


# The isolation matrices (test_isolation.py, test_isolation_more.py) check each page for each zone-bound role of A.
ZONE_A_ROLES = {"staff": Role.ZONE_STAFF, "admin": Role.ZONE_ADMIN, "leader": Role.LEADER}


@pytest.fixture(params=sorted(ZONE_A_ROLES))
def user_of_a(request, zone_a):
    return make_user(f"{request.param}_of_a", ZONE_A_ROLES[request.param], zones=[zone_a])


@pytest.fixture
def client_a(client, user_of_a, world_a, world_b):
    client.force_login(user_of_a)
    return client


@pytest.fixture
def leader_a(zone_a):
    return make_user("leader_a", Role.LEADER, zones=[zone_a])
