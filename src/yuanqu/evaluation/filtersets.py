"""The filters of a run's results, for the run's page and the results' API endpoint alike."""

import django_filters
from django.db.models import Case, F, Value, When
from django.utils.translation import gettext_lazy as _

from yuanqu.analytics.industry import DIVISIONS
from yuanqu.core.filtersets import NumberFilter, SortFilter, ZoneFilter, ZoneScopedFilterSet
from yuanqu.evaluation.models import GRADES, EvaluationResult

UNGRADED = "none"

# The enterprises not evaluated (no group, no rank, no total, no grade) come after the evaluated ones.
UNGROUPED_LAST = Case(When(group="", then=Value(1)), default=Value(0))
UNGRADED_LAST = Case(When(grade="", then=Value(1)), default=Value(0))
RANK = F("rank").asc(nulls_last=True)
SORTS = {
    "rank": (UNGROUPED_LAST, "group", RANK, "enterprise__uscc"),
    "-total": (F("total").desc(nulls_last=True), "enterprise__uscc"),
    "total": (F("total").asc(nulls_last=True), "enterprise__uscc"),
    "name": ("enterprise__name", "enterprise__uscc"),
    "zone": ("zone__name", UNGROUPED_LAST, "group", RANK, "enterprise__uscc"),
    "grade": (UNGRADED_LAST, "grade", UNGROUPED_LAST, "group", RANK, "enterprise__uscc"),
}


class EvaluationResultFilterSet(ZoneScopedFilterSet):
    """``?run=4&zone=3&group=A1&grade=B&division=39&enterprise=12``; ``grade=none`` finds the results without a
    grade (not evaluated). ``zone`` includes its sub-parks; ``sort`` is one of the page's orders (rank within
    the group, total, name, zone, grade), the enterprises not evaluated last."""

    run = NumberFilter(field_name="run_id", help_text="评价结果批次编号 / run id")
    enterprise = NumberFilter(field_name="enterprise_id", help_text="企业编号 / enterprise id")
    zone = ZoneFilter(label=_("所属园区"))
    group = django_filters.CharFilter(label=_("评价组别"))
    grade = django_filters.ChoiceFilter(
        label=_("等级"), choices=[*((g, g) for g in GRADES), (UNGRADED, _("未评价"))], method="filter_grade"
    )
    sort = SortFilter(
        orderings=SORTS,
        choices=[
            ("rank", _("组内排名")),
            ("-total", _("总分从高到低")),
            ("total", _("总分从低到高")),
            ("name", _("企业名称")),
            ("zone", _("所属园区")),
            ("grade", _("等级")),
        ],
    )
    division = django_filters.ChoiceFilter(
        field_name="enterprise__industry_division",
        label=_("行业大类"),
        choices=[(code, f"{code} {DIVISIONS[code][0]}") for code in sorted(DIVISIONS)],
    )

    class Meta:
        model = EvaluationResult
        fields = ["run", "enterprise", "zone", "group", "grade", "division", "sort"]

    def filter_grade(self, queryset, name, value):
        return queryset.filter(grade="" if value == UNGRADED else value)
