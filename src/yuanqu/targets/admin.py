"""Admin of the yearly targets: restricted to the user's zones, saved through the services, indicators shown by the
label of their measure."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from yuanqu.core.admin import ZoneListFilter, ZoneScopedAdmin
from yuanqu.targets import services
from yuanqu.targets.forms import TargetForm
from yuanqu.targets.models import Target
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


@admin.register(Target)
class TargetAdmin(ZoneScopedAdmin):
    form = TargetForm
    list_display = ("zone", "year", "indicator_name", "value")
    list_filter = ("year", IndicatorListFilter, ZoneListFilter)
    list_select_related = ("zone",)

    @admin.display(description=_("指标"), ordering="indicator")
    def indicator_name(self, obj) -> str:
        return obj.indicator_label

    def save_service(self, obj, user, form):
        services.save_target(target=obj, user=user)

    def delete_service(self, obj, user):
        services.delete_target(target=obj, user=user)
