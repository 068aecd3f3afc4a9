"""Creating and changing users, binding them to zones, issuing API tokens, and who may manage whom.

The rule: a city administrator manages everyone; a zone administrator manages only users bound solely
to its own zones (sub-parks included) with a zone role (zone_staff, zone_admin, leader); nobody else
manages users. Pages, the API and the command line all go through these functions.
"""

from __future__ import annotations

import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import translation
from rest_framework.authtoken.models import Token

from yuanqu.accounts.models import User
from yuanqu.core.access import ZONE_ROLES, Role, editable_zone_ids, forget_zone_cache, is_city_admin, is_zone_admin
from yuanqu.zones.models import Zone

# The roles a zone administrator may hold and hand out, always bound to its own zones.
ZONE_BOUND_ROLES = frozenset({Role.ZONE_ADMIN, Role.ZONE_STAFF, Role.LEADER})


def role_choices_text() -> str:
    return ", ".join(Role.values)


def check_role(role: str) -> Role:
    """The role, or a ValidationError naming the roles there are."""
    try:
        return Role(role)
    except ValueError:
        raise ValidationError(
            {
                "role": f"未知角色 {role}（可选：{role_choices_text()}） / unknown role {role} (one of: {role_choices_text()})"
            }
        ) from None


def manageable_users(acting_user) -> QuerySet[User]:
    """The users ``acting_user`` may create, change or delete (None is the system: everyone)."""
    users = User.objects.all()
    if acting_user is None:
        return users
    if not getattr(acting_user, "is_authenticated", False) or not acting_user.is_active:
        return users.none()
    if is_city_admin(acting_user):
        return users
    if not is_zone_admin(acting_user):
        return users.none()
    own = editable_zone_ids(acting_user) or frozenset()
    bindings = User.zones.through.objects.filter(user=OuterRef("pk"))
    return users.filter(
        Exists(bindings),  # a user bound to no zone is city-wide, so not a zone administrator's to manage
        role__in=ZONE_BOUND_ROLES,
        is_superuser=False,
        is_staff=False,
    ).exclude(Exists(bindings.exclude(zone_id__in=own)))


def can_manage_user(*, acting_user, user: User) -> bool:
    """Whether ``acting_user`` may change or delete ``user``."""
    return manageable_users(acting_user).filter(pk=user.pk).exists()


def check_assignment(*, acting_user, role: str, zones, is_staff: bool = False, is_superuser: bool = False) -> None:
    """Refuse a role and zone binding the rules do not allow, or that ``acting_user`` may not hand out."""
    role = check_role(role)
    zone_ids = {zone.pk for zone in zones}
    if role in ZONE_ROLES and not zone_ids:
        raise ValidationError({"zones": f"角色 {role} 必须绑定至少一个园区 / the role {role} needs at least one zone"})
    if acting_user is None or is_city_admin(acting_user):
        return
    if not is_zone_admin(acting_user):
        raise PermissionDenied("无权管理用户 / not allowed to manage users")
    if role not in ZONE_BOUND_ROLES or is_staff or is_superuser:
        raise PermissionDenied(
            f"园区管理员只能授予园区角色（{', '.join(sorted(ZONE_BOUND_ROLES))}） / "
            f"a zone administrator grants zone roles only ({', '.join(sorted(ZONE_BOUND_ROLES))})"
        )
    own = editable_zone_ids(acting_user) or frozenset()
    if not zone_ids:
        raise PermissionDenied("用户必须绑定到您的园区 / the user must be bound to your zones")
    if not zone_ids <= own:
        raise PermissionDenied("只能绑定到您自己的园区 / you can bind users to your own zones only")


def save_user(*, user: User, zones=None, password: str | None = None, acting_user=None) -> User:
    """Validate and save a user whose fields (role, email, is_staff …) are already set.

    ``zones`` replaces the zone binding (None keeps it); ``password`` sets a new password (None or blank
    keeps the old one; a new user without one cannot log in until a password is set). ``acting_user`` None is the system itself.
    """
    if user.pk is not None and acting_user is not None and not can_manage_user(acting_user=acting_user, user=user):
        raise PermissionDenied(f"无权管理用户 {user.username} / not allowed to manage user {user.username}")
    if zones is None:
        zones = list(user.zones.all()) if user.pk is not None else []
    zones = list(zones)
    check_assignment(
        acting_user=acting_user, role=user.role, zones=zones, is_staff=user.is_staff, is_superuser=user.is_superuser
    )
    if password:
        problems = password_problems(password, user)
        if problems:
            raise ValidationError({"password": problems})
        user.set_password(password)
    elif user.pk is None:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    user.zones.set(zones)
    forget_zone_cache(user)
    return user


def password_problems(password: str, user: User | None = None) -> str:
    """Why the password rules (``AUTH_PASSWORD_VALIDATORS``) refuse this password, in Chinese and in English;
    empty when they accept it."""
    reasons = {}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            try:
                validate_password(password, user)
            except ValidationError as exc:
                reasons[language] = " ".join(str(message) for message in exc.messages)
    if not reasons:
        return ""
    return f"密码不符合要求：{reasons['zh-hans']} / password rejected: {reasons['en']}"


def create_or_update_user(
    *,
    username: str,
    role: str,
    zones=None,
    password: str | None = None,
    acting_user=None,
    email: str | None = None,
    is_staff: bool | None = None,
) -> User:
    """Create the user, or update the one with this username: role, zones (None keeps them), password.

    Checks that ``acting_user`` may manage the user and hand out this role and these zones.
    """
    user = User.objects.filter(username=username).first() or User(username=username)
    user.role = check_role(role)
    if email is not None:
        user.email = email
    if is_staff is not None:
        user.is_staff = is_staff
    return save_user(user=user, zones=zones, password=password, acting_user=acting_user)


def delete_user(*, user: User, acting_user) -> None:
    """Delete a user ``acting_user`` may manage; nobody deletes their own account."""
    if acting_user is not None and acting_user.pk == user.pk:
        raise PermissionDenied("不能删除自己的账号 / you cannot delete your own account")
    if acting_user is not None and not can_manage_user(acting_user=acting_user, user=user):
        raise PermissionDenied(f"无权管理用户 {user.username} / not allowed to manage user {user.username}")
    user.delete()


def generate_password() -> str:
    """A random password that satisfies the password rules."""
    return secrets.token_urlsafe(12)


def find_zone(text: str) -> Zone:
    """The zone with this catalogue code or name (short name as a last resort), or a ValidationError."""
    text = text.strip()
    for lookup in ("code", "name", "short_name"):
        matches = list(Zone.objects.filter(**{lookup: text})[:2]) if text else []
        if len(matches) == 1:
            return matches[0]
    raise ValidationError(f"未知园区 {text!r}（请给出园区代码或名称） / unknown zone {text!r} (give its code or name)")


def api_token(*, user: User, reset: bool = False) -> str:
    """The user's API token key, created when absent; ``reset`` replaces it (the old one stops working)."""
    if reset:
        Token.objects.filter(user=user).delete()
    token, _ = Token.objects.get_or_create(user=user)
    return token.key
