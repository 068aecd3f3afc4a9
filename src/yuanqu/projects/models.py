"""Investment projects, their stage history, stage deadlines, agreements and admission checks.

Leader (挂钩领导) and agent (代办员) are free-text names, not user accounts: the city leader linked to a
project and the agent who walks it through approvals usually have no login, yet alerts must name them.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yuanqu.analytics.industry import DIVISIONS
from yuanqu.core.access import ZoneScopedQuerySet

MONEY = {"max_digits": 18, "decimal_places": 4}


class Stage(models.TextChoices):
    LEAD = "lead", _("线索")
    NEGOTIATING = "negotiating", _("洽谈")
    SIGNED = "signed", _("签约")
    REGISTERED = "registered", _("注册")
    LAND_SUPPLIED = "land_supplied", _("供地")
    STARTED = "started", _("开工")
    COMPLETED = "completed", _("竣工")
    IN_PRODUCTION = "in_production", _("投产")
    AT_CAPACITY = "at_capacity", _("达产")
    DROPPED = "dropped", _("终止")


# The stages a project moves through, in order; "dropped" stands outside the order.
STAGE_ORDER = [s for s in Stage.values if s != Stage.DROPPED]


def stage_rank(stage: str) -> int | None:
    """Position of the stage in the order; None for dropped."""
    return STAGE_ORDER.index(stage) if stage in STAGE_ORDER else None


class InvestorCapacity(models.TextChoices):
    """The screening judgement (甄别) on whether the investor can carry the project; blank: not judged yet."""

    STRONG = "strong", _("实力强")
    ADEQUATE = "adequate", _("实力一般")
    DOUBTFUL = "doubtful", _("实力存疑")


class Project(models.Model):
    """An investment project of a zone (a sub-park is a zone with a parent)."""

    zone_lookup = "zone"

    name = models.CharField(_("项目名称"), max_length=200)
    zone = models.ForeignKey(
        "zones.Zone", verbose_name=_("所属园区"), on_delete=models.PROTECT, related_name="projects"
    )
    investor = models.CharField(_("投资方"), max_length=200, blank=True)
    investor_origin = models.CharField(_("投资方来源地"), max_length=100, blank=True, help_text=_("国家或地区"))
    industry_code = models.CharField(_("行业代码"), max_length=4, blank=True, help_text=_("GB/T 4754-2017"))
    industry_section = models.CharField(_("行业门类"), max_length=1, blank=True, editable=False)
    industry_division = models.CharField(_("行业大类"), max_length=2, blank=True, editable=False, db_index=True)
    total_investment = models.DecimalField(_("总投资（万元）"), **MONEY, null=True, blank=True)
    fixed_asset_investment = models.DecimalField(_("固定资产投资（万元）"), **MONEY, null=True, blank=True)
    foreign_investment = models.DecimalField(_("外资（万美元）"), **MONEY, null=True, blank=True)
    land_mu = models.DecimalField(_("用地需求（亩）"), max_digits=14, decimal_places=4, null=True, blank=True)
    lead_source = models.CharField(_("信息来源"), max_length=200, blank=True)
    contact_verified = models.BooleanField(_("联系人已核实"), default=False)
    investor_capacity = models.CharField(
        _("投资方实力"),
        max_length=10,
        choices=InvestorCapacity.choices,
        blank=True,
        help_text=_("甄别判断：投资方有无能力实施该项目"),
    )
    is_top500 = models.BooleanField(_("世界 500 强"), default=False)
    is_china_top100_private = models.BooleanField(_("中国民企 100 强"), default=False)
    is_regional_hq = models.BooleanField(_("区域总部"), default=False)
    leader = models.CharField(_("挂钩领导"), max_length=100, blank=True)
    agent = models.CharField(_("代办员"), max_length=100, blank=True)
    parcel = models.ForeignKey(
        "land.Parcel",
        verbose_name=_("地块"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="projects",
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("企业"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="projects",
    )
    stage = models.CharField(_("阶段"), max_length=20, choices=Stage.choices, default=Stage.LEAD, editable=False)
    dropped_reason = models.TextField(_("终止原因"), blank=True, editable=False)
    created = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ZoneScopedQuerySet.as_manager()
    changelog_exclude = ("created", "updated")

    class Meta:
        verbose_name = _("项目")
        verbose_name_plural = _("项目")
        ordering = ["-created", "name"]
        indexes = [models.Index(fields=["zone", "stage"], name="project_zone_stage_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(total_investment__isnull=True) | Q(total_investment__gte=0),
                name="project_total_investment_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def industry_label(self) -> str:
        if not self.industry_division:
            return ""
        return f"{self.industry_section}{self.industry_code} {DIVISIONS[self.industry_division][0]}"

    @property
    def total_investment_yi(self):
        """Total investment in 亿元 (the unit the reports show)."""
        return None if self.total_investment is None else self.total_investment / 10000


class StageEvent(models.Model):
    """One dated stage transition of a project, with who recorded it; the events are its timeline."""

    zone_lookup = "project__zone"

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="events")
    from_stage = models.CharField(_("原阶段"), max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField(_("新阶段"), max_length=20, choices=Stage.choices)
    on = models.DateField(_("日期"))
    recorded_by = models.ForeignKey(
        "accounts.User", verbose_name=_("记录人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(_("原因"), blank=True)
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    objects = ZoneScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("阶段记录")
        verbose_name_plural = _("阶段记录")
        ordering = ["project_id", "on", "recorded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.project} {self.get_from_stage_display()} → {self.get_to_stage_display()} {self.on}"


class StageDeadline(models.Model):
    """A rule: a project must reach ``to_stage`` within ``days`` (working or calendar) of reaching ``from_stage``."""

    class Unit(models.TextChoices):
        WORKDAYS = "workdays", _("工作日")
        CALENDAR = "calendar", _("自然日")

    from_stage = models.CharField(_("起始阶段"), max_length=20, choices=Stage.choices)
    to_stage = models.CharField(_("目标阶段"), max_length=20, choices=Stage.choices)
    days = models.PositiveIntegerField(_("期限（天）"))
    unit = models.CharField(_("计算方式"), max_length=10, choices=Unit.choices, default=Unit.WORKDAYS)
    label = models.CharField(_("名称"), max_length=100, blank=True)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("阶段期限")
        verbose_name_plural = _("阶段期限")
        ordering = ["from_stage", "to_stage"]
        constraints = [
            models.UniqueConstraint(fields=["from_stage", "to_stage"], name="stage_deadline_unique"),
        ]

    def __str__(self) -> str:
        return self.label or f"{self.get_from_stage_display()} → {self.get_to_stage_display()}"

    def english_name(self) -> str:
        """The rule in English: its two stages (a label is written by the city, in Chinese)."""
        from django.utils import translation

        with translation.override("en"):
            return f"{self.get_from_stage_display()} → {self.get_to_stage_display()}"

    def clean(self) -> None:
        a, b = stage_rank(self.from_stage), stage_rank(self.to_stage)
        if a is None or b is None or b <= a:
            raise ValidationError(_("期限的目标阶段须在起始阶段之后，且不能是终止"))


class Agreement(models.Model):
    """What the investor promised when signing (投资协议): investment, land, dates, output and tax per mu."""

    zone_lookup = "project__zone"

    project = models.OneToOneField(Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="agreement")
    signed_on = models.DateField(_("协议签订日期"), null=True, blank=True)
    total_investment = models.DecimalField(_("承诺总投资（万元）"), **MONEY, null=True, blank=True)
    intensity = models.DecimalField(_("承诺投资强度（万元/亩）"), **MONEY, null=True, blank=True)
    land_mu = models.DecimalField(_("约定用地（亩）"), max_digits=14, decimal_places=4, null=True, blank=True)
    start_by = models.DateField(_("约定开工日期"), null=True, blank=True)
    production_by = models.DateField(_("约定投产日期"), null=True, blank=True)
    output_per_mu = models.DecimalField(_("达产后亩均产值（万元/亩）"), **MONEY, null=True, blank=True)
    tax_per_mu = models.DecimalField(_("达产后亩均税收（万元/亩）"), **MONEY, null=True, blank=True)

    objects = ZoneScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("投资协议")
        verbose_name_plural = _("投资协议")

    def __str__(self) -> str:
        return f"{self.project}"


class AdmissionRules(models.Model):
    """The city's admission rules (准入) before signing; one row. Empty rules check nothing."""

    negative_list = models.TextField(
        _("行业负面清单"),
        blank=True,
        help_text=_("GB/T 4754 代码，每行或逗号分隔一个；可写门类字母、大类或更细代码，如 C25、2511"),
    )
    min_intensity = models.DecimalField(_("最低投资强度（万元/亩）"), **MONEY, null=True, blank=True)
    intensity_by_division = models.JSONField(
        _("分行业最低投资强度"),
        default=dict,
        blank=True,
        help_text=_('按行业大类：{"39": 400}，未列出的用最低投资强度'),
    )
    min_tax_per_mu = models.DecimalField(_("最低承诺亩均税收（万元/亩）"), **MONEY, null=True, blank=True)

    class Meta:
        verbose_name = _("准入规则")
        verbose_name_plural = _("准入规则")

    def __str__(self) -> str:
        return str(_("准入规则"))

    @property
    def empty(self) -> bool:
        return not (
            self.negative_list.strip() or self.min_intensity or self.intensity_by_division or self.min_tax_per_mu
        )


