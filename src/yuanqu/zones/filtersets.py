"""The filters of the zone list, for its page and its API endpoint alike."""

import django_filters
from django.utils.translation import gettext_lazy as _

from yuanqu.core.filtersets import NumberFilter, ZoneScopedFilterSet
from yuanqu.zones.models import Zone


class ZoneFilterSet(ZoneScopedFilterSet):
    """``?level=national&kind=etdz&parent=3``; ``?top_level=true`` leaves out sub-parks."""

    level = django_filters.ChoiceFilter(choices=Zone.Level.choices, label=_("级别"), empty_label=_("全部级别"))
    kind = django_filters.ChoiceFilter(choices=Zone.Kind.choices, label=_("类型"), empty_label=_("全部类型"))
    parent = NumberFilter(field_name="parent_id", help_text="上级园区编号 / id of the parent zone")
    top_level = django_filters.BooleanFilter(
        field_name="parent", lookup_expr="isnull", help_text="只看一级园区 / only zones without a parent"
    )
    code = django_filters.CharFilter(field_name="code", help_text="园区代码 / catalogue code")

    class Meta:
        model = Zone
        fields = ["level", "kind", "parent", "top_level", "code"]
