"""The filters of the reported figures and of the zone-evaluation results, for their API endpoints."""

import django_filters

from yuanqu.analytics.zoneranking import GROUP_LABELS
from yuanqu.core.filtersets import BoundedFilterSet, NumberFilter, ZoneFilter, ZoneScopedFilterSet
from yuanqu.ranking.models import ZoneEvaluationResult, ZoneMonth, ZoneYear


class ZoneYearFilterSet(ZoneScopedFilterSet):
    """``?zone=3&year=2025`` (a zone with its sub-parks), ``?year_min=2021``, ``?peers=true`` (only peers)."""

    zone = ZoneFilter()
    year_min = NumberFilter(field_name="year", lookup_expr="gte", help_text="起始年度 / from year")
    year_max = NumberFilter(field_name="year", lookup_expr="lte", help_text="截止年度 / to year")
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


class ZoneEvaluationResultFilterSet(BoundedFilterSet):
    """``?run=3&group=provincial&zone=5`` (results are of top-level zones: ``zone`` is the zone itself)."""

    run = NumberFilter(field_name="run_id", help_text="评价编号 / run id")
    group = django_filters.ChoiceFilter(
        choices=[(key, labels[0]) for key, labels in GROUP_LABELS.items()],
        help_text="排名组 / group: national, provincial, other, all",
    )
    zone = NumberFilter(field_name="zone_id", help_text="园区编号 / zone id")
    peer = NumberFilter(field_name="peer_id", help_text="外部园区编号 / peer id")

    class Meta:
        model = ZoneEvaluationResult
        fields = ["run", "group", "zone", "peer", "status"]
