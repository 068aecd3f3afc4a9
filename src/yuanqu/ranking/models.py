"""The figures zones report to the city, yearly and monthly cumulative from January, in the platform's units; and
the zones outside the platform (peers) whose published figures are ranked alongside."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yuanqu.core.access import ZoneScopedQuerySet
from yuanqu.zones.models import Zone

MONEY = {"max_digits": 18, "decimal_places": 4, "null": True, "blank": True}


class PeerZone(models.Model):
    """A zone outside the platform (a neighbouring city's, the province's published figures), ranked as a peer."""

    code = models.CharField(_("园区代码"), max_length=20, blank=True)
    name = models.CharField(_("园区名称"), max_length=100, unique=True)
    level = models.CharField(_("级别"), max_length=20, choices=Zone.Level.choices, default=Zone.Level.OTHER)
    city = models.CharField(_("所在城市"), max_length=50, blank=True)
    note = models.CharField(_("来源"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("外部园区")
        verbose_name_plural = _("外部园区")
        ordering = ["city", "name"]

    def __str__(self) -> str:
        return f"{self.name}（{self.city}）" if self.city else self.name


class ReportedFigures(models.Model):
    """The figures of ``yuanqu.analytics.zone_figures.FIGURES``, one field each, in their stored units."""

    gdp = models.DecimalField(_("地区生产总值（万元）"), **MONEY)
    budget_revenue = models.DecimalField(_("一般公共预算收入（万元）"), **MONEY)
    tax_revenue = models.DecimalField(_("税收收入（万元）"), **MONEY)
    industrial_output = models.DecimalField(_("规上工业总产值（万元）"), **MONEY)
    industrial_value_added = models.DecimalField(_("规上工业增加值（万元）"), **MONEY)
    industrial_sales = models.DecimalField(_("工业开票销售（万元）"), **MONEY)
    fixed_asset_investment = models.DecimalField(_("固定资产投资（万元）"), **MONEY)
    industrial_investment = models.DecimalField(_("工业投资（万元）"), **MONEY)
    trade = models.DecimalField(_("进出口总额（万元）"), **MONEY)
    foreign_investment = models.DecimalField(_("实际使用外资（万美元）"), **MONEY)
    rd_spending = models.DecimalField(_("研发经费支出（万元）"), **MONEY)
    high_tech_enterprises = models.PositiveIntegerField(_("高新技术企业数（家）"), null=True, blank=True)
    above_scale_enterprises = models.PositiveIntegerField(_("规上工业企业数（家）"), null=True, blank=True)
    energy_tce = models.DecimalField(_("综合能耗（吨标准煤）"), **MONEY)
    industrial_electricity = models.DecimalField(_("工业用电量（万千瓦时）"), **MONEY)
    employees = models.PositiveIntegerField(_("从业人员（人）"), null=True, blank=True)
    specialised_enterprises = models.PositiveIntegerField(_("专精特新企业数（家）"), null=True, blank=True)
    signed_projects = models.PositiveIntegerField(_("新签约亿元以上项目数（个）"), null=True, blank=True)
    signed_investment = models.DecimalField(_("新签约项目总投资（万元）"), **MONEY)
    started_projects = models.PositiveIntegerField(_("新开工亿元以上项目数（个）"), null=True, blank=True)
    completed_projects = models.PositiveIntegerField(_("新竣工亿元以上项目数（个）"), null=True, blank=True)
    revitalised_land = models.DecimalField(_("盘活存量土地（亩）"), **MONEY)
    safety_accidents = models.PositiveIntegerField(_("较大及以上生产安全事故（起）"), null=True, blank=True)
    environmental_incidents = models.PositiveIntegerField(_("突发环境事件（起）"), null=True, blank=True)
    updated = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True


class ZoneYear(ReportedFigures):
    """One year's figures of a zone of the platform, or of a peer outside it (exactly one of the two)."""

    zone_lookup = "zone"

    zone = models.ForeignKey(
        Zone, verbose_name=_("园区"), on_delete=models.CASCADE, related_name="reported_years", null=True, blank=True
    )
    peer = models.ForeignKey(
        PeerZone, verbose_name=_("外部园区"), on_delete=models.CASCADE, related_name="years", null=True, blank=True
    )
    year = models.PositiveSmallIntegerField(_("年度"))

    objects = ZoneScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("园区年度上报数据")
        verbose_name_plural = _("园区年度上报数据")
        ordering = ["zone_id", "peer_id", "year"]
        constraints = [
            models.UniqueConstraint(fields=["zone", "year"], condition=Q(zone__isnull=False), name="zone_year_unique"),
            models.UniqueConstraint(fields=["peer", "year"], condition=Q(peer__isnull=False), name="peer_year_unique"),
            models.CheckConstraint(
                condition=Q(zone__isnull=False, peer__isnull=True) | Q(zone__isnull=True, peer__isnull=False),
                name="zone_year_zone_or_peer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.zone or self.peer} {self.year}"


class ZoneMonth(ReportedFigures):
    """A zone's figures from January to the end of one month (1–N月累计)."""

    zone_lookup = "zone"

    zone = models.ForeignKey(Zone, verbose_name=_("园区"), on_delete=models.CASCADE, related_name="reported_months")
    year = models.PositiveSmallIntegerField(_("年度"))
    month = models.PositiveSmallIntegerField(_("月份"))

    objects = ZoneScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("园区月度上报数据（1–N月累计）")
        verbose_name_plural = _("园区月度上报数据（1–N月累计）")
        ordering = ["zone_id", "year", "month"]
        constraints = [
            models.UniqueConstraint(fields=["zone", "year", "month"], name="zone_month_unique"),
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="zone_month_in_year"),
        ]

    def __str__(self) -> str:
        return f"{self.zone} {self.year}年1–{self.month}月"
