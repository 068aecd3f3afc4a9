"""Admin of the base maps (city administrators, saved through the maps services) and, for inspection only, of the
parcel properties the map's tiles keep (restricted to the user's zones)."""

from django.contrib import admin
from django.db import transaction

from yuanqu.core.access import is_city_admin
from yuanqu.core.admin import RestrictedLookups, ZoneListFilter, ZoneScopedAdmin
from yuanqu.core.changelog import acting
from yuanqu.maps.forms import BaseMapForm
from yuanqu.maps.models import BaseMap, ParcelTileRow
from yuanqu.maps.services import delete_base_map, save_base_map


@admin.register(BaseMap)
class BaseMapAdmin(RestrictedLookups, admin.ModelAdmin):
    """The base maps: city administrators only; saved through ``save_base_map`` (one active, change-logged)."""

    list_display = ("name", "kind", "crs", "active", "updated")

    def has_module_permission(self, request):
        return is_city_admin(request.user) and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_delete_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def get_form(self, request, obj=None, change=False, **kwargs):
        # "active" is the form's own field: the service, not the form, keeps one base map active.
        kwargs["form"], kwargs["fields"] = BaseMapForm, list(BaseMapForm.Meta.fields)
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request, obj=None):
        return ["name", "kind", "url", "crs", "attribution", "min_zoom", "max_zoom", "active"]

    def save_model(self, request, obj, form, change):
        obj.active = form.cleaned_data["active"]
        with transaction.atomic(), acting(source="page", user=request.user):
            save_base_map(base_map=obj, user=request.user)

    def delete_model(self, request, obj):
        with transaction.atomic(), acting(source="page", user=request.user):
            delete_base_map(base_map=obj, user=request.user)


@admin.register(ParcelTileRow)
class ParcelTileRowAdmin(ZoneScopedAdmin):
    """The map tiles' stored parcel properties: derived data, shown for inspection only."""

    list_display = ("parcel", "zone", "as_of", "scope", "status", "enterprise", "grade", "stage")
    list_filter = ("status", ZoneListFilter)
    list_select_related = ("parcel", "zone")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
