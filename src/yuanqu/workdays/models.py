"""The working-day calendar as data: the years whose holiday notice is in, and the days that differ from Monday–Friday.

Seeded from the ``holidays`` package and editable, since a year's notice is published only in the November before.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarYear(models.Model):
    """A year of the working-day calendar and whether its State Council holiday notice is in the data."""

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    published = models.BooleanField(_("放假安排已公布"), default=False)
    source = models.CharField(_("来源"), max_length=100, blank=True)
    updated = models.DateTimeField(_("更新时间"), auto_now=True)

    changelog_exclude = ("updated",)

    class Meta:
        verbose_name = _("日历年份")
        verbose_name_plural = _("日历年份")
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(models.Model):
    """A weekday holiday (放假) or a weekend make-up workday (调休上班); other days follow Monday–Friday."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("放假")
        WORKDAY = "workday", _("调休上班")

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=100, blank=True)
    updated = models.DateTimeField(_("更新时间"), auto_now=True)

    changelog_exclude = ("updated",)

    class Meta:
        verbose_name = _("节假日与调休")
        verbose_name_plural = _("节假日与调休")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.name}".strip()
