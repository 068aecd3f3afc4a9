"""Admin of evaluation methods, runs and results.

Methods are stored through ``save_method`` and never changed afterwards (an edit is a new method, on
the method pages). Runs and results are read-only: they are made by ``run_evaluation`` only; a draft
run may be deleted through ``delete_run``, a published run never.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import transaction

from yuanqu.core.access import can_edit, is_city_admin
from yuanqu.core.admin import RestrictedLookups, ZoneListFilter
from yuanqu.core.changelog import acting
from yuanqu.evaluation.models import EvaluationMethod, EvaluationResult, EvaluationRun, method_problems
from yuanqu.evaluation.services import delete_run, save_method


def _staff(request) -> bool:
    return bool(request.user.is_active and request.user.is_staff)


class ReadOnlyAdmin(RestrictedLookups, admin.ModelAdmin):
    """Staff may look; nobody adds or changes here."""

    def has_module_permission(self, request) -> bool:
        return _staff(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return _staff(request) and (obj is None or self.get_queryset(request).filter(pk=obj.pk).exists())

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class MethodAdminForm(forms.ModelForm):
    class Meta:
        model = EvaluationMethod
        fields = ["name", "format", "text"]

    def clean(self):
        data = super().clean()
        if data.get("text") and data.get("format"):
            problems = method_problems(data["text"], data["format"])
            if problems:
                self.add_error("text", problems)
        return data


@admin.register(EvaluationMethod)
class EvaluationMethodAdmin(ReadOnlyAdmin):
    form = MethodAdminForm
    list_display = ("name", "preset", "format", "digest", "created_by", "created_at")
    list_filter = ("preset", "format")
    search_fields = ("name", "digest")
    readonly_fields = ("digest", "preset", "created_by", "created_at")

    def get_queryset(self, request):
        return super().get_queryset(request).restrict(request.user)

    def has_add_permission(self, request, obj=None) -> bool:
        return _staff(request) and can_edit(request.user)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["name", "format", "text"]
        return ["name", "format", "text", "digest", "preset", "created_by", "created_at"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.get_fields(request, obj)

    def save_model(self, request, obj, form, change):
        if change:
            raise ValidationError("stored methods are not changed")  # unreachable: no change permission
        with acting(source="page", user=request.user):
            saved = save_method(name=obj.name, text=obj.text, format=obj.format, user=request.user)
        obj.pk, obj.digest = saved.pk, saved.digest


@admin.register(EvaluationRun)
class EvaluationRunAdmin(ReadOnlyAdmin):
    list_display = (
        "year",
        "method_name",
        "zone",
        "status",
        "enterprise_count",
        "count_a",
        "count_b",
        "count_c",
        "count_d",
        "count_t",
        "created_at",
    )
    list_filter = ("status", "year")
    search_fields = ("method_name",)
    list_select_related = ("zone",)
    exclude = ("method_text",)

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in EvaluationRun._meta.fields if f.name != "method_text"]

    def get_queryset(self, request):
        return super().get_queryset(request).restrict(request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        if not _staff(request) or not can_edit(request.user):
            return False
        if obj is None:
            return True
        if obj.is_published:
            return False
        user = request.user
        return is_city_admin(user) or obj.zone_id is not None

    def get_deleted_objects(self, objs, request):
        # A draft's results go with it (they cannot be deleted on their own, hence no permission on them).
        deleted, counts, _perms_needed, protected = super().get_deleted_objects(objs, request)
        return deleted, counts, set(), protected

    def delete_model(self, request, obj):
        with acting(source="page", user=request.user):
            delete_run(run=obj, user=request.user)

    def delete_queryset(self, request, queryset):
        with transaction.atomic(), acting(source="page", user=request.user):
            for run in queryset:
                delete_run(run=run, user=request.user)


@admin.register(EvaluationResult)
class EvaluationResultAdmin(ReadOnlyAdmin):
    list_display = ("enterprise", "run", "zone", "group_label", "total", "rank", "grade")
    list_filter = ("grade", "group", ZoneListFilter)
    search_fields = ("enterprise__name", "enterprise__uscc")
    list_select_related = ("enterprise", "run", "zone")

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in EvaluationResult._meta.fields]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs.restrict(request.user).filter(run__in=EvaluationRun.objects.restrict(request.user))
