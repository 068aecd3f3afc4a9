"""Admin of the city-wide working-day calendar: staff read it, only a city administrator changes it."""

from django.contrib import admin

from yuanqu.core.admin import CityAdminOnly
from yuanqu.workdays.models import CalendarDay, CalendarYear


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
