"""Filters of the targets, the responsibility letters and the supervised tasks, for their pages and their API
endpoints alike."""

from __future__ import annotations

import datetime as dt

import django_filters
from django.utils.choices import CallableChoiceIterator
from django.utils.translation import gettext_lazy as _

from yuanqu.core.filtersets import SearchFilter, ZoneFilter, ZoneScopedFilterSet
from yuanqu.core.params import to_date
from yuanqu.targets.models import ResponsibilityLetter, Target, Task
from yuanqu.targets.selectors import measure_choices

OPEN_OVERDUE = "overdue"


class TargetFilterSet(ZoneScopedFilterSet):
    """``?zone=3&year=2026&indicator=started_count`` (the zone with its sub-parks); an indicator no app measures
    is a 400."""

    zone = ZoneFilter()
    # Read at each use (the measures are registered once the apps are ready); the schema lists them too.
    indicator = django_filters.ChoiceFilter(choices=CallableChoiceIterator(measure_choices))

    class Meta:
        model = Target
        fields = ["zone", "year", "indicator", "letter"]


class LetterFilterSet(ZoneScopedFilterSet):
    """``?zone=3&year=2026`` (the zone with its sub-parks)."""

    zone = ZoneFilter()

    class Meta:
        model = ResponsibilityLetter
        fields = ["zone", "year"]


class TaskFilterSet(ZoneScopedFilterSet):
    """``?zone=3&state=in_progress&unit=招商局&overdue=1&q=厂房``; ``overdue`` are the open tasks past their
    deadline today; ``mine`` the tasks of the user's own account."""

    q = SearchFilter(fields=("code", "title", "responsible", "source_detail"), label=_("搜索"))
    zone = ZoneFilter()
    state = django_filters.ChoiceFilter(choices=Task.State.choices, label=_("状态"), empty_label=_("全部"))
    unit = django_filters.CharFilter(field_name="lead_unit", label=_("责任单位"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("仅看逾期"))
    mine = django_filters.BooleanFilter(method="filter_mine", label=_("我的事项"))

    class Meta:
        model = Task
        fields = ["q", "zone", "state", "unit", "overdue", "mine"]

    def as_of(self) -> dt.date:
        """The day lights and overdue are judged at: ``?as_of=2026-06-30``, else today."""
        return to_date((self.data or {}).get("as_of")) or dt.date.today()

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        late = queryset.exclude(state=Task.State.CLOSED).filter(deadline__lt=self.as_of())
        return late if value else queryset.exclude(pk__in=late.values("pk"))

    def filter_mine(self, queryset, name, value):
        if not value or self.user is None:
            return queryset
        return queryset.filter(owner=self.user)
