"""Filters of the enterprise and enterprise-year lists."""

from __future__ import annotations

import django_filters
from django.db.models import Exists, Max, OuterRef

from yuanqu.core.access import zone_descendants
from yuanqu.enterprises.models import Enterprise, EnterpriseYear


def within_zone(queryset, field: str, zone_id):
    """Rows of the zone and of all its sub-parks."""
    return queryset.filter(**{f"{field}__in": zone_descendants([zone_id])})


class EnterpriseFilter(django_filters.FilterSet):
    """``?zone=3&industry_division=39&status=active&above_scale=true&year=2024``.

    ``above_scale`` looks at the figures of ``year`` (the latest year on record when none is given);
    enterprises without figures for that year match neither true nor false.
    """

    zone = django_filters.NumberFilter(field_name="zone_id", help_text="园区编号 / zone id")
    within_zone = django_filters.NumberFilter(
        method="filter_within_zone", help_text="园区编号，含其分园 / zone id, its sub-parks included"
    )
    industry_section = django_filters.CharFilter(field_name="industry_section", lookup_expr="iexact")
    industry_division = django_filters.CharFilter(field_name="industry_division")
    uscc = django_filters.CharFilter(field_name="uscc", lookup_expr="iexact", help_text="统一社会信用代码 / USCC")
    above_scale = django_filters.BooleanFilter(
        method="filter_by_year", help_text="该年度是否规上（与 year 一起） / above scale in the year given by year"
    )
    year = django_filters.NumberFilter(
        method="filter_by_year", help_text="年度：有该年度数据的企业 / enterprises with figures for this year"
    )

    class Meta:
        model = Enterprise
        fields = ["zone", "within_zone", "industry_section", "industry_division", "status", "uscc"]

    def filter_within_zone(self, queryset, name, value):
        return within_zone(queryset, "zone_id", int(value))

    def filter_by_year(self, queryset, name, value):
        return queryset  # applied once for both parameters in filter_queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        above_scale = self.form.cleaned_data.get("above_scale")
        year = self.form.cleaned_data.get("year")
        if above_scale is None and year is None:
            return queryset
        years = EnterpriseYear.objects.filter(enterprise=OuterRef("pk"))
        if year is None:
            year = EnterpriseYear.objects.aggregate(latest=Max("year"))["latest"]
        years = years.filter(year=int(year))
        if above_scale is not None:
            years = years.filter(above_scale=above_scale)
        return queryset.filter(Exists(years))


class EnterpriseYearFilter(django_filters.FilterSet):
    """``?enterprise=12``, ``?uscc=9132…`` (or ``enterprise__uscc``), ``?year=2024``, ``?zone=3``, ``?above_scale=true``."""

    enterprise = django_filters.NumberFilter(field_name="enterprise_id", help_text="企业编号 / enterprise id")
    uscc = django_filters.CharFilter(
        field_name="enterprise__uscc", lookup_expr="iexact", help_text="统一社会信用代码 / USCC"
    )
    enterprise__uscc = django_filters.CharFilter(
        field_name="enterprise__uscc", lookup_expr="iexact", help_text="统一社会信用代码 / USCC"
    )
    zone = django_filters.NumberFilter(field_name="enterprise__zone_id", help_text="园区编号 / zone id")
    within_zone = django_filters.NumberFilter(
        method="filter_within_zone", help_text="园区编号，含其分园 / zone id, its sub-parks included"
    )
    year_min = django_filters.NumberFilter(field_name="year", lookup_expr="gte", help_text="起始年度 / from year")
    year_max = django_filters.NumberFilter(field_name="year", lookup_expr="lte", help_text="截止年度 / to year")

    class Meta:
        model = EnterpriseYear
        fields = ["enterprise", "uscc", "enterprise__uscc", "year", "zone", "within_zone", "above_scale"]

    def filter_within_zone(self, queryset, name, value):
        return within_zone(queryset, "enterprise__zone_id", int(value))
