"""Who may manage whom, creating and updating users, API tokens."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from yuanqu.accounts.models import User
from yuanqu.accounts.services import (
    api_token,
    can_manage_user,
    create_or_update_user,
    delete_user,
    find_zone,
    manageable_users,
)
from yuanqu.accounts.testing import make_user
from yuanqu.core.access import Role
from yuanqu.core.changelog import acting
from yuanqu.core.models import ChangeLogEntry
from yuanqu.zones.testing import make_zone


@pytest.fixture
def people(zone_a, zone_b, user_a, admin_a, user_b, city_admin, analyst):
    sub_a = make_zone("甲园区分园", parent=zone_a)
    return {
        "staff_a": user_a,
        "admin_a": admin_a,
        "staff_b": user_b,
        "city": city_admin,
        "analyst": analyst,
        "leader_a": make_user("leader_a", Role.LEADER, zones=[zone_a]),
        "staff_sub_a": make_user("staff_sub_a", Role.ZONE_STAFF, zones=[sub_a]),
        "staff_ab": make_user("staff_ab", Role.ZONE_STAFF, zones=[zone_a, zone_b]),
        "city_leader": make_user("city_leader", Role.LEADER),
        "staff_a_admin_site": make_user("staff_a_site", Role.ZONE_STAFF, zones=[zone_a], is_staff=True),
    }


def names(queryset) -> set[str]:
    return set(queryset.values_list("username", flat=True))


def test_city_admin_manages_everyone(people):
    assert names(manageable_users(people["city"])) == names(User.objects.all())


def test_zone_admin_manages_only_users_bound_solely_to_its_zones_with_zone_roles(people):
    assert names(manageable_users(people["admin_a"])) == {"staff_a", "admin_a", "leader_a", "staff_sub_a"}


@pytest.mark.parametrize("who", ["staff_a", "leader_a", "analyst", "city_leader"])
def test_other_roles_manage_nobody(people, who):
    assert not manageable_users(people[who]).exists()


def test_zone_admin_cannot_manage_user_also_bound_to_zone_b(people):
    assert not can_manage_user(acting_user=people["admin_a"], user=people["staff_ab"])
    with pytest.raises(PermissionDenied):
        create_or_update_user(username="staff_ab", role="zone_staff", acting_user=people["admin_a"])


def test_zone_admin_creates_leader_of_own_zone(people, zone_a):
    user = create_or_update_user(
        username="new_leader", role="leader", zones=[zone_a], password="long-enough-1", acting_user=people["admin_a"]
    )
    assert user.role == Role.LEADER
    assert list(user.zones.all()) == [zone_a]
    assert user.check_password("long-enough-1")


@pytest.mark.parametrize(
    ("role", "zones", "error"),
    [
        ("city_analyst", "A", PermissionDenied),
        ("city_admin", "A", PermissionDenied),
        ("zone_staff", "B", PermissionDenied),
        ("zone_staff", "AB", PermissionDenied),
        ("leader", "", PermissionDenied),  # a leader without zone would see the whole city
        ("zone_staff", "", ValidationError),
    ],
)
def test_zone_admin_refused_beyond_its_powers(people, zone_a, zone_b, role, zones, error):
    chosen = {"A": [zone_a], "B": [zone_b], "AB": [zone_a, zone_b], "": []}[zones]
    with pytest.raises(error):
        create_or_update_user(
            username="x_user", role=role, zones=chosen, password="long-enough-1", acting_user=people["admin_a"]
        )
    assert not User.objects.filter(username="x_user").exists()


def test_zone_staff_cannot_manage_users(people, zone_a):
    with pytest.raises(PermissionDenied):
        create_or_update_user(username="x_user", role="zone_staff", zones=[zone_a], acting_user=people["staff_a"])


def test_zone_role_without_zone_refused_even_for_the_system(db):
    with pytest.raises(ValidationError) as info:
        create_or_update_user(username="lonely", role="zone_admin", zones=[], password="long-enough-1")
    assert "needs at least one zone" in str(info.value)


def test_unknown_role_refused_naming_the_roles(db):
    with pytest.raises(ValidationError) as info:
        create_or_update_user(username="x", role="mayor", zones=[])
    assert "未知角色 mayor" in str(info.value) and "unknown role mayor" in str(info.value)
    assert "city_admin" in str(info.value)


def test_short_password_refused(zone_a):
    with pytest.raises(ValidationError):
        create_or_update_user(username="x", role="zone_staff", zones=[zone_a], password="short")
    assert not User.objects.filter(username="x").exists()


def test_update_keeps_zones_and_password_when_not_given(people, zone_a):
    user = create_or_update_user(username="staff_a", role="zone_admin")
    assert user.role == Role.ZONE_ADMIN
    assert list(user.zones.all()) == [zone_a]
    assert user.check_password("yuanqu-test-pw")


def test_user_creation_is_logged_with_source_and_without_password(zone_a):
    with acting(source="cli"):
        user = create_or_update_user(username="logged", role="zone_staff", zones=[zone_a], password="long-enough-1")
    entry = ChangeLogEntry.objects.get(object_id=str(user.pk), content_type__model="user", action="create")
    assert entry.source == "cli"
    assert entry.after["username"] == "logged"
    assert entry.after["role"] == "zone_staff"
    assert "password" not in entry.after


def test_nobody_deletes_their_own_account(people):
    with pytest.raises(PermissionDenied):
        delete_user(user=people["admin_a"], acting_user=people["admin_a"])
    delete_user(user=people["staff_a"], acting_user=people["admin_a"])
    assert not User.objects.filter(username="staff_a").exists()


def test_zone_found_by_code_or_name(zone_a):
    assert find_zone("A001") == zone_a
    assert find_zone(" 甲经济开发区 ") == zone_a
    with pytest.raises(ValidationError) as info:
        find_zone("Z999")
    assert "unknown zone 'Z999'" in str(info.value)


def test_api_token_is_stable_until_reset(user_a):
    first = api_token(user=user_a)
    assert len(first) == 40
    assert api_token(user=user_a) == first
    second = api_token(user=user_a, reset=True)
    assert second != first
    assert api_token(user=user_a) == second
