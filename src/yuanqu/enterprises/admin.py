"""Admin of enterprises and their yearly figures: restricted to the user's zones, saved through the
enterprise services."""

from django import forms
from django.contrib import admin

from yuanqu.core.admin import ZoneListFilter, ZoneScopedAdmin, ZoneScopedPermissions, zone_filter
from yuanqu.core.changelog import acting
from yuanqu.enterprises import services
from yuanqu.enterprises.forms import EnterpriseForm
from yuanqu.enterprises.models import Enterprise, EnterpriseYear


class EnterpriseAdminForm(forms.ModelForm):
    """Normalises the credit code and the industry code as the service does, so mistakes show on the form."""

    industry_code = EnterpriseForm.base_fields["industry_code"]

    class Meta:
        model = Enterprise
        fields = EnterpriseForm.Meta.fields  # the admin edits what the page edits

    clean_uscc = EnterpriseForm.clean_uscc
    clean_industry_code = EnterpriseForm.clean_industry_code

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["industry_code"] = self.instance.industry_code


class EnterpriseYearInline(ZoneScopedPermissions, admin.TabularInline):
    model = EnterpriseYear
    extra = 0
    fields = ("year", "above_scale", "land_mu", "tax", "revenue", "value_added", "energy_tce", "employees")


@admin.register(Enterprise)
class EnterpriseAdmin(ZoneScopedAdmin):
    form = EnterpriseAdminForm
    list_display = ("name", "uscc", "zone", "industry_code", "status")
    list_filter = ("status", "key_enterprise", "specialised", "listing", "chain_leader", ZoneListFilter)
    search_fields = ("name", "uscc")
    list_select_related = ("zone",)
    inlines = (EnterpriseYearInline,)

    def save_service(self, obj, user, form):
        services.save_enterprise(enterprise=obj, user=user, industry_code=form.cleaned_data.get("industry_code"))

    def delete_service(self, obj, user):
        services.delete_enterprise(enterprise=obj, user=user)

    def save_formset(self, request, form, formset, change):
        # Inline rows go through the services too, so each is checked and logged like any other write.
        with acting(source="page", user=request.user):
            instances = formset.save(commit=False)
            for obj in formset.deleted_objects:
                services.delete_enterprise_year(enterprise_year=obj, user=request.user)
            for obj in instances:
                services.save_enterprise_year(enterprise_year=obj, user=request.user)
            formset.save_m2m()


EnterpriseZoneFilter = zone_filter("enterprise__zone")


@admin.register(EnterpriseYear)
class EnterpriseYearAdmin(ZoneScopedAdmin):
    list_display = ("enterprise", "year", "above_scale", "land_mu", "tax", "revenue", "employees")
    list_filter = ("year", "above_scale", EnterpriseZoneFilter)
    search_fields = ("enterprise__name", "enterprise__uscc")
    list_select_related = ("enterprise",)
    autocomplete_fields = ("enterprise",)

    def save_service(self, obj, user, form):
        services.save_enterprise_year(enterprise_year=obj, user=user)

    def delete_service(self, obj, user):
        services.delete_enterprise_year(enterprise_year=obj, user=user)
