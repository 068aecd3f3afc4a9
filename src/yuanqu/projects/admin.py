"""Admin of projects (zone-restricted, saved through the services), and of the city-wide stage deadlines and
admission rules, which only a city administrator may change."""

from django.contrib import admin

from yuanqu.core.admin import CityAdminOnly, RestrictedLookups, ZoneListFilter, ZoneScopedAdmin, ZoneScopedPermissions
from yuanqu.core.changelog import acting
from yuanqu.projects import services
from yuanqu.projects.models import (
    AdmissionCheck,
    AdmissionRules,
    Agreement,
    Project,
    StageDeadline,
    StageEvent,
)


@admin.register(AdmissionRules)
class AdmissionRulesAdmin(CityAdminOnly):
    list_display = ("__str__", "min_intensity", "min_tax_per_mu")

    def has_add_permission(self, request) -> bool:
        return super().has_add_permission(request) and not AdmissionRules.objects.exists()


@admin.register(StageDeadline)
class StageDeadlineAdmin(CityAdminOnly):
    list_display = ("__str__", "from_stage", "to_stage", "days", "unit", "active")


class StageEventInline(RestrictedLookups, admin.TabularInline):
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
