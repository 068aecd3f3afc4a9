"""Zone restriction and the change log, at the model and service level."""

import pytest
from django.core.exceptions import PermissionDenied

from yuanqu.accounts.testing import make_user
from yuanqu.core.access import Role, editable_zone_ids, is_city_admin, is_city_user, is_zone_admin, visible_zone_ids
from yuanqu.core.changelog import acting
from yuanqu.core.models import ChangeLogEntry
from yuanqu.enterprises.models import Enterprise
from yuanqu.enterprises.services import save_enterprise
from yuanqu.zones.models import Zone
from yuanqu.zones.testing import make_zone


def test_zone_user_sees_own_zone_and_its_sub_parks_only(zone_a, zone_b, user_a):
    sub = make_zone("甲园区光电产业园", parent=zone_a)
    subsub = make_zone("甲园区光电产业园一期", parent=sub)
    assert visible_zone_ids(user_a) == {zone_a.pk, sub.pk, subsub.pk}
    assert set(Zone.objects.restrict(user_a)) == {zone_a, sub, subsub}


def test_city_analyst_reads_everything_but_edits_nothing(zone_a, zone_b, analyst):
    assert visible_zone_ids(analyst) is None
    assert editable_zone_ids(analyst) == frozenset()


def test_the_role_words_of_the_vocabulary(zone_a):
    users = {role: make_user(f"u_{role}", role, zones=[zone_a] if role != Role.CITY_ADMIN else []) for role in Role}
    boss = make_user("boss", Role.ZONE_STAFF, is_superuser=True)
    gone = make_user("gone", Role.CITY_ANALYST, is_active=False)
    assert [role for role, user in users.items() if is_city_admin(user)] == [Role.CITY_ADMIN]
    assert sorted(role for role, user in users.items() if is_city_user(user)) == sorted(
        [Role.CITY_ADMIN, Role.CITY_ANALYST]
    )
    assert [role for role, user in users.items() if is_zone_admin(user)] == [Role.ZONE_ADMIN]
    assert (is_city_admin(boss), is_city_user(boss), is_zone_admin(boss)) == (True, True, False)
    assert (is_city_user(gone), is_city_user(None)) == (False, False)


def test_leader_bound_to_a_zone_sees_only_that_zone(zone_a, zone_b):
    leader = make_user("leader_a", Role.LEADER, zones=[zone_a])
    assert visible_zone_ids(leader) == {zone_a.pk}
    assert editable_zone_ids(leader) == frozenset()


def test_enterprises_restricted_to_users_zone(enterprise_a, enterprise_b, user_a, user_b, city_admin):
    assert list(Enterprise.objects.restrict(user_a)) == [enterprise_a]
    assert list(Enterprise.objects.restrict(user_b)) == [enterprise_b]
    assert Enterprise.objects.restrict(city_admin).count() == 2


def test_service_refuses_to_move_enterprise_into_another_zone(enterprise_a, zone_b, user_a):
    enterprise_a.zone = zone_b
    with pytest.raises(PermissionDenied):
        save_enterprise(enterprise=enterprise_a, user=user_a)


def test_change_log_records_create_update_delete_with_user_source_before_after(zone_a, user_a, enterprise_a):
    with acting(source="page", user=user_a):
        enterprise_a.name = "甲精密机械股份有限公司"
        save_enterprise(enterprise=enterprise_a, user=user_a)
    entry = ChangeLogEntry.objects.get(
        content_type__model="enterprise", object_id=str(enterprise_a.pk), action="update"
    )
    assert entry.user == user_a
    assert entry.source == "page"
    assert entry.zone_id == zone_a.pk
    assert entry.before["name"] == "甲精密机械有限公司"
    assert entry.after["name"] == "甲精密机械股份有限公司"
    assert entry.changed_fields == ["name"]

    pk = enterprise_a.pk
    enterprise_a.delete()
    deleted = ChangeLogEntry.objects.get(content_type__model="enterprise", object_id=str(pk), action="delete")
    assert deleted.source == "cli"
    assert deleted.after is None
    assert deleted.before["uscc"] == enterprise_a.uscc
    assert deleted.zone_id == zone_a.pk


def test_change_log_entries_restricted_like_their_objects(enterprise_a, enterprise_b, user_a):
    visible = ChangeLogEntry.objects.restrict(user_a)
    assert {e.object_id for e in visible if e.content_type.model == "enterprise"} == {str(enterprise_a.pk)}


def test_invalid_uscc_refused_with_reason_in_both_languages(zone_a, city_admin):
    from django.core.exceptions import ValidationError

    enterprise = Enterprise(uscc="91320500MA1XXXXXX1", name="坏代码公司", zone=zone_a)
    with pytest.raises(ValidationError) as info:
        save_enterprise(enterprise=enterprise, user=city_admin, industry_code="C3981")
    assert "校验位错误" in str(info.value)
    assert "check character" in str(info.value)


def test_industry_code_sets_section_and_division(zone_a, city_admin):
    from yuanqu.enterprises.testing import make_uscc

    enterprise = Enterprise(uscc=make_uscc(4242), name="电子公司", zone=zone_a)
    save_enterprise(enterprise=enterprise, user=city_admin, industry_code="c3981")
    enterprise.refresh_from_db()
    assert (enterprise.industry_code, enterprise.industry_section, enterprise.industry_division) == ("3981", "C", "39")
    assert enterprise.industry_label == "C3981 计算机、通信和其他电子设备制造业"
