"""The API half of the zone-isolation matrix: nothing of zone B is visible, countable or writable for zone A.

Every endpoint is one row of ENDPOINTS; a new endpoint is added by adding a row. The users of zone A
are a zone_staff, a zone_admin and a leader bound to A. Zone A has a sub-park (visible to A's users),
and so has zone B (invisible to them).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from rest_framework.test import APIClient

from yuanqu.accounts.models import User
from yuanqu.core.changelog import snapshot
from yuanqu.core.models import ChangeLogEntry
from yuanqu.enterprises.models import Enterprise, EnterpriseYear
from yuanqu.enterprises.testing import make_uscc
from yuanqu.land.models import EnterpriseLand, Parcel
from yuanqu.projects.models import Agreement, Project
from yuanqu.projects.testing import make_project
from yuanqu.ranking.models import ZoneMonth, ZoneYear
from yuanqu.targets.models import ResponsibilityLetter, Target, Task
from yuanqu.zones.models import Zone

from ..routes import url_routes
from .conftest import World, token_client

ZONE_A_ROLES = ["zone_staff", "zone_admin", "leader"]
EDITING_ROLES = {"zone_staff", "zone_admin"}
READ_ONLY_ROLES = ["leader", "city_analyst"]

# A 100 m × 100 m square near Suzhou in EPSG:4490.
SQUARE_LONLAT = {
    "type": "Polygon",
    "coordinates": [[[120.60, 31.30], [120.601, 31.30], [120.601, 31.3009], [120.60, 31.3009], [120.60, 31.30]]],
}


@dataclass(frozen=True)
class Endpoint:
    """One API endpoint and, for the world of two zones, what belongs to A and B and how to write to it."""

    name: str
    url: str
    model: type
    own: Callable[[World], list]  # the objects of zone A and its sub-park
    other: Callable[[World], list]  # the objects of zone B and its sub-park
    create: Callable[[World], dict]  # a valid new object in zone A
    patch: Callable[[World], dict]  # a valid change to any object
    create_in_b: dict[str, Callable[[World], dict]]  # new objects placed in, or pointing at, zone B
    move_to_b: dict[str, Callable[[World], dict]]  # changes that would move an A object into zone B
    filters_for_b: dict[str, Callable[[World], dict]]  # query strings that name zone B's objects
    extra_reads: tuple = field(default=())

    def __str__(self) -> str:
        return self.name


ENDPOINTS = [
    Endpoint(
        name="zones",
        url="/api/zones/",
        model=Zone,
        own=lambda w: [w.zone_a, w.sub_a],
        other=lambda w: [w.zone_b, w.sub_b],
        create=lambda w: {"name": "甲经济开发区新材料园", "parent": w.zone_a.pk},
        patch=lambda w: {"short_name": "改名园区"},
        create_in_b={
            "parent B": lambda w: {"name": "越界分园一", "parent": w.zone_b.pk},
            "parent B's sub-park": lambda w: {"name": "越界分园二", "parent": w.sub_b.pk},
        },
        move_to_b={"parent B": lambda w: {"parent": w.zone_b.pk}},
        filters_for_b={
            "parent": lambda w: {"parent": w.zone_b.pk},
            "search name": lambda w: {"search": w.zone_b.name},
            "code": lambda w: {"code": w.zone_b.code},
        },
    ),
    Endpoint(
        name="parcels",
        url="/api/parcels/",
        model=Parcel,
        own=lambda w: [w.parcel_a, w.parcel_sub_a],
        other=lambda w: [w.parcel_b, w.parcel_sub_b],
        create=lambda w: {"zone": w.zone_a.pk, "code": "JA-99", "land_use": "industrial", "geometry": SQUARE_LONLAT},
        patch=lambda w: {"land_use": "warehouse", "total_investment": "5000.0000"},
        create_in_b={
            "zone B": lambda w: {"zone": w.zone_b.pk, "code": "X-1", "geometry": SQUARE_LONLAT},
            "B's sub-park": lambda w: {"zone": w.sub_b.pk, "code": "X-2", "geometry": SQUARE_LONLAT},
        },
        move_to_b={"zone B": lambda w: {"zone": w.zone_b.pk}},
        filters_for_b={
            "zone": lambda w: {"zone": w.zone_b.pk},
            "code": lambda w: {"code": w.parcel_b.code},
            "search code": lambda w: {"search": w.parcel_b.code},
        },
    ),
    Endpoint(
        name="enterprises",
        url="/api/enterprises/",
        model=Enterprise,
        own=lambda w: [w.enterprise_a, w.enterprise_sub_a],
        other=lambda w: [w.enterprise_b, w.enterprise_sub_b],
        create=lambda w: {
            "uscc": make_uscc(90001),
            "name": "甲新设企业",
            "zone": w.zone_a.pk,
            "industry_code": "C3981",
        },
        patch=lambda w: {"name": "改名企业有限公司"},
        create_in_b={
            "zone B": lambda w: {"uscc": make_uscc(90002), "name": "越界企业", "zone": w.zone_b.pk},
            "B's sub-park": lambda w: {"uscc": make_uscc(90003), "name": "越界企业二", "zone": w.sub_b.pk},
        },
        move_to_b={"zone B": lambda w: {"zone": w.zone_b.pk}},
        filters_for_b={
            "zone": lambda w: {"zone": w.zone_b.pk},
            "within_zone": lambda w: {"within_zone": w.zone_b.pk},
            "search name": lambda w: {"search": w.enterprise_b.name},
            "search uscc": lambda w: {"search": w.enterprise_b.uscc},
            "uscc": lambda w: {"uscc": w.enterprise_b.uscc},
        },
    ),
    Endpoint(
        name="enterprise-years",
        url="/api/enterprise-years/",
        model=EnterpriseYear,
        own=lambda w: w.years_a,
        other=lambda w: w.years_b,
        create=lambda w: {"enterprise": w.enterprise_a.pk, "year": 2022, "tax": "88.5"},
        patch=lambda w: {"tax": "999.5000"},
        create_in_b={
            "B's enterprise": lambda w: {"enterprise": w.enterprise_b.pk, "year": 2022, "tax": "1"},
            "enterprise of B's sub-park": lambda w: {"enterprise": w.enterprise_sub_b.pk, "year": 2022},
        },
        move_to_b={"B's enterprise": lambda w: {"enterprise": w.enterprise_b.pk, "year": 2019}},
        filters_for_b={
            "zone": lambda w: {"zone": w.zone_b.pk},
            "enterprise": lambda w: {"enterprise": w.enterprise_b.pk},
            "uscc": lambda w: {"uscc": w.enterprise_b.uscc},
            "enterprise__uscc": lambda w: {"enterprise__uscc": w.enterprise_b.uscc},
            "search name": lambda w: {"search": w.enterprise_b.name},
        },
    ),
    Endpoint(
        name="enterprise-land",
        url="/api/enterprise-land/",
        model=EnterpriseLand,
        own=lambda w: [w.land_a],
        other=lambda w: [w.land_b],
        create=lambda w: {"enterprise": w.enterprise_sub_a.pk, "parcel": w.parcel_sub_a.pk, "area_mu": "3.5"},
        patch=lambda w: {"area_mu": "4.2500"},
        create_in_b={
            "B's enterprise": lambda w: {"enterprise": w.enterprise_b.pk, "parcel": w.parcel_a.pk, "area_mu": "1"},
            "B's parcel": lambda w: {"enterprise": w.enterprise_a.pk, "parcel": w.parcel_b.pk, "area_mu": "1"},
        },
        move_to_b={
            "B's enterprise": lambda w: {"enterprise": w.enterprise_b.pk},
            "B's parcel": lambda w: {"parcel": w.parcel_sub_b.pk},
        },
        filters_for_b={
            "zone": lambda w: {"zone": w.zone_b.pk},
            "enterprise": lambda w: {"enterprise": w.enterprise_b.pk},
            "parcel": lambda w: {"parcel": w.parcel_b.pk},
            "uscc": lambda w: {"uscc": w.enterprise_b.uscc},
            "search name": lambda w: {"search": w.enterprise_b.name},
        },
    ),
    Endpoint(
        name="projects",
        url="/api/projects/",
        model=Project,
        own=lambda w: w.projects_a,
        other=lambda w: w.projects_b,
        create=lambda w: {
            "name": "甲新签项目",
            "zone": w.zone_a.pk,
            "industry_code": "C3981",
            "total_investment": "12000",
        },
        patch=lambda w: {"leader": "王副市长", "total_investment": "250000.0000"},
        create_in_b={
            "zone B": lambda w: {"name": "越界项目", "zone": w.zone_b.pk},
            "B's sub-park": lambda w: {"name": "越界项目二", "zone": w.sub_b.pk},
            "B's parcel": lambda w: {"name": "越界项目三", "zone": w.zone_a.pk, "parcel": w.parcel_b.pk},
            "B's enterprise": lambda w: {"name": "越界项目四", "zone": w.zone_a.pk, "enterprise": w.enterprise_b.pk},
        },
        move_to_b={
            "zone B": lambda w: {"zone": w.zone_b.pk},
            "B's parcel": lambda w: {"parcel": w.parcel_sub_b.pk},
            "B's enterprise": lambda w: {"enterprise": w.enterprise_b.pk},
        },
        filters_for_b={
            "zone": lambda w: {"zone": w.zone_b.pk},
            "search name": lambda w: {"search": w.projects_b[0].name},
            "search sub-park name": lambda w: {"search": w.projects_b[1].name},
        },
    ),
    Endpoint(
        name="targets",
        url="/api/targets/",
        model=Target,
        own=lambda w: w.targets_a,
        other=lambda w: w.targets_b,
        create=lambda w: {"zone": w.zone_a.pk, "year": 2027, "indicator": "signed_count", "value": "30"},
        patch=lambda w: {"value": "40.0000"},
        create_in_b={
            "zone B": lambda w: {"zone": w.zone_b.pk, "year": 2027, "indicator": "signed_count", "value": "1"},
            "B's sub-park": lambda w: {"zone": w.sub_b.pk, "year": 2027, "indicator": "signed_count", "value": "1"},
        },
        move_to_b={"zone B": lambda w: {"zone": w.zone_b.pk}},
        filters_for_b={"zone": lambda w: {"zone": w.zone_b.pk}},
    ),
    Endpoint(
        name="zone-years",
        url="/api/zone-years/",
        model=ZoneYear,
        own=lambda w: w.reported_years_a,
        other=lambda w: w.reported_years_b,
        create=lambda w: {"zone": w.zone_a.pk, "year": 2024, "gdp": "90"},
        patch=lambda w: {"gdp": "120.0000"},
        create_in_b={
            "zone B": lambda w: {"zone": w.zone_b.pk, "year": 2024, "gdp": "1"},
            "B's sub-park": lambda w: {"zone": w.sub_b.pk, "year": 2024, "gdp": "1"},
        },
        move_to_b={"zone B": lambda w: {"zone": w.zone_b.pk, "year": 2023}},
        filters_for_b={"zone": lambda w: {"zone": w.zone_b.pk}},
    ),
    Endpoint(
        name="zone-months",
        url="/api/zone-months/",
        model=ZoneMonth,
        own=lambda w: w.reported_months_a,
        other=lambda w: w.reported_months_b,
        create=lambda w: {"zone": w.zone_a.pk, "year": 2026, "month": 4, "gdp": "40"},
        patch=lambda w: {"gdp": "45.0000"},
        create_in_b={
            "zone B": lambda w: {"zone": w.zone_b.pk, "year": 2026, "month": 4, "gdp": "1"},
            "B's sub-park": lambda w: {"zone": w.sub_b.pk, "year": 2026, "month": 4, "gdp": "1"},
        },
        move_to_b={"zone B": lambda w: {"zone": w.zone_b.pk, "month": 5}},
        filters_for_b={"zone": lambda w: {"zone": w.zone_b.pk}},
    ),
]

NEW_TASK = {"title": "新任务", "lead_unit": "园区", "assigned_on": "2026-03-02"}
ENDPOINTS += [
    Endpoint(
        name="letters",
        url="/api/letters/",
        model=ResponsibilityLetter,
        own=lambda w: w.letters_a,
        other=lambda w: w.letters_b,
        create=lambda w: {"zone": w.zone_a.pk, "year": 2027},
        patch=lambda w: {"signed_by": "王书记"},
        create_in_b={
            "zone B": lambda w: {"zone": w.zone_b.pk, "year": 2027},
            "B's sub-park": lambda w: {"zone": w.sub_b.pk, "year": 2027},
        },
        move_to_b={"zone B": lambda w: {"zone": w.zone_b.pk, "year": 2028}},
        filters_for_b={"zone": lambda w: {"zone": w.zone_b.pk}},
    ),
    Endpoint(
        name="tasks",
        url="/api/tasks/",
        model=Task,
        own=lambda w: w.tasks_a,
        other=lambda w: w.tasks_b,
        create=lambda w: {**NEW_TASK, "code": "A-NEW", "zone": w.zone_a.pk, "limit_workdays": 5},
        patch=lambda w: {"title": "改名的任务"},
        create_in_b={
            "zone B": lambda w: {**NEW_TASK, "code": "B-NEW", "zone": w.zone_b.pk, "deadline": "2026-03-09"},
            "B's sub-park": lambda w: {**NEW_TASK, "code": "B-NEW", "zone": w.sub_b.pk, "deadline": "2026-03-09"},
        },
        move_to_b={"zone B": lambda w: {"zone": w.zone_b.pk}},
        filters_for_b={"zone": lambda w: {"zone": w.zone_b.pk}, "unit and zone": lambda w: {"zone": w.sub_b.pk}},
    ),
]


def cases(attribute: str):
    """(endpoint, case name) pairs for the parametrised tests over one of the endpoint's case tables."""
    return [
        pytest.param(endpoint, name, id=f"{endpoint.name}-{name}")
        for endpoint in ENDPOINTS
        for name in getattr(endpoint, attribute)
    ]


