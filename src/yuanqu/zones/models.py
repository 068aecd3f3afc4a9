"""Development zones (开发区) and sub-parks (一区多园 / 区中园)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yuanqu.core.access import ZoneScopedQuerySet


class Zone(models.Model):
    """A development zone or a sub-park inside one."""

    class Level(models.TextChoices):
        NATIONAL = "national", _("国家级")
        PROVINCIAL = "provincial", _("省级")
        OTHER = "other", _("其他")

    class Kind(models.TextChoices):
        ETDZ = "etdz", _("经济技术开发区")
        HTZ = "htz", _("高新技术产业开发区")
        BONDED = "bonded", _("海关特殊监管区域")
        BORDER = "border", _("边境/跨境经济合作区")
        PROVINCIAL_DZ = "provincial_dz", _("省级开发区")
        INDUSTRIAL_CLUSTER = "industrial_cluster", _("乡镇工业集中区")
        OTHER = "other", _("其他")

    zone_lookup = "pk"

    code = models.CharField(_("园区代码"), max_length=32, blank=True, help_text=_("开发区审核公告目录代码，可空"))
    name = models.CharField(_("园区名称"), max_length=100, unique=True)
    short_name = models.CharField(_("简称"), max_length=40, blank=True)
    level = models.CharField(_("级别"), max_length=20, choices=Level.choices, default=Level.OTHER)
    kind = models.CharField(_("类型"), max_length=30, choices=Kind.choices, default=Kind.OTHER)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级园区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    approved_on = models.DateField(_("批准时间"), null=True, blank=True)
    approved_area_ha = models.DecimalField(
        _("核准面积（公顷）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    leading_industries = models.CharField(_("主导产业"), max_length=300, blank=True)
    boundary = models.BinaryField(_("边界"), null=True, blank=True, help_text=_("WKB，CGCS2000 经纬度（EPSG:4490）"))
    created = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ZoneScopedQuerySet.as_manager()
    changelog_exclude = ("created", "updated")

    class Meta:
        verbose_name = _("园区")
        verbose_name_plural = _("园区")
        ordering = ["code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["code"], condition=~Q(code=""), name="zone_unique_code"),
            models.CheckConstraint(condition=~Q(parent=models.F("pk")), name="zone_not_own_parent"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    def ancestors(self) -> list["Zone"]:
        """The chain of parents, nearest first."""
        chain, node, seen = [], self.parent, {self.pk}
        while node is not None and node.pk not in seen:
            chain.append(node)
            seen.add(node.pk)
            node = node.parent
        return chain
