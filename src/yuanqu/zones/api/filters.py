"""Filters of the zone list: level, kind, parent."""

import django_filters

from yuanqu.zones.models import Zone


class ZoneFilter(django_filters.FilterSet):
    """``?level=national&kind=etdz&parent=3``; ``?top_level=true`` leaves out sub-parks."""

    parent = django_filters.NumberFilter(field_name="parent_id", help_text="上级园区编号 / id of the parent zone")
    top_level = django_filters.BooleanFilter(
        field_name="parent", lookup_expr="isnull", help_text="只看一级园区 / only zones without a parent"
    )
    code = django_filters.CharFilter(field_name="code", help_text="园区代码 / catalogue code")

    class Meta:
        model = Zone
        fields = ["level", "kind", "parent", "top_level", "code"]
