"""Enterprises (企业), the parcels they use, and one row of figures per enterprise and year."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yuanqu.analytics.industry import DIVISIONS, SECTIONS, class_name
from yuanqu.core.access import ZoneScopedQuerySet

MONEY = {"max_digits": 18, "decimal_places": 4}
QUANTITY = {"max_digits": 16, "decimal_places": 4}


class Enterprise(models.Model):
    """An enterprise registered in a zone, identified by its unified social credit code."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("存续")
        SUSPENDED = "suspended", _("停产")
        RELOCATED = "relocated", _("迁出")
        CLOSED = "closed", _("注销")

    class Specialised(models.TextChoices):
        """专精特新: the ladder of recognitions, lowest first ("" for none)."""

        INNOVATIVE = "innovative", _("创新型中小企业")
        PROVINCIAL = "provincial", _("省级专精特新中小企业")
        LITTLE_GIANT = "little_giant", _("国家级专精特新“小巨人”")

    class Listing(models.TextChoices):
        PREPARING = "preparing", _("拟上市")
        LISTED = "listed", _("已上市")

    zone_lookup = "zone"

    uscc = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    name = models.CharField(_("企业名称"), max_length=200)
    zone = models.ForeignKey(
        "zones.Zone", verbose_name=_("所属园区"), on_delete=models.PROTECT, related_name="enterprises"
    )
    industry_code = models.CharField(_("行业代码"), max_length=4, blank=True, help_text=_("GB/T 4754-2017"))
    industry_section = models.CharField(_("行业门类"), max_length=1, blank=True, editable=False)
    industry_division = models.CharField(_("行业大类"), max_length=2, blank=True, editable=False, db_index=True)
    main_products = models.TextField(
        _("主要产品"), blank=True, help_text=_("主要产品或服务，以逗号或顿号分隔；产业链按关键词匹配")
    )
    business_scope = models.TextField(_("经营范围"), blank=True, help_text=_("营业执照上的经营范围"))
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    production_started_on = models.DateField(_("投产日期"), null=True, blank=True)
    # Key-enterprise flags (重点企业 and what makes a firm one): read by the service and chain apps.
    key_enterprise = models.BooleanField(_("重点企业"), default=False, db_index=True)
    specialised = models.CharField(_("专精特新"), max_length=20, choices=Specialised.choices, blank=True)
    high_tech = models.BooleanField(
        _("高新技术企业"), default=False, help_text=_("当前有效的高新技术企业认定（各年度情况见年度数据）")
    )
    listing = models.CharField(_("上市情况"), max_length=20, choices=Listing.choices, blank=True)
    chain_leader = models.BooleanField(_("链主企业"), default=False)
    top_taxpayer_rank = models.PositiveSmallIntegerField(
        _("纳税大户位次"), null=True, blank=True, help_text=_("在本地纳税百强中的位次，1 为最高")
    )
    contact_name = models.CharField(_("企业联系人"), max_length=100, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=40, blank=True)
    created = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ZoneScopedQuerySet.as_manager()
    changelog_exclude = ("created", "updated")
    # The key-enterprise flags and the enterprise's own contact, in the order forms and files show them.
    KEY_FIELDS = (
        "key_enterprise",
        "specialised",
        "high_tech",
        "listing",
        "chain_leader",
        "top_taxpayer_rank",
        "contact_name",
        "contact_phone",
    )

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        ordering = ["name"]
        # The list pages through (name, id) in order: an index-only walk, however deep the page.
        indexes = [
            models.Index(fields=["zone", "name"], name="enterprise_zone_name_idx"),
            models.Index(fields=["name", "id"], name="enterprise_name_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(top_taxpayer_rank__gte=1), name="enterprise_top_taxpayer_rank_positive")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def flag_labels(self) -> list[str]:
        """The key-enterprise flags it carries, as short labels in the language of the request."""
        labels = []
        if self.key_enterprise:
            labels.append(str(_("重点企业")))
        if self.specialised:
            labels.append(self.get_specialised_display())
        if self.high_tech:
            labels.append(str(_("高新技术企业")))
        if self.listing:
            labels.append(self.get_listing_display())
        if self.chain_leader:
            labels.append(str(_("链主企业")))
        if self.top_taxpayer_rank:
            labels.append(str(_("纳税第 %(rank)s 位")) % {"rank": self.top_taxpayer_rank})
        return labels

    @property
    def industry_label(self) -> str:
        if not self.industry_division:
            return ""
        return f"{self.industry_section}{self.industry_code} {DIVISIONS[self.industry_division][0]}"

    @property
    def industry_class_name(self) -> str:
        """The name of the four-digit class (GB/T 4754-2017), e.g. 锂离子电池制造; "" for a shorter code."""
        return class_name(self.industry_code) if len(self.industry_code) == 4 else ""

    @property
    def industry_section_name(self) -> str:
        return SECTIONS[self.industry_section][0] if self.industry_section else ""


class EnterpriseYear(models.Model):
    """One enterprise's figures for one year: land, tax, output, energy, emissions, people."""

    zone_lookup = "enterprise__zone"
    # The yearly figures, in the order forms, the API and the evaluation use them.
    FIGURES = (
        "above_scale",
        "land_mu",
        "tax",
        "revenue",
        "industrial_output",
        "value_added",
        "energy_tce",
        "electricity",
        "emissions",
        "rd_spending",
        "employees",
        "high_tech",
        "incident",
    )

    # No index of its own: the unique (enterprise, year) index serves lookups by enterprise.
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="years", db_index=False
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    above_scale = models.BooleanField(_("是否规上"), default=False)
    land_mu = models.DecimalField(_("用地面积（亩）"), max_digits=14, decimal_places=4, null=True, blank=True)
    tax = models.DecimalField(_("实缴税收（万元）"), **MONEY, null=True, blank=True)
    revenue = models.DecimalField(_("营业收入（万元）"), **MONEY, null=True, blank=True)
    industrial_output = models.DecimalField(_("工业总产值（万元）"), **MONEY, null=True, blank=True)
    value_added = models.DecimalField(_("工业增加值（万元）"), **MONEY, null=True, blank=True)
    energy_tce = models.DecimalField(_("综合能耗（吨标准煤）"), **QUANTITY, null=True, blank=True)
    electricity = models.DecimalField(_("用电量（万千瓦时）"), **QUANTITY, null=True, blank=True)
    emissions = models.DecimalField(_("主要污染物排放量（吨）"), **QUANTITY, null=True, blank=True)
    rd_spending = models.DecimalField(_("研发经费（万元）"), **MONEY, null=True, blank=True)
    employees = models.PositiveIntegerField(_("从业人员（人）"), null=True, blank=True)
    high_tech = models.BooleanField(_("高新技术企业"), default=False)
    incident = models.BooleanField(_("发生安全或环保事故"), default=False)
    updated = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ZoneScopedQuerySet.as_manager()
    changelog_exclude = ("updated",)

    class Meta:
        verbose_name = _("企业年度数据")
        verbose_name_plural = _("企业年度数据")
        ordering = ["enterprise_id", "year"]
        # Lists and the dashboard read one year of every enterprise, and the latest year there is. The list joins
        # every enterprise to its row of the year for its tax, land and scale: the first index carries those in
        # the order of the enterprises, so the join and its count read it alone; the second gives a page sorted by
        # tax a page long.
        indexes = [
            models.Index(
                fields=["year", "enterprise", "tax", "land_mu", "above_scale"], name="enterprise_year_firms_idx"
            ),
            models.Index(fields=["year", "-tax", "enterprise"], name="enterprise_year_tax_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "year"], name="enterprise_year_unique"),
            models.CheckConstraint(condition=Q(year__gte=1949) & Q(year__lte=2100), name="enterprise_year_plausible"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.year}"

    @property
    def tax_per_mu(self):
        if self.tax is None or not self.land_mu:
            return None
        return self.tax / self.land_mu
