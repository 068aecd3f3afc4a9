"""The filters of the enterprise and enterprise-year lists, for their pages and their API endpoints alike."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import FilteredRelation, Max, Q
from django.utils.translation import gettext_lazy as _

from yuanqu.analytics.industry import DIVISIONS
from yuanqu.core.filtersets import NumberFilter, SearchFilter, SortFilter, ZoneFilter, ZoneScopedFilterSet
from yuanqu.core.templatetags.yuanqu_format import division_name
from yuanqu.enterprises import selectors
from yuanqu.enterprises.models import Enterprise, EnterpriseYear

SCALE_CHOICES = [("", _("全部")), ("true", _("规上")), ("false", _("规下"))]
YES_NO = [("", _("全部")), ("true", _("是")), ("false", _("否"))]


def _flag(label, help_text, **kwargs):
    return django_filters.BooleanFilter(label=label, widget=forms.Select(choices=YES_NO), help_text=help_text, **kwargs)


def division_choices():
    """GB/T 4754 divisions, labelled in the language of the request."""
    return [(code, f"{code} {division_name(code)}") for code in DIVISIONS]


def _by_year(order: str):
    """Sort by one of the year's figures: the year asked for, else the latest with figures."""

    def sort(queryset, filterset):
        year = filterset.form.cleaned_data.get("year") or selectors.latest_year(user=filterset.user)
        return selectors.with_year(queryset, int(year) if year else None).order_by(*selectors.SORTS[order])

    return sort


SORTINGS = {
    "name": selectors.SORTS["name"],
    "-name": selectors.SORTS["-name"],
    **{order: _by_year(order) for order in ("tax", "-tax", "tax_per_mu", "-tax_per_mu")},
}


