"""The filters of the request and visit lists, for their pages and their API endpoints alike."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yuanqu.core.filtersets import (
    NumberFilter,
    SearchFilter,
    SortFilter,
    ZoneFilter,
    ZoneScopedFilterSet,
)
from yuanqu.service.models import (
    EnterpriseOfficial,
    EnterprisePlan,
    PlanMeasure,
    ServiceCategory,
    ServiceRequest,
    Visit,
)
from yuanqu.service.selectors import late_q, open_q, unwritten_q

YES_NO = [("", _("全部")), ("true", _("是")), ("false", _("否"))]


class ServiceRequestFilterSet(ZoneScopedFilterSet):
    """``?state=handling&category=land&unit=供电&late=true&open=true&kind=complaint&zone=3&q=SQ2026&enterprise=12``.

    ``late`` is a request past its due date (open ones due before today, closed ones closed after their day);
    ``open`` one not yet closed; ``received_from``/``received_to`` bound the day received."""

    q = SearchFilter(fields=("number", "content", "enterprise__name", "enterprise__uscc"), label=_("搜索"))
    zone = ZoneFilter(lookup="enterprise__zone")
    enterprise = NumberFilter(field_name="enterprise_id", help_text="企业编号 / enterprise id")
    state = django_filters.ChoiceFilter(choices=ServiceRequest.State.choices, label=_("状态"), empty_label=_("全部"))
    kind = django_filters.ChoiceFilter(choices=ServiceRequest.Kind.choices, label=_("诉求类型"), empty_label=_("全部"))
    channel = django_filters.ChoiceFilter(
        choices=ServiceRequest.Channel.choices, label=_("渠道"), empty_label=_("全部")
    )
    category = django_filters.ModelChoiceFilter(  # chosen by its code, not an id
        queryset=ServiceCategory.objects.all(),
        field_name="category",
        to_field_name="code",
        label=_("诉求类别"),
        empty_label=_("全部"),
        help_text="类别代码 / category code",
    )
    unit = django_filters.CharFilter(
        field_name="unit", lookup_expr="icontains", label=_("承办单位"), help_text="承办单位 / dispatched unit"
    )
    late = django_filters.BooleanFilter(
        method="filter_late", label=_("逾期"), widget=forms.Select(choices=YES_NO), help_text="逾期 / late"
    )
    open = django_filters.BooleanFilter(
        method="filter_open", label=_("未办结"), widget=forms.Select(choices=YES_NO), help_text="未办结 / open"
    )
    received_from = django_filters.DateFilter(field_name="received_on", lookup_expr="gte", label=_("受理日期从"))
    received_to = django_filters.DateFilter(field_name="received_on", lookup_expr="lte", label=_("受理日期至"))
    sort = SortFilter(
        orderings={
            "-received_on": ("-received_on", "-pk"),
            "received_on": ("received_on", "pk"),
            "due_on": ("due_on", "pk"),
            "number": ("number",),
        },
        choices=[
            ("-received_on", _("受理日期从新到旧")),
            ("received_on", _("受理日期从旧到新")),
            ("due_on", _("应办结日期")),
            ("number", _("诉求编号")),
        ],
    )

    class Meta:
        model = ServiceRequest
        fields = ["q", "zone", "enterprise", "state", "kind", "channel", "category", "unit", "late", "open", "sort"]

    def filter_late(self, queryset, name, value):
        condition = late_q(timezone.localdate())
        return queryset.filter(condition) if value else queryset.exclude(condition)

    def filter_open(self, queryset, name, value):
        return queryset.filter(open_q()) if value else queryset.exclude(open_q())


class VisitFilterSet(ZoneScopedFilterSet):
    """``?state=done&unwritten=true&official=5&enterprise=12&zone=3&q=精密``; ``unwritten`` is a visit paid more
    than three days ago with nothing written up."""

    q = SearchFilter(fields=("enterprise__name", "findings", "agency", "reason"), label=_("搜索"))
    zone = ZoneFilter(lookup="enterprise__zone")
    enterprise = NumberFilter(field_name="enterprise_id", help_text="企业编号 / enterprise id")
    official = NumberFilter(field_name="official_id", help_text="走访人编号 / official's user id")
    state = django_filters.ChoiceFilter(choices=Visit.State.choices, label=_("状态"), empty_label=_("全部"))
    unwritten = django_filters.BooleanFilter(
        method="filter_unwritten",
        label=_("未写走访情况"),
        widget=forms.Select(choices=YES_NO),
        help_text="走访后三天仍未填写走访情况 / paid more than three days ago and not written up",
    )

    class Meta:
        model = Visit
        fields = ["q", "zone", "enterprise", "official", "state", "unwritten"]

    def filter_unwritten(self, queryset, name, value):
        condition = unwritten_q(timezone.localdate())
        return queryset.filter(condition) if value else queryset.exclude(condition)


class EnterpriseOfficialFilterSet(ZoneScopedFilterSet):
    """``?enterprise=12&official=5&role=linked_official``."""

    enterprise = NumberFilter(field_name="enterprise_id", help_text="企业编号 / enterprise id")
    official = NumberFilter(field_name="official_id", help_text="人员编号 / user id")
    role = django_filters.ChoiceFilter(choices=EnterpriseOfficial.Role.choices)

    class Meta:
        model = EnterpriseOfficial
        fields = ["enterprise", "official", "role"]


class EnterprisePlanFilterSet(ZoneScopedFilterSet):
    """``?enterprise=12&year=2026``."""

    enterprise = NumberFilter(field_name="enterprise_id", help_text="企业编号 / enterprise id")

    class Meta:
        model = EnterprisePlan
        fields = ["enterprise", "year"]


class PlanMeasureFilterSet(ZoneScopedFilterSet):
    """``?plan=3&state=in_progress``."""

    plan = NumberFilter(field_name="plan_id", help_text="一企一策编号 / plan id")
    state = django_filters.ChoiceFilter(choices=PlanMeasure.State.choices)

    class Meta:
        model = PlanMeasure
        fields = ["plan", "state"]
