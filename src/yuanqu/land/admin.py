"""Admin of parcels and the land enterprises use (restricted to the user's zones, saved through the land
services; polygons via import), and of the land rules (city administrators)."""

from django import forms
from django.contrib import admin
from django.db import transaction

from yuanqu.core.access import is_city_admin
from yuanqu.core.admin import RestrictedLookups, ZoneListFilter, ZoneScopedAdmin, ZoneScopedPermissions, zone_filter
from yuanqu.core.changelog import acting
from yuanqu.land.models import EnterpriseLand, LandRuleSet, Parcel
from yuanqu.land.services import (
    delete_enterprise_land,
    delete_parcel,
    save_enterprise_land,
    save_parcel,
    save_rules,
    validate_rules,
)


class EnterpriseLandInline(ZoneScopedPermissions, admin.TabularInline):
    """The enterprises using a parcel, on the parcel's page."""

    model = EnterpriseLand
    extra = 0
    autocomplete_fields = ("enterprise",)
    fields = ("enterprise", "tenure", "area_mu", "start_on", "end_on")


@admin.register(Parcel)
class ParcelAdmin(ZoneScopedAdmin):
    list_display = ("code", "zone", "land_use", "area_mu", "supplied_on", "started_on", "completed_on")
    list_filter = ("land_use", ZoneListFilter)
    search_fields = ("code",)
    list_select_related = ("zone",)
    readonly_fields = ("area_mu", "source_srid")
    exclude = ("geometry", "geometry_lonlat")
    inlines = (EnterpriseLandInline,)

    def get_queryset(self, request):
        # The polygons are not shown here; leaving them out keeps the list light.
        return super().get_queryset(request).defer("geometry", "geometry_lonlat")

    def save_service(self, obj, user, form):
        save_parcel(parcel=obj, user=user)

    def delete_service(self, obj, user):
        delete_parcel(parcel=obj, user=user)

    def save_formset(self, request, form, formset, change):
        # Inline rows go through the services too, so each is checked and logged like any other write.
        with acting(source="page", user=request.user):
            instances = formset.save(commit=False)
            for obj in formset.deleted_objects:
                delete_enterprise_land(enterprise_land=obj, user=request.user)
            for obj in instances:
                save_enterprise_land(enterprise_land=obj, user=request.user)
            formset.save_m2m()


class LandRuleSetAdminForm(forms.ModelForm):
    """The rules JSON, checked by the rules themselves."""

    class Meta:
        model = LandRuleSet
        fields = ["name", "rules"]

    def clean_rules(self):
        return validate_rules(self.cleaned_data["rules"]).to_dict()


@admin.register(LandRuleSet)
class LandRuleSetAdmin(RestrictedLookups, admin.ModelAdmin):
    """The land rules: city administrators only; saved through ``save_rules`` (one active row, change-logged)."""

    form = LandRuleSetAdminForm
    list_display = ("name", "active", "updated")

    def has_module_permission(self, request):
        return is_city_admin(request.user) and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return self.has_module_permission(request) and not LandRuleSet.objects.filter(active=True).exists()

    def has_change_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_delete_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def save_model(self, request, obj, form, change):
        with transaction.atomic(), acting(source="page", user=request.user):
            saved = save_rules(rules=form.cleaned_data["rules"], user=request.user)
        if obj.name != saved.name:
            saved.name = obj.name
            saved.save(update_fields=["name", "updated"])
        obj.pk = saved.pk


@admin.register(EnterpriseLand)
class EnterpriseLandAdmin(ZoneScopedAdmin):
    list_display = ("enterprise", "parcel", "tenure", "area_mu", "start_on", "end_on")
    list_filter = ("tenure", zone_filter("enterprise__zone"))
    search_fields = ("enterprise__name", "enterprise__uscc", "parcel__code")
    list_select_related = ("enterprise", "parcel")
    autocomplete_fields = ("enterprise", "parcel")

    def save_service(self, obj, user, form):
        save_enterprise_land(enterprise_land=obj, user=user)

    def delete_service(self, obj, user):
        delete_enterprise_land(enterprise_land=obj, user=user)
