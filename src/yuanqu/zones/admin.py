"""Admin of zones: restricted to the user's zones, saved through the zone services."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from yuanqu.core.admin import ZoneScopedAdmin
from yuanqu.zones.models import Zone
from yuanqu.zones.services import check_parent, delete_zone, save_zone


class ZoneAdminForm(forms.ModelForm):
    class Meta:
        model = Zone
        fields = [
            "code",
            "name",
            "short_name",
            "level",
            "kind",
            "parent",
            "approved_on",
            "approved_area_ha",
            "leading_industries",
        ]

    def clean(self):
        data = super().clean()
        # The service refuses a cycle too; checking here shows it on the form instead of as an error page.
        try:
            probe = Zone(pk=self.instance.pk, parent=data.get("parent"))
            check_parent(probe)
        except ValidationError as exc:
            self.add_error("parent", exc.message_dict.get("parent"))
        return data


@admin.register(Zone)
class ZoneAdmin(ZoneScopedAdmin):
    form = ZoneAdminForm
    list_display = ("name", "code", "short_name", "level", "kind", "parent", "approved_on")
    list_filter = ("level", "kind")
    search_fields = ("name", "short_name", "code")
    list_select_related = ("parent",)
    zone_fields = ("parent",)

    def save_service(self, obj, user, form):
        save_zone(zone=obj, user=user)

    def delete_service(self, obj, user):
        delete_zone(zone=obj, user=user)