class AdmissionCheck(models.Model):
    """One run of the admission rules on a project, its report, and the reason if it was signed anyway."""

    zone_lookup = "project__zone"

    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="admission_checks"
    )
    checked_at = models.DateTimeField(_("检查时间"), auto_now_add=True)
    checked_by = models.ForeignKey(
        "accounts.User", verbose_name=_("检查人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    passed = models.BooleanField(_("通过"))
    report = models.JSONField(_("检查结果"), default=list)
    override_reason = models.TextField(_("未通过仍签约的理由"), blank=True)

    objects = ZoneScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("准入检查")
        verbose_name_plural = _("准入检查")
        ordering = ["project_id", "-checked_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.project} {self.checked_at:%Y-%m-%d}"


class AlertResponse(models.Model):
    """What someone did about one alert of a project: acknowledged it, or snoozed it until a date, with a reason.

    ``key`` names the alert within its project (``deadline:<rule>``, ``stalled:<stage>``, ``agreement``,
    ``idle_land:<parcel>``), so that a new alert of the same project is not hidden by an old response.
    """

    class Action(models.TextChoices):
        ACKNOWLEDGED = "acknowledged", _("已知悉")
        SNOOZED = "snoozed", _("暂缓")

    zone_lookup = "project__zone"

    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="alert_responses"
    )
    key = models.CharField(_("提醒"), max_length=60)
    kind = models.CharField(_("类型"), max_length=20)
    action = models.CharField(_("处理"), max_length=20, choices=Action.choices)
    until = models.DateField(_("暂缓至"), null=True, blank=True)
    reason = models.TextField(_("说明"), blank=True)
    responded_by = models.ForeignKey(
        "accounts.User", verbose_name=_("处理人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    responded_at = models.DateTimeField(_("处理时间"), auto_now=True)

    objects = ZoneScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("提醒处理")
        verbose_name_plural = _("提醒处理")
        ordering = ["project_id", "key"]
        constraints = [models.UniqueConstraint(fields=["project", "key"], name="alert_response_unique")]

    def __str__(self) -> str:
        return f"{self.project} {self.key} {self.get_action_display()}"
