"""Admin building blocks shared by every app: zone-scoped querysets, role-based permissions, writes through
the services, and the read-only change log.

In the admin as on the pages, a user's role and zones decide what they may see and change (Django's
per-model permissions are not used); every save and delete goes through the app's service function,
so the same checks run and the change log records the source "page".
"""

from __future__ import annotations

from django.contrib import admin
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from yuanqu.core.access import can_edit, can_edit_zone, can_see_zone, get_zone_model, is_city_admin, zone_id_of
from yuanqu.core.changelog import acting
from yuanqu.core.models import ChangeLogEntry

admin.site.site_header = _("园区管理后台")
admin.site.site_title = _("园区管理后台")
admin.site.index_title = _("后台管理")


def _staff(request) -> bool:
    return bool(request.user.is_active and request.user.is_staff)


class ZoneListFilter(admin.SimpleListFilter):
    """Filter by zone, offering only the zones the user may see (the stock filter would list every zone)."""

    title = _("园区")
    parameter_name = "zone"
    zone_lookup = "zone"

    def lookups(self, request, model_admin):
        zones = get_zone_model().objects.restrict(request.user).order_by("code", "name")
        return [(str(z.pk), z.name) for z in zones]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(**{f"{self.zone_lookup}__pk": self.value()})
        return queryset


def zone_filter(lookup: str) -> type[ZoneListFilter]:
    """The zone filter for a model that reaches its zone by ``lookup`` (e.g. "enterprise__zone")."""
    return type(f"ZoneListFilter_{lookup}", (ZoneListFilter,), {"zone_lookup": lookup})


class ZoneScopedPermissions:
    """Permissions from the user's role and zones, for model admins and inlines alike."""

    def _parent_zone_id(self, obj):
        return zone_id_of(obj)

    def has_module_permission(self, request) -> bool:
        return _staff(request)

    def has_view_permission(self, request, obj=None) -> bool:
        if not _staff(request):
            return False
        return obj is None or can_see_zone(request.user, self._parent_zone_id(obj))

    def has_add_permission(self, request, obj=None) -> bool:
        return _staff(request) and can_edit(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        if not _staff(request) or not can_edit(request.user):
            return False
        return obj is None or can_edit_zone(request.user, self._parent_zone_id(obj))

    def has_delete_permission(self, request, obj=None) -> bool:
        return self.has_change_permission(request, obj)


class ZoneScopedAdmin(ZoneScopedPermissions, admin.ModelAdmin):
    """A model admin restricted to the user's zones that writes through ``save_service``/``delete_service``.

    Subclasses set ``save_service(obj, user, form)`` and ``delete_service(obj, user)``.
    """

    zone_fields = ("zone",)

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs if request.user.is_superuser else qs.restrict(request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.zone_fields:
            kwargs["queryset"] = (
                get_zone_model().objects.restrict(request.user, action="change").order_by("code", "name")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_service(self, obj, user, form):
        raise NotImplementedError

    def delete_service(self, obj, user):
        raise NotImplementedError

    def save_model(self, request, obj, form, change):
        with acting(source="page", user=request.user):
            self.save_service(obj, request.user, form)

    def delete_model(self, request, obj):
        with acting(source="page", user=request.user):
            self.delete_service(obj, request.user)

    def delete_queryset(self, request, queryset):
        # The bulk "delete selected" action, one service call per object so each is checked and logged.
        with transaction.atomic(), acting(source="page", user=request.user):
            for obj in queryset:
                self.delete_service(obj, request.user)


def _city_admin(request) -> bool:
    return bool(request.user.is_staff and is_city_admin(request.user))


class CityAdminOnly(admin.ModelAdmin):
    """City-wide settings (the working-day calendar, deadline rules, admission rules): any staff user may read
    them, only a city administrator changes them.

    Saves go through the ordinary model save, which the change log records (the admin's requests carry
    the user and the source "page").
    """

    def has_module_permission(self, request) -> bool:
        return _staff(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request) -> bool:
        return _city_admin(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return _city_admin(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return _city_admin(request)


@admin.register(ChangeLogEntry)
class ChangeLogEntryAdmin(admin.ModelAdmin):
    """The change log, read-only, restricted to the user's zones."""

    list_display = ("time", "username", "source", "action", "content_type", "object_repr", "zone")
    list_filter = ("source", "action", "content_type", ZoneListFilter)
    search_fields = ("object_repr", "username", "object_id")
    list_select_related = ("content_type", "zone")
    readonly_fields = [f.name for f in ChangeLogEntry._meta.fields]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs if request.user.is_superuser else qs.restrict(request.user)

    def has_module_permission(self, request) -> bool:
        return _staff(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return _staff(request) and (obj is None or can_see_zone(request.user, obj.zone_id))

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