def stored(obj) -> dict:
    """The object's row as it is in the database now."""
    return snapshot(type(obj)._base_manager.get(pk=obj.pk))


def full_payload(endpoint: Endpoint, obj, world: World) -> dict:
    """A complete PUT body for an object: its own representation as a city administrator reads it."""
    data = token_client(world.users["city_admin"]).get(f"{endpoint.url}{obj.pk}/").json()
    data.update(endpoint.patch(world))
    return data


def results(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


@pytest.fixture(params=ENDPOINTS, ids=str)
def endpoint(request) -> Endpoint:
    return request.param


@pytest.fixture(params=ZONE_A_ROLES)
def role_a(request) -> str:
    return request.param


# --- reading -------------------------------------------------------------------------------------------


def test_list_holds_only_zone_a_objects_and_counts_only_them(world, endpoint, role_a):
    response = token_client(world.users[role_a]).get(endpoint.url, {"page_size": 100})
    ids = {row["id"] for row in results(response)}
    assert ids == {obj.pk for obj in endpoint.own(world)}
    assert response.json()["count"] == len(endpoint.own(world))
    assert not ids & {obj.pk for obj in endpoint.other(world)}


def test_detail_of_zone_b_object_is_404(world, endpoint, role_a):
    client = token_client(world.users[role_a])
    for obj in endpoint.other(world):
        assert client.get(f"{endpoint.url}{obj.pk}/").status_code == 404
    for obj in endpoint.own(world):
        assert client.get(f"{endpoint.url}{obj.pk}/").status_code == 200


@pytest.mark.parametrize(("endpoint", "name"), cases("filters_for_b"))
@pytest.mark.parametrize("role", ZONE_A_ROLES)
def test_filters_naming_zone_b_return_nothing(world, endpoint, name, role):
    response = token_client(world.users[role]).get(endpoint.url, endpoint.filters_for_b[name](world))
    assert results(response) == []
    assert response.json()["count"] == 0


@pytest.mark.parametrize(("endpoint", "name"), cases("filters_for_b"))
def test_same_filters_find_zone_b_objects_for_a_city_analyst(world, endpoint, name):
    """The control for the test above: the filters do match B's objects, for someone who may see them."""
    response = token_client(world.users["city_analyst"]).get(endpoint.url, endpoint.filters_for_b[name](world))
    assert response.json()["count"] >= 1


@pytest.mark.parametrize("role", ZONE_A_ROLES)
def test_enterprise_by_uscc_of_zone_b_is_404(world, role):
    client = token_client(world.users[role])
    assert client.get(f"/api/enterprises/by-uscc/{world.enterprise_b.uscc}/").status_code == 404
    assert client.get(f"/api/enterprises/by-uscc/{world.enterprise_sub_b.uscc}/").status_code == 404
    own = client.get(f"/api/enterprises/by-uscc/{world.enterprise_sub_a.uscc}/")
    assert own.status_code == 200
    assert own.json()["id"] == world.enterprise_sub_a.pk


def test_city_analyst_sees_both_zones(world, endpoint):
    response = token_client(world.users["city_analyst"]).get(endpoint.url, {"page_size": 100})
    everything = endpoint.own(world) + endpoint.other(world)
    assert {row["id"] for row in results(response)} == {obj.pk for obj in everything}
    assert response.json()["count"] == len(everything)


def test_anonymous_gets_nothing(world, endpoint):
    client = APIClient()
    obj = endpoint.own(world)[0]
    assert client.get(endpoint.url).status_code == 401
    assert client.get(f"{endpoint.url}{obj.pk}/").status_code == 401
    assert client.post(endpoint.url, endpoint.create(world), format="json").status_code == 401
    assert client.patch(f"{endpoint.url}{obj.pk}/", endpoint.patch(world), format="json").status_code == 401
    assert client.delete(f"{endpoint.url}{obj.pk}/").status_code == 401
    assert type(obj)._base_manager.filter(pk=obj.pk).exists()


def test_anonymous_cannot_look_up_by_uscc(world):
    assert APIClient().get(f"/api/enterprises/by-uscc/{world.enterprise_a.uscc}/").status_code == 401


# --- writing -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_writes_to_zone_b_object_refused_and_object_unchanged(world, endpoint, role_a, method):
    client = token_client(world.users[role_a])
    entries = ChangeLogEntry.objects.count()
    for obj in endpoint.other(world):
        before = stored(obj)
        url = f"{endpoint.url}{obj.pk}/"
        if method == "delete":
            response = client.delete(url)
        elif method == "put":
            response = client.put(url, full_payload(endpoint, obj, world), format="json")
        else:
            response = client.patch(url, endpoint.patch(world), format="json")
        # Not in the user's queryset: 404 as if it did not exist; a read-only role is refused first.
        assert response.status_code == (404 if role_a in EDITING_ROLES else 403), response.content
        assert stored(obj) == before
    assert ChangeLogEntry.objects.count() == entries


@pytest.mark.parametrize(("endpoint", "name"), cases("create_in_b"))
@pytest.mark.parametrize("role", ZONE_A_ROLES)
def test_creating_in_zone_b_or_pointing_at_it_refused_and_nothing_written(world, endpoint, name, role):
    count, entries = endpoint.model._base_manager.count(), ChangeLogEntry.objects.count()
    response = token_client(world.users[role]).post(endpoint.url, endpoint.create_in_b[name](world), format="json")
    # An editor's related-field choices are restricted to its zones, so B's id is refused as unknown (400)
    # before any service runs; a read-only role is refused outright (403).
    assert response.status_code == (400 if role in EDITING_ROLES else 403), response.content
    assert endpoint.model._base_manager.count() == count
    assert ChangeLogEntry.objects.count() == entries


@pytest.mark.parametrize(("endpoint", "name"), cases("move_to_b"))
@pytest.mark.parametrize("role", ZONE_A_ROLES)
def test_moving_zone_a_object_into_zone_b_refused_and_unchanged(world, endpoint, name, role):
    obj = endpoint.own(world)[-1]
    before, entries = stored(obj), ChangeLogEntry.objects.count()
    response = token_client(world.users[role]).patch(
        f"{endpoint.url}{obj.pk}/", endpoint.move_to_b[name](world), format="json"
    )
    assert response.status_code == (400 if role in EDITING_ROLES else 403), response.content
    assert stored(obj) == before
    assert ChangeLogEntry.objects.count() == entries


@pytest.mark.parametrize("role", sorted(EDITING_ROLES))
def test_zone_a_editors_do_create_and_change_in_zone_a(world, endpoint, role):
    """The control for the refusals above: the same users and payloads succeed inside zone A."""
    client = token_client(world.users[role])
    created = client.post(endpoint.url, endpoint.create(world), format="json")
    assert created.status_code == 201, created.content
    assert endpoint.model.objects.filter(pk=created.json()["id"]).exists()

    obj = endpoint.own(world)[0]
    changed = client.patch(f"{endpoint.url}{obj.pk}/", endpoint.patch(world), format="json")
    assert changed.status_code == 200, changed.content
    for key, value in endpoint.patch(world).items():
        assert changed.json()[key] == value

    obj = endpoint.own(world)[-1]
    replaced = client.put(f"{endpoint.url}{obj.pk}/", full_payload(endpoint, obj, world), format="json")
    assert replaced.status_code == 200, replaced.content


@pytest.mark.parametrize("role", READ_ONLY_ROLES)
def test_read_only_roles_refused_every_write(world, endpoint, role):
    client = token_client(world.users[role])
    count, entries = endpoint.model._base_manager.count(), ChangeLogEntry.objects.count()
    assert client.post(endpoint.url, endpoint.create(world), format="json").status_code == 403
    for obj in endpoint.own(world):
        url = f"{endpoint.url}{obj.pk}/"
        before = stored(obj)
        assert client.put(url, full_payload(endpoint, obj, world), format="json").status_code == 403
        assert client.patch(url, endpoint.patch(world), format="json").status_code == 403
        assert client.delete(url).status_code == 403
        assert stored(obj) == before
    assert endpoint.model._base_manager.count() == count
    assert ChangeLogEntry.objects.count() == entries


# --- users: only administrators, and a zone administrator only over the users of its own zones ----------


def user_payload(world: World, **fields) -> dict:
    payload = {"username": "new_user", "role": "zone_staff", "zones": [world.zone_a.pk], "password": "a-long-pw-123"}
    payload.update(fields)
    return payload


@pytest.mark.parametrize("role", ["zone_staff", "leader", "city_analyst"])
def test_users_endpoint_refused_to_non_administrators(world, role):
    client = token_client(world.users[role])
    target = world.users["zone_staff"]
    assert client.get("/api/users/").status_code == 403
    assert client.get(f"/api/users/{target.pk}/").status_code == 403
    assert client.post("/api/users/", user_payload(world), format="json").status_code == 403
    assert client.patch(f"/api/users/{target.pk}/", {"role": "zone_admin"}, format="json").status_code == 403
    assert client.delete(f"/api/users/{target.pk}/").status_code == 403
    assert not User.objects.filter(username="new_user").exists()
    assert User.objects.get(pk=target.pk).role == "zone_staff"


def test_zone_admin_lists_only_users_bound_solely_to_its_zones(world):
    response = token_client(world.users["zone_admin"]).get("/api/users/")
    names = {row["username"] for row in results(response)}
    assert names == {"staff_a", "admin_a", "leader_a"}
    assert response.json()["count"] == 3


@pytest.mark.parametrize("other", ["staff_b", "admin_b", "staff_ab", "city_analyst", "city_admin"])
def test_zone_admin_cannot_read_change_or_delete_users_beyond_its_zones(world, other):
    client = token_client(world.users["zone_admin"])
    target = world.users[other]
    before = stored(target)
    assert client.get(f"/api/users/{target.pk}/").status_code == 404
    assert client.patch(f"/api/users/{target.pk}/", {"email": "x@example.org"}, format="json").status_code == 404
    assert client.put(f"/api/users/{target.pk}/", user_payload(world, username=target.username)).status_code == 404
    assert client.delete(f"/api/users/{target.pk}/").status_code == 404
    assert stored(target) == before
    assert set(User.objects.get(pk=target.pk).zones.all()) == set(target.zones.all())


@pytest.mark.parametrize(
    "fields",
    [
        {"zones": "B"},
        {"zones": "A+B"},
        {"role": "city_admin"},
        {"role": "city_analyst"},
        {"role": "leader", "zones": []},
        {"role": "zone_staff", "zones": []},
        {"is_staff": True},
    ],
    ids=["zone B", "zones A and B", "city_admin", "city_analyst", "leader without zone", "staff without zone", "staff"],
)
def test_zone_admin_cannot_create_users_beyond_its_powers(world, fields):
    zones = {"B": [world.zone_b.pk], "A+B": [world.zone_a.pk, world.zone_b.pk]}
    if isinstance(fields.get("zones"), str):
        fields = {**fields, "zones": zones[fields["zones"]]}
    response = token_client(world.users["zone_admin"]).post("/api/users/", user_payload(world, **fields), format="json")
    assert response.status_code in (400, 403), response.content
    assert not User.objects.filter(username="new_user").exists()


def test_zone_admin_cannot_move_own_user_into_zone_b_or_promote_it(world):
    client = token_client(world.users["zone_admin"])
    target = world.users["zone_staff"]
    url = f"/api/users/{target.pk}/"
    assert client.patch(url, {"zones": [world.zone_a.pk, world.zone_b.pk]}, format="json").status_code == 400
    assert client.patch(url, {"role": "city_analyst"}, format="json").status_code == 403
    assert client.patch(url, {"is_staff": True}, format="json").status_code == 403
    target.refresh_from_db()
    assert target.role == "zone_staff"
    assert not target.is_staff
    assert list(target.zones.all()) == [world.zone_a]


def test_zone_admin_creates_user_in_own_zone_and_sub_park(world):
    client = token_client(world.users["zone_admin"])
    response = client.post("/api/users/", user_payload(world, zones=[world.sub_a.pk]), format="json")
    assert response.status_code == 201, response.content
    user = User.objects.get(username="new_user")
    assert list(user.zones.all()) == [world.sub_a]
    assert user.check_password("a-long-pw-123")
    assert "password" not in response.json()


def test_users_filters_naming_other_zones_return_nothing_for_zone_admin(world):
    client = token_client(world.users["zone_admin"])
    for query in ({"search": "staff_b"}, {"search": "analyst"}, {"role": "city_admin"}):
        assert client.get("/api/users/", query).json()["count"] == 0


def test_city_admin_manages_every_user(world):
    response = token_client(world.users["city_admin"]).get("/api/users/", {"page_size": 100})
    assert response.json()["count"] == User.objects.count() == len(world.users)


def test_anonymous_gets_no_users(world):
    assert APIClient().get("/api/users/").status_code == 401


# --- the land ledger -----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ZONE_A_ROLES)
def test_land_ledger_counts_only_zone_a_parcels(world, role):
    client = token_client(world.users[role])
    data = client.get("/api/land-ledger/").json()
    assert data["parcels"] == 2  # zone A's parcel and its sub-park's
    assert {row["zone"] for row in data["by_zone"]} <= {world.zone_a.name, world.sub_a.name}
    for zone in (world.zone_b, world.sub_b):
        response = client.get("/api/land-ledger/", {"zone": zone.pk})
        assert response.status_code == 400
        assert world.zone_b.name not in response.content.decode()


@pytest.mark.parametrize("role", ZONE_A_ROLES)
def test_parcels_by_land_status_hold_only_zone_a(world, role):
    response = token_client(world.users[role]).get("/api/parcels/", {"status": "unknown"})
    ids = {row["id"] for row in results(response)}
    assert ids == {world.parcel_a.pk, world.parcel_sub_a.pk}


def test_land_ledger_counts_both_zones_for_a_city_analyst(world):
    assert token_client(world.users["city_analyst"]).get("/api/land-ledger/").json()["parcels"] == 4


def test_land_ledger_refuses_anonymous(world):
    assert APIClient().get("/api/land-ledger/").status_code in (401, 403)


# --- project stage changes -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ZONE_A_ROLES)
def test_advancing_a_zone_b_project_is_refused_and_records_nothing(world, role):
    client = token_client(world.users[role])
    for project in world.projects_b:
        events = project.events.count()
        response = client.post(
            f"/api/projects/{project.pk}/advance/", {"to_stage": "negotiating", "on": "2025-10-09"}, format="json"
        )
        assert response.status_code == (404 if role in EDITING_ROLES else 403), response.content
        admission = client.post(f"/api/projects/{project.pk}/admission/")
        assert admission.status_code == (404 if role in EDITING_ROLES else 403), admission.content
        assert client.get(f"/api/projects/{project.pk}/admission/").status_code == 404
        project.refresh_from_db()
        assert (project.stage, project.events.count(), project.admission_checks.count()) == ("lead", events, 0)


@pytest.mark.parametrize("role", sorted(EDITING_ROLES))
def test_zone_a_editors_advance_their_projects(world, role):
    project = world.projects_a[1]
    # A lead moves on only once screened (source, investor, industry, verified contact, capacity).
    Project.objects.filter(pk=project.pk).update(
        lead_source="推介会", investor="某光电", industry_code="3974", contact_verified=True, investor_capacity="strong"
    )
    response = token_client(world.users[role]).post(
        f"/api/projects/{project.pk}/advance/", {"to_stage": "negotiating", "on": "2025-10-09"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["stage"] == "negotiating"
    assert [e["to_stage"] for e in response.json()["events"]] == ["lead", "negotiating"]


@pytest.mark.parametrize("role", ZONE_A_ROLES)
def test_agreements_of_zone_b_projects_are_unreachable(world, role):
    client = token_client(world.users[role])
    for project in world.projects_b:
        Agreement.objects.create(project=project, tax_per_mu="20")
        url = f"/api/projects/{project.pk}/agreement/"
        assert client.get(url).status_code == 404
        response = client.put(url, {"tax_per_mu": "1"}, format="json")
        assert response.status_code == (404 if role in EDITING_ROLES else 403)
        assert str(Agreement.objects.get(project=project).tax_per_mu) == "20.0000"


# --- per-mu evaluation (read-only runs and results) ----------------------------------------------------


@pytest.fixture
def evaluation(world):
    """A city-wide run (both zones' results) and a run scoped to zone B."""
    from yuanqu.evaluation.services import preset_method, run_evaluation

    method = preset_method(name="huangyan-2022")
    city = run_evaluation(method=method, year=2024, user=None)
    only_b = run_evaluation(method=method, year=2024, user=None, zone_ids=[world.zone_b.pk])
    return city, only_b


@pytest.mark.parametrize("role", ZONE_A_ROLES)
def test_evaluation_runs_and_results_hold_only_zone_a(world, evaluation, role):
    from yuanqu.evaluation.models import EvaluationResult

    city, only_b = evaluation
    client = token_client(world.users[role])
    assert {row["id"] for row in results(client.get("/api/evaluation-runs/"))} == {city.pk}
    assert client.get(f"/api/evaluation-runs/{only_b.pk}/").status_code == 404
    response = client.get("/api/evaluation-results/", {"page_size": 100})
    assert {row["enterprise"] for row in results(response)} == {world.enterprise_a.pk, world.enterprise_sub_a.pk}
    assert response.json()["count"] == 2
    for result in EvaluationResult.objects.filter(zone__in=[world.zone_b, world.sub_b]):
        assert client.get(f"/api/evaluation-results/{result.pk}/").status_code == 404
    for query in ({"run": only_b.pk}, {"zone": world.zone_b.pk}, {"enterprise": world.enterprise_b.pk}):
        assert results(client.get("/api/evaluation-results/", query)) == []


def test_evaluation_results_of_both_zones_for_a_city_analyst(world, evaluation):
    city, only_b = evaluation
    client = token_client(world.users["city_analyst"])
    assert {row["id"] for row in results(client.get("/api/evaluation-runs/"))} == {city.pk, only_b.pk}
    assert client.get("/api/evaluation-results/", {"run": city.pk}).json()["count"] == 4


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_evaluation_runs_and_results_cannot_be_written(world, evaluation, method):
    city, _only_b = evaluation
    client = token_client(world.users["zone_staff"])
    url = f"/api/evaluation-runs/{city.pk}/" if method != "post" else "/api/evaluation-runs/"
    assert getattr(client, method)(url, {}, format="json").status_code == 405


def test_evaluation_methods_refuse_a_bad_method_with_its_line(world):
    client = token_client(world.users["zone_staff"])
    response = client.post(
        "/api/evaluation-methods/",
        {"name": "坏方法", "text": 'name = "x"\nyear = 2024\nbogus_field = 1\n', "format": "toml"},
        format="json",
    )
    assert response.status_code == 400
    assert "第 3 行（bogus_field）" in str(response.json())


# --- zone evaluation (methods and runs city-wide; results as far as the user may see them) ---------------------


@pytest.fixture
def zone_ranking(world):
    """The reference method on 2025: zone A ranked among provincial zones, zone B among national ones (their
    sub-parks' figures belong to them and are not ranked)."""
    from yuanqu.ranking.services import preset_zone_method, run_zone_evaluation

    return run_zone_evaluation(method=preset_zone_method(name="zones-reference"), year=2025, user=None)


@pytest.mark.parametrize("role", ZONE_A_ROLES)
def test_zone_evaluation_results_hold_only_zone_a(world, zone_ranking, role):
    from yuanqu.ranking.models import ZoneEvaluationResult

    client = token_client(world.users[role])
    assert [row["id"] for row in results(client.get("/api/zone-evaluation-runs/"))] == [zone_ranking.pk]
    response = client.get("/api/zone-evaluation-results/", {"page_size": 100})
    assert [(row["zone"], row["detailed"]) for row in results(response)] == [(world.zone_a.pk, True)]
    assert response.json()["count"] == 1
    b_result = ZoneEvaluationResult.objects.get(zone=world.zone_b)
    assert client.get(f"/api/zone-evaluation-results/{b_result.pk}/").status_code == 404
    for query in ({"zone": world.zone_b.pk}, {"zone": world.sub_b.pk}, {"group": "national"}, {"search": "乙"}):
        assert results(client.get("/api/zone-evaluation-results/", query)) == []
    assert world.zone_b.name not in response.content.decode()
    refused = client.post("/api/zone-evaluation-runs/", {"year": 2025, "preset": "zones-reference"}, format="json")
    assert refused.status_code == 403


@pytest.mark.parametrize("role", ZONE_A_ROLES)
def test_zone_evaluation_results_of_zone_b_by_name_total_and_rank_once_the_city_opens_them(world, zone_ranking, role):
    from yuanqu.ranking.services import set_others_visible

    set_others_visible(run=zone_ranking, visible=True, user=world.users["city_admin"])
    client = token_client(world.users[role])
    rows = {row["zone"]: row for row in results(client.get("/api/zone-evaluation-results/"))}
    assert set(rows) == {world.zone_a.pk, world.zone_b.pk}
    b = rows[world.zone_b.pk]
    assert (b["name"], b["rank"], b["detailed"], b["categories"], b["indicators"], b["reason_zh"]) == (
        world.zone_b.name,
        1,
        False,
        None,
        None,
        None,
    )
    assert rows[world.zone_a.pk]["categories"] is not None


def test_zone_evaluation_results_of_both_zones_for_a_city_analyst(world, zone_ranking):
    rows = results(token_client(world.users["city_analyst"]).get("/api/zone-evaluation-results/"))
    assert {(row["zone"], row["detailed"]) for row in rows} == {(world.zone_a.pk, True), (world.zone_b.pk, True)}


# --- the alert list and the monthly project statistics ----------------------------------------------------


@pytest.mark.parametrize("role", ZONE_A_ROLES)
def test_alerts_hold_only_zone_a_projects_and_refuse_zone_b(world, role):
    client = token_client(world.users[role])
    data = client.get("/api/alerts/").json()
    # The world's projects are leads since 2025-01-02: all stalled, those of A and its sub-park only.
    assert {row["project"] for row in data["results"]} == {p.pk for p in world.projects_a}
    assert data["count"] == sum(c["count"] for c in data["counts"]) == 2
    for zone in (world.zone_b, world.sub_b):
        response = client.get("/api/alerts/", {"zone": zone.pk})
        assert response.status_code == 400
        assert world.projects_b[0].name not in response.content.decode()
    assert {row["zone_name"] for row in client.get("/api/alerts/", {"zone": world.sub_a.pk}).json()["results"]} == {
        world.sub_a.name
    }


@pytest.mark.parametrize("role", ZONE_A_ROLES)
def test_project_statistics_count_only_zone_a_and_refuse_zone_b(world, role):
    for zone in (world.zone_a, world.zone_b):
        make_project(zone, f"{zone.name}签约项目", history=[("signed", dt.date(2025, 3, 3))], total_investment=20000)
    client = token_client(world.users[role])
    data = client.get("/api/project-statistics/", {"zone": world.zone_a.pk, "year": 2025, "month": 3}).json()
    signed = next(r for r in data["rows"] if r["stage"] == "signed" and r["size_class"] is None)
    assert (data["zone_name"], signed["month_count"], signed["month_investment"]) == (
        world.zone_a.name,
        1,
        "20000.0000",
    )
    for zone in (world.zone_b, world.sub_b):
        response = client.get("/api/project-statistics/", {"zone": zone.pk, "year": 2025, "month": 3})
        assert response.status_code == 400
        assert world.zone_b.name not in response.content.decode()


# --- industry chains: a chain is seen through any zone it serves; its coverage counts only the user's firms ---


@pytest.fixture
def chains(world):
    from yuanqu.chains.models import TargetFirm
    from yuanqu.chains.testing import make_chain, make_node

    chain_a = make_chain([world.zone_a], "甲产业链")
    chain_b = make_chain([world.zone_b], "乙产业链")
    shared = make_chain([world.zone_a, world.zone_b], "共享产业链")
    nodes = {
        "a": make_node(chain_a, "A1", industry_codes=world.enterprise_a.industry_code),
        "b": make_node(chain_b, "B1", industry_codes=world.enterprise_b.industry_code),
        "shared": make_node(shared, "S1", industry_codes=world.enterprise_a.industry_code),
    }
    targets = {
        "a": TargetFirm.objects.create(node=nodes["shared"], zone=world.zone_a, name="甲目标企业"),
        "b": TargetFirm.objects.create(node=nodes["shared"], zone=world.zone_b, name="乙目标企业"),
    }
    return {"a": chain_a, "b": chain_b, "shared": shared, "nodes": nodes, "targets": targets}


@pytest.mark.parametrize("role", ZONE_A_ROLES)
def test_chains_links_and_targets_hold_only_what_zone_a_sees(world, chains, role):
    client = token_client(world.users[role])
    ids = {row["id"] for row in results(client.get("/api/chains/", {"page_size": 100}))}
    assert ids == {chains["a"].pk, chains["shared"].pk}
    shared = client.get(f"/api/chains/{chains['shared'].pk}/").json()
    assert shared["zones"] == [world.zone_a.pk]  # zone B is not named to A's users
    assert client.get(f"/api/chains/{chains['b'].pk}/").status_code == 404
    assert client.get(f"/api/chains/{chains['b'].pk}/coverage/").status_code == 404
    links = {row["id"] for row in results(client.get("/api/chain-links/", {"page_size": 100}))}
    assert links == {chains["nodes"]["a"].pk, chains["nodes"]["shared"].pk}
    assert client.get(f"/api/chain-links/{chains['nodes']['b'].pk}/").status_code == 404
    targets = {row["id"] for row in results(client.get("/api/chain-targets/", {"page_size": 100}))}
    assert targets == {chains["targets"]["a"].pk}
    assert client.get(f"/api/chain-targets/{chains['targets']['b'].pk}/").status_code == 404
    assert results(client.get("/api/chain-targets/", {"zone": world.zone_b.pk})) == []
    assert results(client.get("/api/chains/", {"zone": world.zone_b.pk})) == []


@pytest.mark.parametrize("role", ZONE_A_ROLES)
def test_coverage_of_a_shared_chain_counts_only_zone_a_firms(world, chains, role):
    body = token_client(world.users[role]).get(f"/api/chains/{chains['shared'].pk}/coverage/").json()
    (link,) = body["links"]
    assert world.enterprise_a.pk in link["enterprises"]
    assert world.enterprise_b.pk not in link["enterprises"]
    assert world.enterprise_sub_b.pk not in link["enterprises"]


@pytest.mark.parametrize("role", sorted(EDITING_ROLES))
def test_zone_a_editors_cannot_change_shared_or_zone_b_chains(world, chains, role):
    from yuanqu.chains.models import Chain, ChainNode, TargetFirm

    client = token_client(world.users[role])
    assert client.patch(f"/api/chains/{chains['shared'].pk}/", {"owner": "改"}, format="json").status_code == 403
    assert client.patch(f"/api/chains/{chains['b'].pk}/", {"owner": "改"}, format="json").status_code == 404
    assert client.patch(f"/api/chains/{chains['a'].pk}/", {"owner": "甲链长"}, format="json").status_code == 200
    created = client.post(
        "/api/chains/", {"name": "越界产业链", "zones": [world.zone_b.pk], "weak_below": 2}, format="json"
    )
    assert created.status_code == 400
    assert not Chain.objects.filter(name="越界产业链").exists()
    node = client.post("/api/chain-links/", {"chain": chains["b"].pk, "code": "X", "name": "越界"}, format="json")
    assert node.status_code == 400
    assert not ChainNode.objects.filter(code="X").exists()
    target = client.post(
        "/api/chain-targets/",
        {"node": chains["nodes"]["shared"].pk, "zone": world.zone_b.pk, "name": "越界目标"},
        format="json",
    )
    assert target.status_code == 400
    assert not TargetFirm.objects.filter(name="越界目标").exists()
    assert Chain.objects.get(pk=chains["shared"].pk).owner == ""


# --- enterprise service: requests (with their steps), visits, linked officials, plans and their measures ----------


@pytest.fixture
def service(world):
    """In each zone and sub-park: a request, a visit, a link, a plan with one measure."""
    from yuanqu.service.models import EnterprisePlan, PlanMeasure
    from yuanqu.service.testing import link, make_request, make_visit

    made = {"a": {}, "b": {}}
    pairs = (("a", world.enterprise_a, "zone_staff"), ("a", world.enterprise_sub_a, "zone_staff"))
    pairs += (("b", world.enterprise_b, "staff_b"), ("b", world.enterprise_sub_b, "staff_b"))
    for side, enterprise, user in pairs:
        plan = EnterprisePlan.objects.create(enterprise=enterprise, year=2026)
        objects = {
            "service-requests": make_request(enterprise, received_on=dt.date(2026, 3, 2)),
            "service-visits": make_visit(enterprise, visited_on=dt.date(2026, 3, 1), findings="纪要"),
            "service-officials": link(enterprise, world.users[user]),
            "service-plans": plan,
            "service-plan-measures": PlanMeasure.objects.create(
                plan=plan, content="措施", owner="某局", due_on=dt.date(2026, 9, 1)
            ),
        }
        for key, obj in objects.items():
            made[side].setdefault(key, []).append(obj)
    return made


SERVICE_ENDPOINTS = [
    "service-requests",
    "service-visits",
    "service-officials",
    "service-plans",
    "service-plan-measures",
]


@pytest.mark.parametrize("name", SERVICE_ENDPOINTS)
@pytest.mark.parametrize("role", ZONE_A_ROLES)
def test_service_endpoints_list_only_zone_a_and_404_zone_b(world, service, name, role):
    client = token_client(world.users[role])
    response = client.get(f"/api/{name}/", {"page_size": 100})
    assert {row["id"] for row in results(response)} == {obj.pk for obj in service["a"][name]}
    assert response.json()["count"] == 2
    for obj in service["b"][name]:
        assert client.get(f"/api/{name}/{obj.pk}/").status_code == 404
        # Editors are told it does not exist; the read-only leader may not write at all.
        assert client.delete(f"/api/{name}/{obj.pk}/").status_code == (404 if role in EDITING_ROLES else 403)
        assert type(obj).objects.filter(pk=obj.pk).exists()


@pytest.mark.parametrize(
    ("name", "query"),
    [
        ("service-requests", lambda w: {"zone": w.zone_b.pk}),
        ("service-requests", lambda w: {"enterprise": w.enterprise_b.pk}),
        ("service-requests", lambda w: {"q": "乙"}),
        ("service-visits", lambda w: {"zone": w.sub_b.pk}),
        ("service-visits", lambda w: {"enterprise": w.enterprise_b.pk}),
        ("service-officials", lambda w: {"enterprise": w.enterprise_b.pk}),
        ("service-plans", lambda w: {"enterprise": w.enterprise_sub_b.pk}),
    ],
)
def test_service_filters_naming_zone_b_find_nothing(world, service, name, query):
    response = token_client(world.users["zone_staff"]).get(f"/api/{name}/", query(world))
    assert response.status_code == 200
    assert results(response) == []
    assert results(token_client(world.users["city_analyst"]).get(f"/api/{name}/", query(world))) != []


def test_service_writes_pointing_at_zone_b_are_refused(world, service):
    client = token_client(world.users["zone_staff"])
    from yuanqu.service.models import EnterpriseOfficial, ServiceRequest

    before = (ServiceRequest.objects.count(), EnterpriseOfficial.objects.count())
    response = client.post(
        "/api/service-requests/",
        {"enterprise": world.enterprise_b.pk, "category": "land", "content": "x", "received_on": "2026-03-02"},
        format="json",
    )
    assert response.status_code == 400
    request_b = service["b"]["service-requests"][0]
    response = client.post(f"/api/service-requests/{request_b.pk}/steps/", {"action": "dispatch", "unit": "x"})
    assert response.status_code == 404
    request_b.refresh_from_db()
    assert (request_b.state, request_b.steps.count()) == ("accepted", 1)
    # A visit or link in zone A naming a person of zone B only.
    response = client.post(
        "/api/service-officials/",
        {"enterprise": world.enterprise_a.pk, "official": world.users["staff_b"].pk},
        format="json",
    )
    assert response.status_code == 400
    assert (ServiceRequest.objects.count(), EnterpriseOfficial.objects.count()) == before


def test_zone_a_staff_take_the_loop_through_the_api(world, service):
    client = token_client(world.users["zone_staff"])
    request_a = service["a"]["service-requests"][0]
    response = client.post(f"/api/service-requests/{request_a.pk}/steps/", {"action": "dispatch", "unit": "人社局"})
    assert response.status_code == 200
    assert (response.json()["state"], response.json()["unit"]) == ("dispatched", "人社局")
    response = client.post(f"/api/service-requests/{request_a.pk}/steps/", {"action": "close"})
    assert response.status_code == 400
    assert (
        token_client(world.users["leader"])
        .post(f"/api/service-requests/{request_a.pk}/steps/", {"action": "handle"})
        .status_code
        == 403
    )


@pytest.mark.parametrize("role", ZONE_A_ROLES)
def test_jobs_endpoint_holds_only_zone_a_jobs(world, role):
    from yuanqu.core.jobs.models import Job

    jobs = {
        zone.pk: Job.objects.create(kind="import", label=f"导入：{zone.name}", zone=zone)
        for zone in (world.zone_a, world.sub_a, world.zone_b, world.sub_b)
    }
    client = token_client(world.users[role])
    response = client.get("/api/jobs/", {"page_size": 100})
    assert response.status_code == 200
    assert {row["id"] for row in results(response)} == {jobs[world.zone_a.pk].pk, jobs[world.sub_a.pk].pk}
    assert response.json()["count"] == 2
    for zone in (world.zone_b, world.sub_b):
        job = jobs[zone.pk]
        assert client.get(f"/api/jobs/{job.pk}/").status_code == 404
        assert client.post(f"/api/jobs/{job.pk}/cancel/").status_code == 404
        job.refresh_from_db()
        assert (job.state, job.cancel_requested) == ("queued", False)
    everything = token_client(world.users["city_analyst"]).get("/api/jobs/", {"page_size": 100})
    assert {row["id"] for row in results(everything)} == {job.pk for job in jobs.values()}


# Endpoints that hold nothing of any zone: the city's own tables, the same for every user.
CITY_WIDE = {
    "/api/deadline-rules/": "the working-day deadlines between stages, set by the city",
    "/api/peer-zones/": "zones outside the platform, ranked as peers",
    "/api/service-categories/": "the code table of request categories",
    "/api/zone-evaluation-methods/": "the zone-evaluation methods",
}


def _api_lists() -> set[str]:
    """The list URL of every API viewset in the URL map."""
    return {
        route
        for route, view in url_routes()
        if getattr(view, "actions", {}).get("get") == "list" and "format" not in route
    }


def test_every_api_list_is_in_the_matrix_or_holds_nothing_of_a_zone():
    # A new endpoint needs its row here (docs/development.md, "add a domain app"): the matrix names its URL.
    from pathlib import Path

    named = set(re.findall(r"/api/[a-z0-9-]+/", Path(__file__).read_text(encoding="utf-8")))
    named |= {f"/api/{name}/" for name in SERVICE_ENDPOINTS}
    lists = _api_lists()
    assert "/api/parcels/" in lists and "/api/service-plans/" in lists  # the control: the walk finds them
    assert sorted(lists - named - set(CITY_WIDE)) == []
    assert sorted(set(CITY_WIDE) - lists) == []  # no stale exemption
