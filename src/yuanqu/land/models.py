"""Parcels (地块 / 宗地): polygon, area in mu, land use, and the dates and figures of its development."""

import math

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yuanqu.core.access import ZoneScopedQuerySet

MONEY = {"max_digits": 18, "decimal_places": 4}
AREA_MU = {"max_digits": 14, "decimal_places": 4}
AREA_M2 = {"max_digits": 16, "decimal_places": 2}


LAT_BAND_DEGREES = 0.01
"""Parcels are indexed by the band of latitude, this many degrees high (about 1.1 km), their southern edge lies in
(Parcel.lat_band): with the western edge next in the index, the parcels of a map tile are found by a few short
seeks instead of a scan of every parcel in the tile's band of longitude."""


BBOX_FIELDS = ("min_lon", "min_lat", "max_lon", "max_lat", "lat_band")
"""The fields a parcel's polygon sets to find it on the map (its lon/lat bounding box and latitude band)."""


def lat_band(min_lat: float | None) -> int | None:
    """The latitude band of a southern edge (see LAT_BAND_DEGREES)."""
    return None if min_lat is None else math.floor(min_lat / LAT_BAND_DEGREES)


class Parcel(models.Model):
    """A parcel of land in a zone, with its polygon in the CRS it came in."""

    # The dates and figures the land-status rules read, in the order the ledger and importer use.
    DATE_FIELDS = (
        "approved_on",
        "supplied_on",
        "agreed_start_on",
        "started_on",
        "completed_on",
        "halted_since",
        "revitalised_on",
    )
    FIGURE_FIELDS = (
        "developed_area_mu",
        "total_investment",
        "invested",
        "planned_floor_area_m2",
        "built_floor_area_m2",
        "footprint_m2",
        "land_price",
    )

    class LandUse(models.TextChoices):
        INDUSTRIAL = "industrial", _("工业用地")
        WAREHOUSE = "warehouse", _("仓储用地")
        COMMERCIAL = "commercial", _("商服用地")
        RESIDENTIAL = "residential", _("住宅用地")
        PUBLIC_SERVICE = "public_service", _("公共管理与公共服务用地")
        INFRASTRUCTURE = "infrastructure", _("交通运输与公用设施用地")
        OTHER = "other", _("其他用地")

    class DelayCause(models.TextChoices):
        GOVERNMENT = "government", _("政府原因")
        HOLDER = "holder", _("企业原因")

    zone_lookup = "zone"

    zone = models.ForeignKey("zones.Zone", verbose_name=_("园区"), on_delete=models.PROTECT, related_name="parcels")
    code = models.CharField(_("地块编号"), max_length=64)
    land_use = models.CharField(_("用地性质"), max_length=20, choices=LandUse.choices, default=LandUse.INDUSTRIAL)
    geometry = models.BinaryField(_("图形"), null=True, blank=True, help_text=_("WKB，原始坐标系"))
    source_srid = models.PositiveIntegerField(_("原始坐标系 EPSG"), null=True, blank=True)
    geometry_lonlat = models.BinaryField(_("经纬度图形"), null=True, blank=True, help_text=_("WKB，EPSG:4490"))
    min_lon = models.FloatField(null=True, blank=True, editable=False)
    min_lat = models.FloatField(null=True, blank=True, editable=False)
    max_lon = models.FloatField(null=True, blank=True, editable=False)
    max_lat = models.FloatField(null=True, blank=True, editable=False)
    lat_band = models.IntegerField(null=True, blank=True, editable=False)
    area_mu = models.DecimalField(_("面积（亩）"), **AREA_MU, null=True, blank=True)

    approved_on = models.DateField(_("批准日期"), null=True, blank=True)
    supplied_on = models.DateField(_("供地日期"), null=True, blank=True)
    agreed_start_on = models.DateField(_("约定开工日期"), null=True, blank=True)
    started_on = models.DateField(_("实际开工日期"), null=True, blank=True)
    completed_on = models.DateField(_("竣工日期"), null=True, blank=True)
    halted_since = models.DateField(_("停工日期"), null=True, blank=True)
    delay_cause = models.CharField(_("延迟原因"), max_length=20, choices=DelayCause.choices, blank=True)
    developed_area_mu = models.DecimalField(_("已开发用地面积（亩）"), **AREA_MU, null=True, blank=True)
    total_investment = models.DecimalField(_("总投资（万元）"), **MONEY, null=True, blank=True)
    invested = models.DecimalField(_("已完成投资（万元）"), **MONEY, null=True, blank=True)
    planned_floor_area_m2 = models.DecimalField(_("规划建筑面积（平方米）"), **AREA_M2, null=True, blank=True)
    built_floor_area_m2 = models.DecimalField(_("已建建筑面积（平方米）"), **AREA_M2, null=True, blank=True)
    footprint_m2 = models.DecimalField(_("建筑基底面积（平方米）"), **AREA_M2, null=True, blank=True)
    land_price = models.DecimalField(_("土地价格（万元）"), **MONEY, null=True, blank=True)
    revitalised_on = models.DateField(_("盘活日期"), null=True, blank=True)

    created = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ZoneScopedQuerySet.as_manager()
    changelog_exclude = ("created", "updated", "geometry_lonlat", *BBOX_FIELDS)

    class Meta:
        verbose_name = _("地块")
        verbose_name_plural = _("地块")
        ordering = ["zone_id", "code"]
        constraints = [models.UniqueConstraint(fields=["zone", "code"], name="parcel_unique_code_in_zone")]
        # A query for the parcels meeting a box seeks one short run of min_lon per band of latitude it spans.
        indexes = [
            models.Index(fields=["lat_band", "min_lon", "min_lat", "max_lon", "max_lat"], name="parcel_band_bbox_idx")
        ]

    def __str__(self) -> str:
        return self.code


