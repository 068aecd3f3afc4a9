"""Serializer fields every app's API shares: related objects restricted to the user's zones, GeoJSON polygons."""

from __future__ import annotations

import math

# Not `import shapely.geometry`: importing a module of a library the command line defers loads it (yuanqu.core.lazy),
# and this module loads with the URL conf, which every command's system checks import. shapely's package holds it.
import shapely
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from yuanqu.analytics import geo

GEOJSON_POLYGON_SCHEMA = {
    "type": "object",
    "description": "GeoJSON Polygon or MultiPolygon, EPSG:4490 (CGCS2000 longitude/latitude)",
    "properties": {
        "type": {"type": "string", "enum": ["Polygon", "MultiPolygon"]},
        "coordinates": {"type": "array", "items": {"type": "array", "items": {}}},
    },
    "required": ["type", "coordinates"],
}


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A related object by id, looked up only among the objects the requesting user may change.

    The queryset given at declaration only names the model (and serves the schema); the one used to
    accept a value is built per request with ``.restrict(request.user)``, so an id from another zone
    is answered like an id that does not exist.
    """

    def __init__(self, *, scope: str = "change", **kwargs):
        self.scope = scope
        super().__init__(**kwargs)

    def get_queryset(self):
        queryset = super().get_queryset()
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is None:
            return queryset.none()
        return queryset.restrict(user, action=self.scope)


def lonlat_problem(geometry) -> str | None:
    """Why lon/lat coordinates cannot be right (bilingual), or None when they lie in China."""
    minx, miny, maxx, maxy = geometry.bounds
    if not all(math.isfinite(v) for v in (minx, miny, maxx, maxy)):
        return "坐标无效 / invalid coordinates"
    if geo.lies_in_china((minx, miny, maxx, maxy)):
        return None
    guess = geo.infer_srid(geometry)
    hint_zh = f"，可能是 EPSG:{guess}" if guess and guess not in geo.GEOGRAPHIC_SRIDS else ""
    hint_en = f", possibly EPSG:{guess}" if guess and guess not in geo.GEOGRAPHIC_SRIDS else ""
    return (
        f"坐标不是中国境内的经纬度{hint_zh}；投影坐标请同时给出 srid / "
        f"the coordinates are not longitude/latitude in China{hint_en}; give srid for projected coordinates"
    )


@extend_schema_field(GEOJSON_POLYGON_SCHEMA)
class GeoJSONPolygonField(serializers.Field):
    """A polygon stored as WKB, exchanged as a GeoJSON geometry dict.

    Reading gives the stored EPSG:4490 copy; writing gives a shapely geometry in whatever CRS the
    client names (the serializer's ``srid`` field), which the service reprojects.
    """

    default_error_messages = {
        "not_geojson": "应为 GeoJSON 几何对象（Polygon 或 MultiPolygon） / "
        "expected a GeoJSON geometry (Polygon or MultiPolygon)",
        "not_polygon": "几何类型应为 Polygon 或 MultiPolygon / the geometry type must be Polygon or MultiPolygon",
        "unreadable": "无法读取 GeoJSON 几何（{reason}） / cannot read the GeoJSON geometry ({reason})",
        "invalid": "多边形无效（{reason}） / invalid polygon ({reason})",
        "empty": "几何为空 / the geometry is empty",
    }

    def to_representation(self, value):
        if value is None or len(bytes(value)) == 0:
            return None
        return shapely.geometry.mapping(shapely.from_wkb(bytes(value)))

    def to_internal_value(self, data):
        if isinstance(data, dict) and data.get("type") == "Feature":
            data = data.get("geometry")
        if not isinstance(data, dict) or "type" not in data or "coordinates" not in data:
            self.fail("not_geojson")
        if data["type"] not in ("Polygon", "MultiPolygon"):
            self.fail("not_polygon")
        try:
            geometry = shapely.geometry.shape(data)
        except Exception as exc:  # shapely raises several types for malformed coordinate arrays
            self.fail("unreadable", reason=str(exc))
        if geometry.is_empty:
            self.fail("empty")
        if not shapely.is_valid(geometry):
            self.fail("invalid", reason=shapely.is_valid_reason(geometry))
        return geometry


class SridField(serializers.IntegerField):
    """The EPSG code of posted coordinates: 4490 (default) or a CGCS2000 Gauss–Krüger zone."""

    def __init__(self, **kwargs):
        kwargs.setdefault("write_only", True)
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "help_text",
            _("提交坐标的坐标系 EPSG 代码：默认 4490（经纬度），或 CGCS2000 高斯-克吕格投影 4491–4554"),
        )
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        srid = super().to_internal_value(data)
        if not geo.is_supported_srid(srid):
            try:
                geo.describe_srid(srid)
            except ValueError as exc:
                raise serializers.ValidationError(str(exc)) from None
        return srid


def geometry_to_lonlat(geometry, srid: int):
    """The geometry in EPSG:4490, or a serializers.ValidationError saying why the coordinates are wrong."""
    lonlat = geo.to_lonlat(geometry, srid)
    problem = lonlat_problem(lonlat)
    if problem:
        raise serializers.ValidationError({"geometry": [problem]})
    return lonlat
