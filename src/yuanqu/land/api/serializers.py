"""Parcels in the API: the polygon in and out as GeoJSON (EPSG:4490 out; in 4490 or a named GK zone)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from yuanqu.analytics import geo
from yuanqu.core.api.fields import GeoJSONPolygonField, ScopedPrimaryKeyRelatedField, SridField, geometry_to_lonlat
from yuanqu.core.api.serializers import ServiceModelSerializer
from yuanqu.enterprises.models import Enterprise
from yuanqu.land.models import EnterpriseLand, Parcel
from yuanqu.land.services import save_enterprise_land, save_parcel, set_geometry
from yuanqu.zones.models import Zone

# Units of the decimal figures, stated in the schema; decimals travel as strings (DRF's default).
PARCEL_HELP = {
    "area_mu": _("面积，单位：亩，由图形计算（高斯-克吕格投影平面或 GRS80 椭球面），只读"),
    "developed_area_mu": _("已开发用地面积，单位：亩"),
    "total_investment": _("总投资，单位：万元"),
    "invested": _("已完成投资，单位：万元"),
    "planned_floor_area_m2": _("规划建筑面积，单位：平方米"),
    "built_floor_area_m2": _("已建建筑面积，单位：平方米"),
    "footprint_m2": _("建筑基底面积，单位：平方米"),
    "land_price": _("土地价格，单位：万元"),
}


class ParcelSerializer(ServiceModelSerializer):
    """A parcel; writes go through ``save_parcel``, which reprojects the polygon and computes its area."""

    zone = ScopedPrimaryKeyRelatedField(queryset=Zone.objects.all(), help_text=_("所属园区编号"))
    zone_name = serializers.CharField(source="zone.name", read_only=True)
    geometry = GeoJSONPolygonField(
        source="geometry_lonlat",
        required=False,
        allow_null=True,
        help_text=_("地块图形，GeoJSON；读出为 EPSG:4490 经纬度，写入时坐标系由 srid 指定"),
    )
    srid = SridField()
    bbox = serializers.SerializerMethodField(help_text=_("外包矩形 [最小经度, 最小纬度, 最大经度, 最大纬度]"))

    class Meta:
        model = Parcel
        fields = [
            "id",
            "zone",
            "zone_name",
            "code",
            "land_use",
            "geometry",
            "srid",
            "source_srid",
            "bbox",
            "area_mu",
            "approved_on",
            "supplied_on",
            "agreed_start_on",
            "started_on",
            "completed_on",
            "halted_since",
            "delay_cause",
            "developed_area_mu",
            "total_investment",
            "invested",
            "planned_floor_area_m2",
            "built_floor_area_m2",
            "footprint_m2",
            "land_price",
            "revitalised_on",
            "created",
            "updated",
        ]
        read_only_fields = ["area_mu", "source_srid"]
        extra_kwargs = {name: {"help_text": text} for name, text in PARCEL_HELP.items()}

    @extend_schema_field({"type": "array", "items": {"type": "number"}, "minItems": 4, "maxItems": 4, "nullable": True})
    def get_bbox(self, parcel: Parcel):
        if parcel.min_lon is None:
            return None
        return [parcel.min_lon, parcel.min_lat, parcel.max_lon, parcel.max_lat]

    def validate(self, attrs):
        srid = attrs.pop("srid", None)
        if "geometry_lonlat" in attrs:
            geometry = attrs.pop("geometry_lonlat")
            srid = srid or geo.CGCS2000
            if geometry is not None:
                geometry_to_lonlat(geometry, srid)  # refuses coordinates that do not fit the CRS
            attrs["_geometry"] = (geometry, srid)
        elif srid is not None:
            raise serializers.ValidationError(
                {"srid": ["只有同时提交 geometry 时才能给出 srid / srid only applies together with geometry"]}
            )
        return attrs

    def save_instance(self, instance, validated_data, *, user):
        posted = "_geometry" in validated_data
        geometry, srid = validated_data.pop("_geometry", (None, None))
        self.assign(instance, validated_data)
        if posted and geometry is None:
            set_geometry(instance, None, None)  # the client cleared the polygon
        return save_parcel(parcel=instance, user=user, geometry=geometry, srid=srid)


class EnterpriseLandSerializer(ServiceModelSerializer):
    """A parcel an enterprise uses; both must lie in zones the user may edit (``save_enterprise_land``)."""

    enterprise = ScopedPrimaryKeyRelatedField(queryset=Enterprise.objects.all(), help_text=_("企业编号"))
    parcel = ScopedPrimaryKeyRelatedField(queryset=Parcel.objects.all(), help_text=_("地块编号（数据库编号）"))
    uscc = serializers.CharField(source="enterprise.uscc", read_only=True, help_text=_("统一社会信用代码"))
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    parcel_code = serializers.CharField(source="parcel.code", read_only=True, help_text=_("地块编号"))

    class Meta:
        model = EnterpriseLand
        fields = [
            "id",
            "enterprise",
            "uscc",
            "enterprise_name",
            "parcel",
            "parcel_code",
            "tenure",
            "area_mu",
            "start_on",
            "end_on",
        ]
        extra_kwargs = {"area_mu": {"help_text": _("使用面积，单位：亩")}}

    def save_instance(self, instance, validated_data, *, user):
        self.assign(instance, validated_data)
        return save_enterprise_land(enterprise_land=instance, user=user)
