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


# --- zone evaluation: methods as data, runs, and each zone's result -------------------------------------------


def zone_method_problems(text: str) -> str | None:
    """The MethodError text (each problem with its line and key) or None when the method is valid."""
    from yuanqu.analytics.zoneranking import MethodError, load_method

    try:
        load_method(text)
    except MethodError as error:
        return str(error)
    return None


class ZoneEvaluationMethod(models.Model):
    """A zone-evaluation method as data (a shipped preset or one an analyst edited), city-wide and never changed
    once stored: an edit stores a new method."""

    name = models.CharField(_("名称"), max_length=200)
    title = models.CharField(_("标题"), max_length=200, blank=True)
    text = models.TextField(_("方法文本"))
    digest = models.CharField(_("摘要"), max_length=64, editable=False)
    preset = models.CharField(_("预置方法"), max_length=100, blank=True)
    created_by = models.ForeignKey(
        "accounts.User", verbose_name=_("创建人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("园区评价方法")
        verbose_name_plural = _("园区评价方法")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.title or self.name

    def save(self, *args, **kwargs) -> None:
        # Validated on every save, whichever path writes it: a stored method always parses, and never changes.
        from django.core.exceptions import ValidationError

        from yuanqu.analytics.zoneranking import MethodError

        if self.pk is not None and not self._state.adding:
            stored = type(self).objects.filter(pk=self.pk).values_list("text", flat=True).first()
            if stored is not None and stored != self.text:
                raise ValidationError({"text": _("已保存的评价方法不能修改，请另存为新方法")})
        try:
            method = self.parsed()
        except MethodError as error:
            raise ValidationError({"text": str(error)}) from None
        self.digest = method.digest
        self.title = self.title or method.title
        super().save(*args, **kwargs)

    def parsed(self):
        from yuanqu.analytics.zoneranking import load_method

        return load_method(self.text, name=self.name)

    @property
    def shown_title(self) -> str:
        """The title in the active language: the method's ``title_en`` on English pages (its title without one)."""
        from django.utils.translation import get_language

        if not (get_language() or "").startswith("en"):
            return self.title or self.name
        from yuanqu.analytics.zoneranking import MethodError

        try:
            return self.parsed().title_en or self.title or self.name
        except MethodError:
            return self.title or self.name


class ZoneEvaluationRun(models.Model):
    """One ranking of one year's reported figures under one method, with the method's text as used; the city
    decides whether zone users see the other zones' names, totals and ranks."""

    method = models.ForeignKey(
        ZoneEvaluationMethod, verbose_name=_("评价方法"), on_delete=models.SET_NULL, null=True, blank=True
    )
    method_name = models.CharField(_("方法名称"), max_length=200)
    method_text = models.TextField(_("方法文本"))
    method_digest = models.CharField(_("方法摘要"), max_length=64)
    year = models.PositiveSmallIntegerField(_("评价年度"))
    others_visible = models.BooleanField(
        _("各园区可见全部排名"),
        default=False,
        help_text=_("开启后，园区用户可看到其他园区的名称、总分和排名（看不到其明细）"),
    )
    created_by = models.ForeignKey(
        "accounts.User", verbose_name=_("创建人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("园区评价结果")
        verbose_name_plural = _("园区评价结果")
        ordering = ["-year", "-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.year} {self.method_name}"


class ZoneEvaluationResult(models.Model):
    """A zone's (or a peer's) place in a run: total, rank in its group and its change, the band of ranks the
    weights' ±10 % allow, reasons, warning, and the details behind them."""

    zone_lookup = "zone"

    run = models.ForeignKey(
        ZoneEvaluationRun, verbose_name=_("评价结果"), on_delete=models.CASCADE, related_name="results"
    )
    zone = models.ForeignKey(
        Zone, verbose_name=_("园区"), on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    peer = models.ForeignKey(
        PeerZone, verbose_name=_("外部园区"), on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("园区名称"), max_length=100)
    level = models.CharField(_("级别"), max_length=20, choices=Zone.Level.choices)
    group = models.CharField(_("排名组"), max_length=30)
    status = models.CharField(_("状态"), max_length=20)
    total = models.FloatField(_("总分"), null=True, blank=True)
    rank = models.PositiveIntegerField(_("排名"), null=True, blank=True)
    group_size = models.PositiveIntegerField(_("组内园区数"), null=True, blank=True)
    previous_rank = models.PositiveIntegerField(_("上年排名"), null=True, blank=True)
    rank_change = models.IntegerField(_("位次变化"), null=True, blank=True)
    rank_best = models.PositiveIntegerField(_("排名区间（高）"), null=True, blank=True)
    rank_worst = models.PositiveIntegerField(_("排名区间（低）"), null=True, blank=True)
    warning = models.CharField(_("预警"), max_length=30, blank=True)
    reason_zh = models.TextField(_("说明"), blank=True)
    reason_en = models.TextField(_("说明（英文）"), blank=True)
    details = models.JSONField(_("明细"), default=dict)

    objects = ZoneScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("园区评价得分")
        verbose_name_plural = _("园区评价得分")
        ordering = ["run_id", "group", "rank", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(zone__isnull=False, peer__isnull=True) | Q(zone__isnull=True, peer__isnull=False),
                name="zone_result_zone_or_peer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.run} {self.name}"

    @property
    def external(self) -> bool:
        return self.peer_id is not None