class EnterpriseLand(models.Model):
    """A parcel an enterprise uses, owned or rented, for a period."""

    class Tenure(models.TextChoices):
        OWN = "own", _("自有")
        RENTED = "rented", _("租用")

    zone_lookup = "enterprise__zone"

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.CASCADE, related_name="land"
    )
    parcel = models.ForeignKey(Parcel, verbose_name=_("地块"), on_delete=models.PROTECT, related_name="enterprise_uses")
    tenure = models.CharField(_("权属"), max_length=10, choices=Tenure.choices, default=Tenure.OWN)
    area_mu = models.DecimalField(_("使用面积（亩）"), max_digits=14, decimal_places=4)
    start_on = models.DateField(_("起始日期"), null=True, blank=True)
    end_on = models.DateField(_("终止日期"), null=True, blank=True)

    objects = ZoneScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("企业用地")
        verbose_name_plural = _("企业用地")
        ordering = ["enterprise_id", "start_on"]
        constraints = [
            models.CheckConstraint(condition=Q(area_mu__gt=0), name="enterprise_land_positive_area"),
            models.CheckConstraint(
                condition=Q(end_on__isnull=True) | Q(start_on__isnull=True) | Q(end_on__gte=models.F("start_on")),
                name="enterprise_land_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} — {self.parcel}（{self.get_tenure_display()}）"


class LandRuleSet(models.Model):
    """The land rules of this deployment (thresholds and control indicators) as the JSON of
    ``yuanqu.analytics.land_status.LandRules.to_dict()``; the one row with ``active`` set is in force."""

    name = models.CharField(_("名称"), max_length=100, default="default")
    rules = models.JSONField(_("规则"), default=dict)
    active = models.BooleanField(_("生效"), default=True)
    updated = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("土地认定规则")
        verbose_name_plural = _("土地认定规则")
        constraints = [
            models.UniqueConstraint(fields=["active"], condition=models.Q(active=True), name="one_active_land_rules")
        ]

    def __str__(self) -> str:
        return self.name
