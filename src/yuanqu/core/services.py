"""Write helpers every app's services share: permission checks, validation, saving, deleting."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import models

from yuanqu.core.access import can_edit_zone, zone_id_of


def check_can_edit(*, user, obj: models.Model, zone_id: int | None = None) -> None:
    """Refuse unless the user may change data of the object's zone (or of ``zone_id`` when given).

    A user of None is the system itself (the command line run without --user, migrations).
    """
    if user is None:
        return
    target = zone_id_of(obj) if zone_id is None else zone_id
    if not can_edit_zone(user, target):
        raise PermissionDenied(f"无权修改此园区的数据 / not allowed to change data of this zone: {obj}")


def save_object(obj: models.Model, *, user, original_zone_id: int | None = None) -> models.Model:
    """Validate and save an object the user may change; moving it needs rights on both zones."""
    if original_zone_id is not None:
        check_can_edit(user=user, obj=obj, zone_id=original_zone_id)
    check_can_edit(user=user, obj=obj)
    obj.full_clean()
    obj.save()
    return obj


def delete_object(obj: models.Model, *, user) -> None:
    """Delete an object the user may change."""
    check_can_edit(user=user, obj=obj)
    obj.delete()


def original_zone(obj: models.Model) -> int | None:
    """The zone the object has in the database now (before unsaved edits); None for a new object."""
    if obj.pk is None or obj._state.adding:
        return None
    stored = type(obj)._base_manager.filter(pk=obj.pk).first()
    return zone_id_of(stored) if stored is not None else None
