"""Filters of the parcel list (zone, land use, code, and land status as of a date) and of the land enterprises use."""

import django_filters
from django.utils import timezone

from yuanqu.analytics.land_status import STATUSES
from yuanqu.core.filtersets import BoundedFilterSet, NumberFilter
from yuanqu.core.queries import filter_by_ids
from yuanqu.land.models import EnterpriseLand, Parcel
from yuanqu.land.status import ids_with_status


class ParcelFilter(BoundedFilterSet):
    """``?zone=3&land_use=industrial&code=P001&status=idle&as_of=2025-12-31``."""

    zone = NumberFilter(field_name="zone_id", help_text="园区编号 / zone id")
    code = django_filters.CharFilter(field_name="code", lookup_expr="iexact", help_text="地块编号 / parcel code")
    status = django_filters.ChoiceFilter(
        choices=[(s, s) for s in STATUSES],
        method="filter_status",
        help_text="土地状态（截至 as_of，默认今天） / land status as of as_of (today by default)",
    )
    as_of = django_filters.DateFilter(method="keep", help_text="土地状态的认定日期 / as-of date of the status filter")

    def keep(self, queryset, name, value):
        return queryset  # read by filter_status

    def filter_status(self, queryset, name, value):
        as_of = self.form.cleaned_data.get("as_of") or timezone.localdate()
        ids = ids_with_status(user=self.request.user, status=value, as_of=as_of)
        return filter_by_ids(queryset, ids)

    class Meta:
        model = Parcel
        fields = ["zone", "land_use", "code", "delay_cause"]


class EnterpriseLandFilter(BoundedFilterSet):
    """``?enterprise=12``, ``?parcel=7``, ``?uscc=9132…``, ``?zone=3``, ``?tenure=rented``."""

    enterprise = NumberFilter(field_name="enterprise_id", help_text="企业编号 / enterprise id")
    parcel = NumberFilter(field_name="parcel_id", help_text="地块编号（数据库编号） / parcel id")
    uscc = django_filters.CharFilter(
        field_name="enterprise__uscc", lookup_expr="iexact", help_text="统一社会信用代码 / USCC"
    )
    zone = NumberFilter(field_name="enterprise__zone_id", help_text="园区编号 / zone id")

    class Meta:
        model = EnterpriseLand
        fields = ["enterprise", "parcel", "uscc", "zone", "tenure"]
