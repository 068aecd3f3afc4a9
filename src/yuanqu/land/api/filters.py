"""Filters of the parcel list: zone, land use, code."""

import django_filters

from yuanqu.land.models import Parcel


class ParcelFilter(django_filters.FilterSet):
    """``?zone=3&land_use=industrial&code=P001``."""

    zone = django_filters.NumberFilter(field_name="zone_id", help_text="园区编号 / zone id")
    code = django_filters.CharFilter(field_name="code", lookup_expr="iexact", help_text="地块编号 / parcel code")

    class Meta:
        model = Parcel
        fields = ["zone", "land_use", "code", "delay_cause"]