class EnterpriseFilterSet(ZoneScopedFilterSet):
    """``?q=精密&zone=3&industry_division=39&status=active&above_scale=true&year=2024``.

    ``zone`` includes its sub-parks; ``year`` keeps the enterprises with figures for that year, and
    ``above_scale`` looks at the figures of ``year`` (the latest year on record when none is given), so an
    enterprise without figures for that year is neither above nor below scale. ``sort`` orders by name or by
    that year's tax or tax per mu (enterprises without figures last either way).
    """

    q = SearchFilter(fields=("name", "uscc", "main_products"), upper=("uscc",), label=_("名称、信用代码或产品"))
    zone = ZoneFilter()
    within_zone = ZoneFilter(help_text="同 zone（旧名） / the same as zone (its former name)", label=_("园区"))
    industry_section = django_filters.CharFilter(field_name="industry_section", lookup_expr="iexact")
    industry_division = django_filters.ChoiceFilter(
        field_name="industry_division", choices=division_choices, label=_("行业"), empty_label=_("全部行业")
    )
    uscc = django_filters.CharFilter(field_name="uscc", lookup_expr="iexact", help_text="统一社会信用代码 / USCC")
    above_scale = django_filters.BooleanFilter(
        method="filter_by_year",
        label=_("规模"),
        widget=forms.Select(choices=SCALE_CHOICES),
        help_text="该年度是否规上（与 year 一起） / above scale in the year given by year",
    )
    year = NumberFilter(
        method="filter_by_year",
        label=_("年度"),
        help_text="年度：有该年度数据的企业 / enterprises with figures for this year",
    )
    key_enterprise = _flag(_("重点企业"), "重点企业 / key enterprise")
    specialised = django_filters.ChoiceFilter(
        choices=Enterprise.Specialised.choices,
        label=_("专精特新"),
        empty_label=_("全部"),
        help_text="专精特新等级 / specialised-and-innovative level: innovative, provincial, little_giant",
    )
    specialised_any = _flag(
        _("专精特新（任一等级）"), "任一专精特新等级 / any specialised level", method="filter_in_queryset"
    )
    high_tech = _flag(_("高新技术企业"), "高新技术企业 / certified high-tech enterprise")
    listing = django_filters.ChoiceFilter(
        choices=Enterprise.Listing.choices,
        label=_("上市情况"),
        empty_label=_("全部"),
        help_text="上市情况 / listing: preparing, listed",
    )
    chain_leader = _flag(_("链主企业"), "链主企业 / chain-leading firm")
    top_taxpayer = _flag(_("纳税大户"), "有纳税大户位次 / has a top-taxpayer rank", method="filter_in_queryset")
    top_taxpayer_rank_max = NumberFilter(
        field_name="top_taxpayer_rank", lookup_expr="lte", help_text="纳税位次不低于 / top-taxpayer rank at most"
    )
    sort = SortFilter(
        orderings=SORTINGS,
        choices=[
            ("name", _("名称")),
            ("-tax", _("税收从高到低")),
            ("tax", _("税收从低到高")),
            ("-tax_per_mu", _("亩均税收从高到低")),
            ("tax_per_mu", _("亩均税收从低到高")),
            ("-name", _("名称倒序")),
        ],
        help_text="排序：名称，或年度（year，默认最新）税收、亩均税收 / order: name, or the year's tax or tax per mu",
    )

    class Meta:
        model = Enterprise
        fields = ["q", "zone", "within_zone", "industry_section", "industry_division", "status", "uscc", "sort"]

    def filter_queryset_flags(self, queryset):
        """The two flags that are not plain fields: any specialised level, and having a top-taxpayer rank."""
        data = self.form.cleaned_data
        if data.get("specialised_any") is not None:
            queryset = queryset.exclude(specialised="") if data["specialised_any"] else queryset.filter(specialised="")
        if data.get("top_taxpayer") is not None:
            queryset = queryset.filter(top_taxpayer_rank__isnull=not data["top_taxpayer"])
        return queryset

    def filter_in_queryset(self, queryset, name, value):
        return queryset  # applied in filter_queryset_flags

    def filter_by_year(self, queryset, name, value):
        return queryset  # applied once for both parameters in filter_queryset

    def filter_queryset(self, queryset):
        queryset = self.filter_queryset_flags(super().filter_queryset(queryset))
        above_scale = self.form.cleaned_data.get("above_scale")
        year = self.form.cleaned_data.get("year")
        if above_scale is None and year is None:
            return queryset
        if year is None:
            year = EnterpriseYear.objects.aggregate(latest=Max("year"))["latest"]
        # One join on the year's row (the enterprise and year are unique together): on SQLite a correlated
        # EXISTS over every enterprise took half as long again for the city's list.
        queryset = queryset.annotate(in_year=FilteredRelation("years", condition=Q(years__year=int(year or 0))))
        if above_scale is not None:
            return queryset.filter(in_year__above_scale=above_scale)
        return queryset.filter(in_year__isnull=False)


class EnterpriseYearFilterSet(ZoneScopedFilterSet):
    """``?enterprise=12``, ``?uscc=9132…`` (or ``enterprise__uscc``), ``?year=2024``, ``?zone=3``, ``?above_scale=true``."""

    enterprise = NumberFilter(field_name="enterprise_id", help_text="企业编号 / enterprise id")
    uscc = django_filters.CharFilter(
        field_name="enterprise__uscc", lookup_expr="iexact", help_text="统一社会信用代码 / USCC"
    )
    enterprise__uscc = django_filters.CharFilter(
        field_name="enterprise__uscc", lookup_expr="iexact", help_text="统一社会信用代码 / USCC"
    )
    zone = ZoneFilter(lookup="enterprise__zone")
    within_zone = ZoneFilter(
        lookup="enterprise__zone", help_text="同 zone（旧名） / the same as zone (its former name)"
    )
    year_min = NumberFilter(field_name="year", lookup_expr="gte", help_text="起始年度 / from year")
    year_max = NumberFilter(field_name="year", lookup_expr="lte", help_text="截止年度 / to year")

    class Meta:
        model = EnterpriseYear
        fields = ["enterprise", "uscc", "enterprise__uscc", "year", "zone", "within_zone", "above_scale"]
