"""Who may create, reshape and delete zones."""

import pytest
from django.core.exceptions import PermissionDenied

from yuanqu.accounts.testing import make_user
from yuanqu.core.access import Role
from yuanqu.core.models import ChangeLogEntry
from yuanqu.zones.models import Zone
from yuanqu.zones.services import delete_zone, save_zone
from yuanqu.zones.testing import make_zone


def test_zone_staff_cannot_delete_its_own_top_level_zone(zone_a, user_a):
    with pytest.raises(PermissionDenied):
        delete_zone(zone=zone_a, user=user_a)
    assert Zone.objects.filter(pk=zone_a.pk).exists()


def test_zone_admin_deletes_an_empty_sub_park_of_its_zone(zone_a, admin_a):
    sub = make_zone("甲园区二期", parent=zone_a)
    sub_id = sub.pk
    delete_zone(zone=sub, user=admin_a)
    assert not Zone.objects.filter(pk=sub_id).exists()
    entry = ChangeLogEntry.objects.get(object_id=str(sub_id), action="delete", content_type__model="zone")
    assert entry.zone_id == sub_id  # kept although the zone is gone, so the entry stays restricted


def test_zone_admin_cannot_turn_a_sub_park_into_a_top_level_zone(zone_a, admin_a):
    sub = make_zone("甲园区三期", parent=zone_a)
    sub.parent = None
    with pytest.raises(PermissionDenied):
        save_zone(zone=sub, user=admin_a)
    sub.refresh_from_db()
    assert sub.parent_id == zone_a.pk


def test_zone_admin_adds_a_sub_park_but_not_a_top_level_zone(zone_a, zone_b, admin_a):
    save_zone(zone=Zone(name="甲园区光电产业园", parent=zone_a), user=admin_a)
    assert Zone.objects.get(name="甲园区光电产业园").parent_id == zone_a.pk
    with pytest.raises(PermissionDenied):
        save_zone(zone=Zone(name="丙园区"), user=admin_a)
    with pytest.raises(PermissionDenied):
        save_zone(zone=Zone(name="乙园区分园", parent=zone_b), user=admin_a)


def test_changing_a_users_zones_is_logged_with_before_and_after(zone_a, zone_b, city_admin):
    user = make_user("wang", Role.ZONE_STAFF, zones=[zone_a])
    user.zones.add(zone_b)
    entry = ChangeLogEntry.objects.filter(object_id=str(user.pk), content_type__model="user").latest("id")
    assert entry.before == {"zones": [zone_a.pk]}
    assert entry.after == {"zones": sorted([zone_a.pk, zone_b.pk])}
