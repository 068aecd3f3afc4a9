"""Admin of the reported figures (restricted to the user's zones, saved through the ranking services) and of the
peer zones (city administrators)."""

from django.contrib import admin

from yuanqu.core.admin import CityAdminOnly, ZoneListFilter, ZoneScopedAdmin
from yuanqu.ranking import services
from yuanqu.ranking.models import PeerZone, ZoneMonth, ZoneYear


@admin.register(ZoneYear)
class ZoneYearAdmin(ZoneScopedAdmin):
    list_display = ("zone", "peer", "year", "gdp", "tax_revenue", "foreign_investment")
    list_filter = ("year", ZoneListFilter)
    list_select_related = ("zone", "peer")

    def save_service(self, obj, user, form):
        services.save_zone_year(zone_year=obj, user=user)

    def delete_service(self, obj, user):
        services.delete_zone_year(zone_year=obj, user=user)


@admin.register(ZoneMonth)
class ZoneMonthAdmin(ZoneScopedAdmin):
    list_display = ("zone", "year", "month", "gdp", "tax_revenue", "foreign_investment")
    list_filter = ("year", "month", ZoneListFilter)
    list_select_related = ("zone",)

    def save_service(self, obj, user, form):
        services.save_zone_month(zone_month=obj, user=user)

    def delete_service(self, obj, user):
        services.delete_zone_month(zone_month=obj, user=user)


@admin.register(PeerZone)
class PeerZoneAdmin(CityAdminOnly):
    list_display = ("name", "code", "level", "city", "note")
    search_fields = ("name", "code", "city")
