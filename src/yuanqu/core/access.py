"""Roles and the zones a user may see or edit; every restricted query starts here."""

from __future__ import annotations

import hashlib

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from yuanqu.core.readings import read_once


class Role(models.TextChoices):
    CITY_ADMIN = "city_admin", _("市级管理员")
    CITY_ANALYST = "city_analyst", _("市级分析员")
    ZONE_ADMIN = "zone_admin", _("园区管理员")
    ZONE_STAFF = "zone_staff", _("园区工作人员")
    LEADER = "leader", _("领导")


CITY_ROLES = frozenset({Role.CITY_ADMIN, Role.CITY_ANALYST})
ZONE_ROLES = frozenset({Role.ZONE_ADMIN, Role.ZONE_STAFF})
EDITING_ROLES = frozenset({Role.CITY_ADMIN, Role.ZONE_ADMIN, Role.ZONE_STAFF})

_CACHE_ATTR = "_yuanqu_zone_ids"


def get_zone_model():
    """The model of the zones every record belongs to (``settings.YUANQU_ZONE_MODEL``), as Django's
    ``get_user_model`` gives the user model: core restricts by zone without importing the app that keeps them.
    It has a ``code``, a ``name``, a ``parent`` (its sub-parks' zone) and a restricted manager."""
    return apps.get_model(settings.YUANQU_ZONE_MODEL, require_ready=False)


def zone_descendants(zone_ids) -> frozenset[int]:
    """The given zones together with all their sub-parks, at any depth (the zones' tree read once per cockpit
    build or other :func:`~yuanqu.core.cockpit.one_reading`)."""
    children = read_once("core.zone_children", _zone_children)
    seen: set[int] = set()
    stack = list(zone_ids)
    while stack:
        pk = stack.pop()
        if pk in seen:
            continue
        seen.add(pk)
        stack.extend(children.get(pk, ()))
    return frozenset(seen)


def _zone_children() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for pk, parent_id in get_zone_model().objects.values_list("pk", "parent_id"):
        if parent_id is not None:
            children.setdefault(parent_id, []).append(pk)
    return children


def is_city_admin(user) -> bool:
    """A city administrator (or a superuser): changes the rules, methods and settings of the whole deployment."""
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and (user.is_superuser or user.role == Role.CITY_ADMIN)
    )


def is_city_user(user) -> bool:
    """A city administrator or analyst (or a superuser): the city's own staff, who evaluate and compare zones."""
    return bool(
        getattr(user, "is_authenticated", False) and user.is_active and (user.is_superuser or user.role in CITY_ROLES)
    )


def is_zone_admin(user) -> bool:
    """A zone administrator: manages the users and sub-parks of their own zones."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.role == Role.ZONE_ADMIN)


def sees_all_zones(user) -> bool:
    """City-level users (and leaders bound to no zone) see every zone."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser or user.role in CITY_ROLES:
        return True
    return user.role == Role.LEADER and not user.zones.exists()


def visible_zone_ids(user) -> frozenset[int] | None:
    """Ids of the zones the user may read, sub-parks included; None means every zone."""
    if hasattr(user, _CACHE_ATTR):
        return getattr(user, _CACHE_ATTR)
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        ids: frozenset[int] | None = frozenset()
    elif sees_all_zones(user):
        ids = None
    else:
        ids = zone_descendants(user.zones.values_list("pk", flat=True))
    setattr(user, _CACHE_ATTR, ids)
    return ids


def zone_scope(user) -> str:
    """What the user may see, as a short text: "all", or a digest of the visible zone ids. Users who see the
    same zones share what is cached for them (map tiles, the ledger's status filter)."""
    visible = visible_zone_ids(user)
    if visible is None:
        return "all"
    return hashlib.sha1(",".join(map(str, sorted(visible))).encode()).hexdigest()[:16]


def editable_zone_ids(user) -> frozenset[int] | None:
    """Ids of the zones whose data the user may change; None means every zone."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    if is_city_admin(user):
        return None
    if user.role in ZONE_ROLES:
        return visible_zone_ids(user)
    return frozenset()


def forget_zone_cache(user) -> None:
    """Drop the per-request cache after the user's zones changed."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def zone_id_of(obj) -> int | None:
    """The id of the zone an object belongs to, following its model's ``zone_lookup``."""
    lookup = getattr(type(obj), "zone_lookup", None)
    if not lookup:
        return None
    if lookup in ("pk", "id"):
        return obj.pk
    parts = lookup.split("__")
    for part in parts[:-1]:
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    return getattr(obj, f"{parts[-1]}_id", None)


def can_edit(user) -> bool:
    """Whether the user may change data at all (in some zone)."""
    ids = editable_zone_ids(user)
    return ids is None or bool(ids)


def can_edit_zone(user, zone_id: int | None) -> bool:
    """Whether the user may change data that belongs to this zone."""
    ids = editable_zone_ids(user)
    if ids is None:
        return True
    return zone_id is not None and zone_id in ids


def can_see_zone(user, zone_id: int | None) -> bool:
    """Whether the user may read data that belongs to this zone."""
    ids = visible_zone_ids(user)
    if ids is None:
        return True
    return zone_id is not None and zone_id in ids


def can_manage_users(user) -> bool:
    """City administrators manage everyone; zone administrators the users of their zones."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_superuser or user.role in (Role.CITY_ADMIN, Role.ZONE_ADMIN)


def can_edit_zone_tree(user, zone_id: int | None) -> bool:
    """Whether the user may create or change zones under this parent (None: a top-level zone): a city
    administrator anywhere, a zone administrator under the zones they administer."""
    if is_city_admin(user):
        return True
    return zone_id is not None and user.role == Role.ZONE_ADMIN and can_edit_zone(user, zone_id)


class ZoneScopedQuerySet(models.QuerySet):
    """A queryset that knows how to narrow itself to what a user may see.

    Each model names the path to its zone in ``zone_lookup`` ("zone", "enterprise__zone", or "pk" for
    Zone itself).
    """

    def restrict(self, user, action: str = "view") -> ZoneScopedQuerySet:
        """Only the rows of the zones the user may view (or change, with action="change")."""
        ids = visible_zone_ids(user) if action == "view" else editable_zone_ids(user)
        if ids is None:
            return self
        return self.filter(**{f"{self.model.zone_lookup}__in": ids})
