"""Admin of enterprise service: the request categories (a city administrator's code table), and the requests,
visits, links and plans restricted to the user's zones, saved through the services."""

from django.contrib import admin

from yuanqu.core.admin import CityAdminOnly, ZoneScopedAdmin, ZoneScopedPermissions, zone_filter
from yuanqu.core.changelog import acting
from yuanqu.service import services
from yuanqu.service.models import (
    EnterpriseOfficial,
    EnterprisePlan,
    PlanMeasure,
    RequestStep,
    ServiceCategory,
    ServiceRequest,
    Visit,
)

EnterpriseZoneFilter = zone_filter("enterprise__zone")


@admin.register(ServiceCategory)
class ServiceCategoryAdmin(CityAdminOnly):
    list_display = ("code", "name", "order", "active")
    list_editable = ("order", "active")
    search_fields = ("code", "name")


class RequestStepInline(ZoneScopedPermissions, admin.TabularInline):
    model = RequestStep
    extra = 0
    fields = ("action", "on", "by_name", "note")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False  # steps are taken on the request's page, where the loop is checked


@admin.register(ServiceRequest)
class ServiceRequestAdmin(ZoneScopedAdmin):
    list_display = ("number", "enterprise", "kind", "category", "unit", "state", "received_on", "due_on", "closed_on")
    list_filter = ("state", "kind", "category", "channel", EnterpriseZoneFilter)
    search_fields = ("number", "enterprise__name", "content")
    list_select_related = ("enterprise", "category")
    autocomplete_fields = ("enterprise",)
    readonly_fields = (
        "state",
        "time_limit",
        "extension_days",
        "due_on",
        "replied_on",
        "closed_on",
        "chase_count",
        "satisfaction",
        "satisfaction_comment",
        "reply",
    )
    raw_id_fields = ("visit",)
    inlines = (RequestStepInline,)

    def save_service(self, obj, user, form):
        if obj.pk is None:
            services.accept_request(request=obj, user=user)
        else:
            services.update_request(request=obj, user=user)

    def delete_service(self, obj, user):
        services.delete_request(request=obj, user=user)


@admin.register(Visit)
class VisitAdmin(ZoneScopedAdmin):
    list_display = ("visited_on", "enterprise", "state", "official", "agency")
    list_filter = ("state", EnterpriseZoneFilter)
    search_fields = ("enterprise__name", "findings", "agency")
    list_select_related = ("enterprise", "official")
    autocomplete_fields = ("enterprise",)
    raw_id_fields = ("official",)

    def save_service(self, obj, user, form):
        services.save_visit(visit=obj, user=user)

    def delete_service(self, obj, user):
        services.delete_visit(visit=obj, user=user)


@admin.register(EnterpriseOfficial)
class EnterpriseOfficialAdmin(ZoneScopedAdmin):
    list_display = ("enterprise", "role", "official", "since")
    list_filter = ("role", EnterpriseZoneFilter)
    search_fields = ("enterprise__name", "official__username", "official__last_name")
    autocomplete_fields = ("enterprise",)
    raw_id_fields = ("official",)

    def save_service(self, obj, user, form):
        services.link_official(link=obj, user=user)

    def delete_service(self, obj, user):
        services.unlink_official(link=obj, user=user)


class PlanMeasureInline(ZoneScopedPermissions, admin.TabularInline):
    model = PlanMeasure
    extra = 1
    fields = ("content", "owner", "due_on", "state")


@admin.register(EnterprisePlan)
class EnterprisePlanAdmin(ZoneScopedAdmin):
    list_display = ("enterprise", "year")
    list_filter = ("year", EnterpriseZoneFilter)
    search_fields = ("enterprise__name",)
    autocomplete_fields = ("enterprise",)
    inlines = (PlanMeasureInline,)

    def save_service(self, obj, user, form):
        services.save_plan(plan=obj, user=user)

    def delete_service(self, obj, user):
        services.delete_plan(plan=obj, user=user)

    def save_formset(self, request, form, formset, change):
        # The measures go through the services too, so each is checked and logged like any other write.
        with acting(source="page", user=request.user):
            instances = formset.save(commit=False)
            for obj in formset.deleted_objects:
                services.delete_measure(measure=obj, user=request.user)
            for obj in instances:
                services.save_measure(measure=obj, user=request.user)
            formset.save_m2m()
