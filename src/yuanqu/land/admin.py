"""Admin of parcels: restricted to the user's zones, saved through the land services (polygons via import)."""

from django.contrib import admin

from yuanqu.core.admin import ZoneListFilter, ZoneScopedAdmin
from yuanqu.land.models import Parcel
from yuanqu.land.services import delete_parcel, save_parcel


@admin.register(Parcel)
class ParcelAdmin(ZoneScopedAdmin):
    list_display = ("code", "zone", "land_use", "area_mu", "supplied_on", "started_on", "completed_on")
    list_filter = ("land_use", ZoneListFilter)
    search_fields = ("code",)
    list_select_related = ("zone",)
    readonly_fields = ("area_mu", "source_srid")
    exclude = ("geometry", "geometry_lonlat")

    def get_queryset(self, request):
        # The polygons are not shown here; leaving them out keeps the list light.
        return super().get_queryset(request).defer("geometry", "geometry_lonlat")

    def save_service(self, obj, user, form):
        save_parcel(parcel=obj, user=user)

    def delete_service(self, obj, user):
        delete_parcel(parcel=obj, user=user)
