"""Zone-scoped permission for every API endpoint."""

from rest_framework import permissions

from yuanqu.core.access import can_edit, can_edit_zone, zone_id_of


class ZoneScopedPermission(permissions.BasePermission):
    """Reading needs a login; writing needs an editing role and the object's zone among the user's."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        return can_edit(user)

    def has_object_permission(self, request, view, obj) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        return can_edit_zone(request.user, zone_id_of(obj))
