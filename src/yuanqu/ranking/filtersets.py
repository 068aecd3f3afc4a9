"""The filters of the reported figures, for their API endpoints."""

import django_filters

from yuanqu.core.filtersets import ZoneFilter, ZoneScopedFilterSet
from yuanqu.ranking.models import ZoneMonth, ZoneYear


class ZoneYearFilterSet(ZoneScopedFilterSet):
    """``?zone=3&year=2025`` (a zone with its sub-parks), ``?year_min=2021``, ``?peers=true`` (only peers)."""

    zone = ZoneFilter()
    year_min = django_filters.NumberFilter(field_name="year", lookup_expr="gte", help_text="起始年度 / from year")
    year_max = django_filters.NumberFilter(field_name="year", lookup_expr="lte", help_text="截止年度 / to year")
    peers = django_filters.BooleanFilter(
        field_name="peer", lookup_expr="isnull", exclude=True, help_text="只看外部园区 / only peer zones"
    )

    class Meta:
        model = ZoneYear
        fields = ["zone", "year", "year_min", "year_max", "peer", "peers"]


class ZoneMonthFilterSet(ZoneScopedFilterSet):
    """``?zone=3&year=2026&month=6``."""

    zone = ZoneFilter()

    class Meta:
        model = ZoneMonth
        fields = ["zone", "year", "month"]
