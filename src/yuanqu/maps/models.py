"""The one map's own records: the base maps an administrator configured, and what the parcel tiles keep to be
built fast (each parcel's derived properties, how far they follow the change log, the blocks' stamps, the scopes
lately drawn)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from yuanqu.core.access import ZoneScopedQuerySet
from yuanqu.maps.basemaps import base_map_problems


class BaseMap(models.Model):
    """A base map an administrator configured (XYZ or WMTS tiles on an intranet or Tianditu); the one row with
    ``active`` set is drawn under the platform's layers, none means no base map (offline)."""

    class Kind(models.TextChoices):
        XYZ = "xyz", _("XYZ 瓦片")
        WMTS = "wmts", _("WMTS 瓦片")

    class Crs(models.TextChoices):
        WGS84 = "wgs84", _("WGS 84 / CGCS2000（天地图等）")
        GCJ02 = "gcj02", _("GCJ-02（高德、腾讯等）")

    name = models.CharField(_("名称"), max_length=100, unique=True)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices, default=Kind.XYZ)
    url = models.CharField(
        _("瓦片地址模板"),
        max_length=1000,
        help_text=_("含 {z}/{x}/{y}（WMTS 也可用 {TileMatrix}/{TileCol}/{TileRow}），Web 墨卡托切片"),
    )
    crs = models.CharField(_("底图坐标系"), max_length=10, choices=Crs.choices, default=Crs.WGS84)
    attribution = models.CharField(_("版权说明"), max_length=300, blank=True)
    min_zoom = models.PositiveSmallIntegerField(_("最小级别"), default=0)
    max_zoom = models.PositiveSmallIntegerField(_("最大级别"), default=18)
    active = models.BooleanField(_("启用"), default=False)
    updated = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("底图")
        verbose_name_plural = _("底图")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["active"], condition=models.Q(active=True), name="one_active_base_map"),
            models.CheckConstraint(
                condition=models.Q(min_zoom__lte=models.F("max_zoom")) & models.Q(max_zoom__lte=24),
                name="base_map_zoom_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        problems = base_map_problems(url=self.url, min_zoom=self.min_zoom, max_zoom=self.max_zoom)
        if problems:
            raise ValidationError(problems)


class ParcelTileRow(models.Model):
    """A parcel's properties on the map's vector tiles (see ``yuanqu.maps.tiles``) as of a date, for the users who
    see the same zones (``scope``): kept so that a tile reads them instead of classifying its parcels again.

    Derived data, not change-logged: the rows of the parcels a logged change touches are dropped, and the
    next tile showing them works them out anew."""

    zone_lookup = "zone"

    parcel = models.ForeignKey(
        "land.Parcel", verbose_name=_("地块"), on_delete=models.CASCADE, related_name="tile_rows"
    )
    zone = models.ForeignKey("zones.Zone", verbose_name=_("园区"), on_delete=models.CASCADE, related_name="+")
    as_of = models.DateField(_("截至日期"))
    scope = models.CharField(_("可见范围"), max_length=16)
    status = models.CharField(_("状态"), max_length=30)
    enterprise_ref = models.BigIntegerField(_("企业编号"), default=0)
    enterprise = models.CharField(_("企业"), max_length=200, blank=True)
    grade = models.CharField(_("评价等级"), max_length=10, blank=True)
    project_ref = models.BigIntegerField(_("项目编号"), default=0)
    project = models.CharField(_("项目"), max_length=200, blank=True)
    stage = models.CharField(_("项目阶段"), max_length=30, blank=True)

    objects = ZoneScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("地图瓦片地块属性")
        verbose_name_plural = _("地图瓦片地块属性")
        ordering = ["as_of", "scope", "parcel_id"]
        constraints = [
            models.UniqueConstraint(fields=["as_of", "scope", "parcel"], name="parcel_tile_row_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.parcel_id} {self.as_of} {self.status}"


class ParcelTileSync(models.Model):
    """How far the tile rows (ParcelTileRow) and blocks (TileBlock) have followed the change log: the newest
    entry already applied, and the newest that changed every tile (the rules, a zone, grades, a polygon)."""

    zone_lookup = None  # one row for the deployment

    last_entry = models.BigIntegerField(_("最新变更记录编号"), default=0)
    epoch = models.CharField(_("全部瓦片失效时的数据版本"), max_length=40, blank=True)
    updated = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ZoneScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("地图瓦片同步")
        verbose_name_plural = _("地图瓦片同步")

    def __str__(self) -> str:
        return f"{self.last_entry}"


class TileBlock(models.Model):
    """A block of the map (a tile of zoom 12, holding the tiles of the higher zooms within it) and the newest
    change-log entry that changed something drawn in it: a cached tile holds while its block has not moved."""

    zone_lookup = None  # the map's grid, for the deployment

    x = models.IntegerField(_("列"))
    y = models.IntegerField(_("行"))
    entry = models.BigIntegerField(_("最新变更记录编号"), default=0)

    objects = ZoneScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("地图瓦片块")
        verbose_name_plural = _("地图瓦片块")
        constraints = [models.UniqueConstraint(fields=["x", "y"], name="tile_block_unique")]

    def __str__(self) -> str:
        return f"12/{self.x}/{self.y} @{self.entry}"


class TileScope(models.Model):
    """A zone scope and as-of date the map's tiles were drawn for lately, with a user who sees that scope: after a
    change that drops every tile row (new rules, a publish, a large import) the rows of the scopes used lately are
    worked out again in the background (``yuanqu.maps.tiles.warm_tile_rows``), as that user would see them."""

    zone_lookup = None  # who asked for which tiles, for the deployment

    scope = models.CharField(_("可见范围"), max_length=16)
    as_of = models.DateField(_("截至日期"))
    user = models.ForeignKey("accounts.User", verbose_name=_("用户"), on_delete=models.CASCADE, related_name="+")
    used = models.DateTimeField(_("最近使用时间"), auto_now=True)

    objects = ZoneScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("地图瓦片范围")
        verbose_name_plural = _("地图瓦片范围")
        constraints = [models.UniqueConstraint(fields=["scope", "as_of"], name="tile_scope_unique")]

    def __str__(self) -> str:
        return f"{self.scope} {self.as_of}"
