"""Filters of the target list."""

from __future__ import annotations

import django_filters
from django.utils.choices import CallableChoiceIterator

from yuanqu.core.filtersets import ZoneFilter, ZoneScopedFilterSet
from yuanqu.targets.models import ResponsibilityLetter, Target
from yuanqu.targets.selectors import measure_choices


class TargetFilter(django_filters.FilterSet):
    """``?zone=3&year=2026&indicator=started_count``; an indicator no app measures is a 400."""

    # Read at each use (the measures are registered once the apps are ready); the schema lists them too.
    indicator = django_filters.ChoiceFilter(choices=CallableChoiceIterator(measure_choices))

    class Meta:
        model = Target
        fields = ["zone", "year", "indicator", "letter"]


class LetterFilter(ZoneScopedFilterSet):
    """``?zone=3&year=2026`` (the zone with its sub-parks)."""

    zone = ZoneFilter()

    class Meta:
        model = ResponsibilityLetter
        fields = ["zone", "year"]
