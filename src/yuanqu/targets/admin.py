"""Admin of the letters, their lines and the supervised tasks: restricted to the user's zones, saved through the
services, indicators shown by the label of their measure; a task's steps and extensions are read here and taken on
its page (the flow decides which step comes next)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from yuanqu.core.admin import ZoneListFilter, ZoneScopedAdmin, ZoneScopedPermissions
from yuanqu.targets import services
from yuanqu.targets.forms import TargetForm
from yuanqu.targets.models import ResponsibilityLetter, Target, Task, TaskExtension, TaskStep
from yuanqu.targets.selectors import measure_choices


class IndicatorListFilter(admin.SimpleListFilter):
    """Filter by indicator, named by the measures' labels."""

    title = _("指标")
    parameter_name = "indicator"

    def lookups(self, request, model_admin):
        return measure_choices()

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(indicator=self.value())
        return queryset


@admin.register(ResponsibilityLetter)
class ResponsibilityLetterAdmin(ZoneScopedAdmin):
    list_display = ("zone", "year", "signed_by", "signed_on")
    list_filter = ("year", ZoneListFilter)
    list_select_related = ("zone",)

    def save_service(self, obj, user, form):
        services.save_letter(letter=obj, user=user)

    def delete_service(self, obj, user):
        services.delete_letter(letter=obj, user=user)


@admin.register(Target)
class TargetAdmin(ZoneScopedAdmin):
    form = TargetForm
    list_display = ("zone", "year", "indicator_name", "value", "leader", "responsible_unit")
    list_filter = ("year", IndicatorListFilter, ZoneListFilter)
    list_select_related = ("zone",)

    @admin.display(description=_("指标"), ordering="indicator")
    def indicator_name(self, obj) -> str:
        return obj.indicator_label

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "letter":
            kwargs["queryset"] = ResponsibilityLetter.objects.restrict(request.user, action="change")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_service(self, obj, user, form):
        services.save_target(target=obj, user=user)

    def delete_service(self, obj, user):
        services.delete_target(target=obj, user=user)


class ReadOnlyInline(ZoneScopedPermissions, admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class TaskStepInline(ReadOnlyInline):
    model = TaskStep
    fields = ("state", "on", "by", "note")


class TaskExtensionInline(ReadOnlyInline):
    model = TaskExtension
    fields = ("previous_deadline", "new_deadline", "reason", "approver", "on")


@admin.register(Task)
class TaskAdmin(ZoneScopedAdmin):
    list_display = ("code", "title", "zone", "lead_unit", "responsible", "deadline", "state")
    list_filter = ("state", "source", ZoneListFilter)
    search_fields = ("code", "title", "lead_unit", "responsible")
    list_select_related = ("zone",)
    readonly_fields = ("state", "closed_on", "original_deadline")
    inlines = (TaskStepInline, TaskExtensionInline)

    def save_service(self, obj, user, form):
        services.save_task(task=obj, user=user)

    def delete_service(self, obj, user):
        services.delete_task(task=obj, user=user)
