"""`yuanqu createuser` and `yuanqu token`."""

import pytest
from django.core.management import CommandError, call_command
from rest_framework.authtoken.models import Token

from yuanqu.accounts.models import User
from yuanqu.core.access import Role
from yuanqu.core.models import ChangeLogEntry


def run(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_createuser_with_zone_code_and_name_and_generated_password(zone_a, zone_b):
    output = run("createuser", "wang", "--role", "zone_staff", "--zone", "A001", "--zone", "乙高新技术产业开发区")
    user = User.objects.get(username="wang")
    assert user.role == Role.ZONE_STAFF
    assert set(user.zones.all()) == {zone_a, zone_b}
    assert "created user wang" in output
    password = output.split("password: ")[1].strip()
    assert user.check_password(password)
    entry = ChangeLogEntry.objects.get(object_id=str(user.pk), content_type__model="user", action="create")
    assert entry.source == "cli"


def test_createuser_updates_existing_user_without_printing_a_password(zone_a):
    run("createuser", "li", "--role", "zone_staff", "--zone", "A001", "--password", "first-password-1")
    output = run("createuser", "li", "--role", "zone_admin", "--email", "li@example.org", "--staff")
    user = User.objects.get(username="li")
    assert (user.role, user.email, user.is_staff) == (Role.ZONE_ADMIN, "li@example.org", True)
    assert list(user.zones.all()) == [zone_a]
    assert user.check_password("first-password-1")
    assert "updated user li" in output
    assert "password" not in output


def test_createuser_city_analyst_needs_no_zone(db):
    run("createuser", "zhao", "--role", "city_analyst", "--password", "long-enough-1")
    assert User.objects.get(username="zhao").role == Role.CITY_ANALYST


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--role", "mayor"], ["未知角色 mayor", "unknown role mayor"]),
        (["--role", "zone_staff", "--zone", "Z999"], ["未知园区", "unknown zone 'Z999'"]),
        (["--role", "zone_staff"], ["必须绑定至少一个园区", "needs at least one zone"]),
        (["--role", "zone_admin", "--zone", "A001", "--password", "short"], ["short"]),
    ],
    ids=["unknown role", "unknown zone", "zone role without zone", "short password"],
)
def test_createuser_refuses_bad_input_with_bilingual_message(zone_a, args, words):
    with pytest.raises(CommandError) as info:
        run("createuser", "bad", *args)
    for word in words:
        assert word in str(info.value)
    assert not User.objects.filter(username="bad").exists()


def test_token_prints_the_users_token_and_reset_replaces_it(user_a):
    first = run("token", "staff_a").strip()
    assert first == Token.objects.get(user=user_a).key
    assert run("token", "staff_a").strip() == first
    second = run("token", "staff_a", "--reset").strip()
    assert second != first
    assert Token.objects.get(user=user_a).key == second


def test_token_for_unknown_user_fails(db):
    with pytest.raises(CommandError) as info:
        run("token", "nobody")
    assert "no user nobody" in str(info.value)
