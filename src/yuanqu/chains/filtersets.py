"""The filters of the chain endpoints (and pages): chains by zone and name, links by chain, targets by link."""

import django_filters
from django.utils.translation import gettext_lazy as _

from yuanqu.chains.models import Chain, ChainNode, Position, TargetFirm
from yuanqu.core.filtersets import NumberFilter, SearchFilter, ZoneFilter, ZoneScopedFilterSet


class ChainFilterSet(ZoneScopedFilterSet):
    """``?zone=3&q=电池``: the chains serving a zone (with its sub-parks), by name."""

    q = SearchFilter(fields=("name", "owner"), label=_("名称或链长"))
    zone = ZoneFilter(lookup="zones")

    class Meta:
        model = Chain
        fields = ["q", "zone"]

    def filter_queryset(self, queryset):
        return super().filter_queryset(queryset).distinct()


class ChainNodeFilterSet(ZoneScopedFilterSet):
    """``?chain=2&position=upstream``."""

    chain = NumberFilter(field_name="chain_id", help_text="产业链编号 / id of the chain")
    position = django_filters.ChoiceFilter(choices=Position.choices, label=_("环节类型"))

    class Meta:
        model = ChainNode
        fields = ["chain", "position"]


class TargetFirmFilterSet(ZoneScopedFilterSet):
    """``?zone=3&node=12&status=to_contact``."""

    zone = ZoneFilter()
    node = NumberFilter(field_name="node_id", help_text="环节编号 / id of the link")
    chain = NumberFilter(field_name="node__chain_id", help_text="产业链编号 / id of the chain")
    status = django_filters.ChoiceFilter(choices=TargetFirm.Status.choices, label=_("状态"))

    class Meta:
        model = TargetFirm
        fields = ["zone", "node", "chain", "status"]
