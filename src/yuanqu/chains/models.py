"""Industry chains (产业链): a chain's links (环节) upstream to downstream, the corrections people make to which
firms fill a link, the projects tagged with the link they fill, and the target firms for a link."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from yuanqu.analytics.chains import split_list
from yuanqu.core.access import ZoneScopedQuerySet, editable_zone_ids, visible_zone_ids


class SharedScopedQuerySet(ZoneScopedQuerySet):
    """Rows that belong to several zones at once (a chain serves every zone whose leading industry it is).

    A user sees a row when one of its zones is theirs, and may change it only when all of them are.
    """

    def restrict(self, user, action: str = "view"):
        ids = visible_zone_ids(user) if action == "view" else editable_zone_ids(user)
        if ids is None:
            return self
        lookup = self.model.zone_lookup
        visible = self.filter(**{f"{lookup}__in": ids}).values("pk")
        queryset = self.filter(pk__in=visible)
        if action != "view":
            elsewhere = self.model._base_manager.filter(**{f"{lookup}__isnull": False}).exclude(
                **{f"{lookup}__in": ids}
            )
            queryset = queryset.exclude(pk__in=elsewhere.values("pk"))
        return queryset


class Position(models.TextChoices):
    UPSTREAM = "upstream", _("上游")
    MIDSTREAM = "midstream", _("中游")
    DOWNSTREAM = "downstream", _("下游")


class Chain(models.Model):
    """An industry chain a zone promotes, owned by a chain leader (链长), with its links."""

    zone_lookup = "zones"

    name = models.CharField(_("产业链"), max_length=100, unique=True)
    owner = models.CharField(_("链长"), max_length=100, blank=True, help_text=_("负责该产业链的市或园区领导"))
    zones = models.ManyToManyField(
        "zones.Zone", verbose_name=_("主导产业园区"), related_name="chains", help_text=_("以该产业链为主导产业的园区")
    )
    leading_enterprises = models.ManyToManyField(
        "enterprises.Enterprise",
        verbose_name=_("链主企业"),
        related_name="led_chains",
        blank=True,
        help_text=_("本地龙头企业，其供应商和客户是首选招商目标"),
    )
    weak_below = models.PositiveSmallIntegerField(
        _("薄弱阈值"), default=3, help_text=_("企业数少于此数的环节为薄弱环节")
    )
    description = models.TextField(_("说明"), blank=True)
    preset = models.CharField(_("预设"), max_length=50, blank=True, editable=False)
    updated = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = SharedScopedQuerySet.as_manager()
    changelog_exclude = ("updated",)

    class Meta:
        verbose_name = _("产业链")
        verbose_name_plural = _("产业链")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ChainNode(models.Model):
    """A link (环节) of a chain: its place upstream to downstream, and the classes and keywords of its firms."""

    zone_lookup = "chain__zones"

    chain = models.ForeignKey(Chain, verbose_name=_("产业链"), on_delete=models.CASCADE, related_name="nodes")
    code = models.CharField(_("环节编号"), max_length=20)
    name = models.CharField(_("环节名称"), max_length=100)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级环节"), on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    position = models.CharField(_("环节类型"), max_length=12, choices=Position.choices, default=Position.MIDSTREAM)
    industry_codes = models.CharField(
        _("行业代码"), max_length=300, blank=True, help_text=_("GB/T 4754-2017 四位小类，以逗号分隔")
    )
    keywords = models.CharField(_("关键词"), max_length=500, blank=True, help_text=_("主要产品中的关键词，以逗号分隔"))
    nbs_category = models.CharField(
        _("统计分类"),
        max_length=200,
        blank=True,
        help_text=_("所依据的国家统计局分类及类别，如战略性新兴产业分类 6.3.1"),
    )
    order = models.PositiveIntegerField(_("顺序"), default=0)

    objects = SharedScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("产业链环节")
        verbose_name_plural = _("产业链环节")
        ordering = ["chain_id", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["chain", "code"], name="chain_node_code_unique")]

    def __str__(self) -> str:
        return f"{self.chain.name} · {self.code} {self.name}"

    @property
    def class_list(self) -> list[str]:
        return split_list(self.industry_codes)

    @property
    def keyword_list(self) -> list[str]:
        return split_list(self.keywords)


class ChainFirm(models.Model):
    """A person's correction of which firms fill a link: confirm or add a firm, or exclude a matched one.

    Kept over every later computation of the coverage."""

    class Decision(models.TextChoices):
        INCLUDE = "include", _("确认或添加")
        EXCLUDE = "exclude", _("排除")

    zone_lookup = "enterprise__zone"

    node = models.ForeignKey(ChainNode, verbose_name=_("环节"), on_delete=models.CASCADE, related_name="corrections")
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.CASCADE, related_name="chain_corrections"
    )
    decision = models.CharField(_("处理"), max_length=10, choices=Decision.choices)
    note = models.CharField(_("备注"), max_length=300, blank=True)
    updated = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ZoneScopedQuerySet.as_manager()
    changelog_exclude = ("updated",)

    class Meta:
        verbose_name = _("环节企业校正")
        verbose_name_plural = _("环节企业校正")
        ordering = ["node_id", "enterprise_id"]
        constraints = [models.UniqueConstraint(fields=["node", "enterprise"], name="chain_firm_unique")]

    def __str__(self) -> str:
        return f"{self.node} · {self.enterprise} ({self.get_decision_display()})"


class ProjectKind(models.TextChoices):
    FILL = "fill", _("补链")
    STRENGTHEN = "strengthen", _("强链")
    EXTEND = "extend", _("延链")


class ChainProject(models.Model):
    """A project of the ledger tagged with the link it fills, and how (补链, 强链 or 延链)."""

    zone_lookup = "project__zone"

    project = models.OneToOneField(
        "projects.Project", verbose_name=_("项目"), on_delete=models.CASCADE, related_name="chain_link"
    )
    node = models.ForeignKey(ChainNode, verbose_name=_("环节"), on_delete=models.CASCADE, related_name="projects")
    kind = models.CharField(_("作用"), max_length=12, choices=ProjectKind.choices, default=ProjectKind.FILL)

    objects = ZoneScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("项目所属环节")
        verbose_name_plural = _("项目所属环节")
        ordering = ["node_id", "project_id"]

    def __str__(self) -> str:
        return f"{self.project} → {self.node} ({self.get_kind_display()})"


class TargetFirm(models.Model):
    """A firm a zone wants to bring in for a link (招商目标企业), and how far the approach has gone."""

    class Status(models.TextChoices):
        TO_CONTACT = "to_contact", _("待联系")
        CONTACTED = "contacted", _("已联系")
        VISITING = "visiting", _("考察中")
        LEAD = "lead", _("已转线索")

    class Relation(models.TextChoices):
        SUPPLIER = "supplier", _("供应商")
        CUSTOMER = "customer", _("客户")

    zone_lookup = "zone"

    node = models.ForeignKey(ChainNode, verbose_name=_("环节"), on_delete=models.CASCADE, related_name="targets")
    zone = models.ForeignKey(
        "zones.Zone", verbose_name=_("园区"), on_delete=models.PROTECT, related_name="chain_targets"
    )
    name = models.CharField(_("企业名称"), max_length=200)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    location = models.CharField(_("所在地"), max_length=200, blank=True)
    reason = models.TextField(_("推荐理由"), blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.TO_CONTACT)
    via_enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("关联链主企业"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    relation = models.CharField(_("关系"), max_length=10, choices=Relation.choices, blank=True)
    project = models.ForeignKey(
        "projects.Project", verbose_name=_("项目"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ZoneScopedQuerySet.as_manager()
    changelog_exclude = ("updated",)

    class Meta:
        verbose_name = _("招商目标企业")
        verbose_name_plural = _("招商目标企业")
        ordering = ["node_id", "name"]
        constraints = [models.UniqueConstraint(fields=["node", "zone", "name"], name="chain_target_unique")]

    def __str__(self) -> str:
        return f"{self.name} → {self.node}"
