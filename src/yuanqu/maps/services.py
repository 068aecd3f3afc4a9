"""Configuring the base maps (city administrators); the caller owns the transaction."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from yuanqu.core.access import is_city_admin
from yuanqu.maps.models import BaseMap

NOT_ALLOWED = "只有市级管理员可以配置底图 / only a city administrator may configure base maps"


def save_base_map(*, base_map: BaseMap, user) -> BaseMap:
    """Validate and save a base map (city administrators only); an active one deactivates the others. Locks the
    active ones: call it inside the caller's transaction, which an invalid base map rolls back."""
    if not is_city_admin(user):
        raise PermissionDenied(NOT_ALLOWED)
    if base_map.active:
        # One by one, so that each deactivation is change-logged.
        for other in BaseMap.objects.select_for_update().filter(active=True).exclude(pk=base_map.pk):
            other.active = False
            other.save()
    base_map.full_clean()
    base_map.save()
    return base_map


def delete_base_map(*, base_map: BaseMap, user) -> None:
    """Delete a base map (city administrators only); without an active one the map has no base map."""
    if not is_city_admin(user):
        raise PermissionDenied(NOT_ALLOWED)
    base_map.delete()
