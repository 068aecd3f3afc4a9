"""Admin of projects (zone-restricted, saved through the services), and of the city-wide working-day calendar
and stage deadlines, which only a city administrator may change."""

from django.contrib import admin

from yuanqu.core.access import is_city_admin
from yuanqu.core.admin import ZoneListFilter, ZoneScopedAdmin, ZoneScopedPermissions
from yuanqu.core.changelog import acting
from yuanqu.projects import services
from yuanqu.projects.models import (
    AdmissionCheck,
    AdmissionRules,
    Agreement,
    CalendarDay,
    CalendarYear,
    Project,
    StageDeadline,
    StageEvent,
    Target,
)


def _city_admin(request) -> bool:
    return bool(request.user.is_staff and is_city_admin(request.user))


class CityAdminOnly(admin.ModelAdmin):
    """City-wide settings: any staff user may read them, only a city administrator changes them.

    Saves go through the ordinary model save, which the change log records (the admin's requests carry
    the user and the source "page").
    """

    def has_module_permission(self, request) -> bool:
        return bool(request.user.is_active and request.user.is_staff)

    def has_view_permission(self, request, obj=None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request) -> bool:
        return _city_admin(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return _city_admin(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return _city_admin(request)


@admin.register(CalendarDay)
class CalendarDayAdmin(CityAdminOnly):
    list_display = ("date", "kind", "name")
    list_filter = ("kind",)
    search_fields = ("name",)
    date_hierarchy = "date"


@admin.register(CalendarYear)
class CalendarYearAdmin(CityAdminOnly):
    list_display = ("year", "published", "source")
    list_filter = ("published",)


@admin.register(AdmissionRules)
class AdmissionRulesAdmin(CityAdminOnly):
    list_display = ("__str__", "min_intensity", "min_tax_per_mu")

    def has_add_permission(self, request) -> bool:
        return super().has_add_permission(request) and not AdmissionRules.objects.exists()


@admin.register(StageDeadline)
class StageDeadlineAdmin(CityAdminOnly):
    list_display = ("__str__", "from_stage", "to_stage", "days", "unit", "active")


class StageEventInline(admin.TabularInline):
    """The timeline, read-only here: transitions are recorded through the project page or the API."""

    model = StageEvent
    extra = 0
    fields = ("on", "from_stage", "to_stage", "reason", "recorded_by", "recorded_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class AdmissionCheckInline(ZoneScopedPermissions, admin.TabularInline):
    """Admission reports, read-only: checks are run from the project page or the API."""

    model = AdmissionCheck
    extra = 0
    fields = ("checked_at", "checked_by", "passed", "report", "override_reason")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class AgreementInline(ZoneScopedPermissions, admin.StackedInline):
    model = Agreement
    extra = 0
    max_num = 1


@admin.register(Project)
class ProjectAdmin(ZoneScopedAdmin):
    list_display = ("name", "zone", "stage", "total_investment", "leader", "agent")
    list_filter = ("stage", ZoneListFilter)
    search_fields = ("name", "investor")
    list_select_related = ("zone",)
    readonly_fields = ("stage", "dropped_reason")
    raw_id_fields = ("parcel", "enterprise")
    inlines = (AgreementInline, AdmissionCheckInline, StageEventInline)

    def save_service(self, obj, user, form):
        services.save_project(project=obj, user=user)

    def delete_service(self, obj, user):
        services.delete_project(project=obj, user=user)

    def save_formset(self, request, form, formset, change):
        # The agreement goes through its service like any other write (the timeline inline is read-only).
        with acting(source="page", user=request.user):
            instances = formset.save(commit=False)
            for obj in formset.deleted_objects:
                if isinstance(obj, Agreement):
                    services.delete_agreement(agreement=obj, user=request.user)
            for obj in instances:
                if isinstance(obj, Agreement):
                    services.save_agreement(agreement=obj, user=request.user)
            formset.save_m2m()


@admin.register(Target)
class TargetAdmin(ZoneScopedAdmin):
    list_display = ("zone", "year", "indicator", "value")
    list_filter = ("year", "indicator", ZoneListFilter)
    list_select_related = ("zone",)

    def save_service(self, obj, user, form):
        services.save_target(target=obj, user=user)

    def delete_service(self, obj, user):
        services.delete_target(target=obj, user=user)
