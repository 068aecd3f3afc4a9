"""App configuration for the working-day calendar."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkdaysConfig(AppConfig):
    name = "yuanqu.workdays"
    label = "workdays"
    verbose_name = _("工作日历")

    def ready(self) -> None:
        from yuanqu.core.changelog import track
        from yuanqu.workdays.models import CalendarDay, CalendarYear

        for model in (CalendarYear, CalendarDay):
            track(model)
