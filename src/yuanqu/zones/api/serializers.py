"""Zones in the API: the boundary as GeoJSON in EPSG:4490, the parent restricted to the user's zones."""

from __future__ import annotations

import shapely
from django.utils.translation import gettext_lazy as _

from yuanqu.analytics import geo
from yuanqu.core.api.fields import GeoJSONPolygonField, ScopedPrimaryKeyRelatedField, SridField, geometry_to_lonlat
from yuanqu.core.api.serializers import ServiceModelSerializer
from yuanqu.zones.models import Zone
from yuanqu.zones.services import save_zone


class ZoneSerializer(ServiceModelSerializer):
    """A zone or sub-park; writes go through ``save_zone``."""

    parent = ScopedPrimaryKeyRelatedField(
        queryset=Zone.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("上级园区编号（一区多园的分园填写）"),
    )
    boundary = GeoJSONPolygonField(required=False, allow_null=True, help_text=_("边界，GeoJSON，EPSG:4490"))
    srid = SridField()

    class Meta:
        model = Zone
        fields = [
            "id",
            "code",
            "name",
            "short_name",
            "level",
            "kind",
            "parent",
            "approved_on",
            "approved_area_ha",
            "leading_industries",
            "boundary",
            "srid",
            "created",
            "updated",
        ]
        extra_kwargs = {"approved_area_ha": {"help_text": _("核准面积，单位：公顷（字符串形式的十进制数）")}}

    def validate(self, attrs):
        boundary = attrs.get("boundary")
        srid = attrs.pop("srid", geo.CGCS2000)
        if boundary is not None:
            attrs["boundary"] = shapely.to_wkb(geometry_to_lonlat(boundary, srid))
        return attrs

    def save_instance(self, instance, validated_data, *, user):
        self.assign(instance, validated_data)
        return save_zone(zone=instance, user=user)
