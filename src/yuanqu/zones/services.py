"""Creating, changing and deleting zones."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError

from yuanqu.core.access import can_edit_zone, is_city_admin, is_zone_admin
from yuanqu.core.services import delete_object, original_zone, save_object
from yuanqu.zones.models import Zone


def check_parent(zone: Zone) -> None:
    """A zone may not be its own ancestor."""
    node, seen = zone.parent, set()
    while node is not None:
        if node.pk is not None and node.pk == zone.pk:
            raise ValidationError({"parent": "上级园区不能形成循环 / a zone cannot be its own ancestor"})
        if node.pk in seen:
            break
        seen.add(node.pk)
        node = node.parent


def save_zone(*, zone: Zone, user) -> Zone:
    """Validate and save a zone.

    City administrators create any zone; zone administrators and staff may add sub-parks to their
    own zones, and change the zones they may edit (a new parent must be theirs too).
    """
    check_parent(zone)
    if user is not None and zone.parent_id and not can_edit_zone(user, zone.parent_id):
        raise PermissionDenied("无权在该上级园区下设园区 / not allowed to place a zone under that parent")
    if zone.pk is None:
        if not _is_city(user) and not zone.parent_id:
            raise PermissionDenied("只有市级管理员可以新建园区 / only a city administrator creates zones")
        zone.full_clean()
        zone.save()
        return zone
    if not _is_city(user) and zone.parent_id is None:
        stored = Zone.objects.filter(pk=zone.pk).values_list("parent_id", flat=True).first()
        if stored is not None:
            raise PermissionDenied(
                "只有市级管理员可以把子园区改为独立园区 / only a city administrator makes a sub-park top-level"
            )
    return save_object(zone, user=user, original_zone_id=original_zone(zone))


def _is_city(user) -> bool:
    return user is None or is_city_admin(user)


def delete_zone(*, zone: Zone, user) -> None:
    """Delete a zone that holds nothing (parcels, enterprises and sub-parks protect it).

    A top-level zone only by a city administrator; a sub-park also by the administrator of its parent.
    """
    parent_admin = zone.parent_id is not None and is_zone_admin(user) and can_edit_zone(user, zone.parent_id)
    if not _is_city(user) and not parent_admin:
        raise PermissionDenied("无权删除该园区 / not allowed to delete this zone")
    delete_object(zone, user=user)
