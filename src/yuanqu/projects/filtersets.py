"""The filters of the project list, for its page and its API endpoint alike."""

import django_filters
from django.utils.translation import gettext_lazy as _

from yuanqu.core.filtersets import SearchFilter, ZoneFilter, ZoneScopedFilterSet
from yuanqu.projects.models import Project, Stage


class ProjectFilterSet(ZoneScopedFilterSet):
    """``?q=新能源&stage=signed&zone=3`` (a zone with its sub-parks)."""

    q = SearchFilter(fields=("name", "investor"), label=_("搜索"))
    stage = django_filters.ChoiceFilter(choices=Stage.choices, label=_("阶段"), empty_label=_("全部"))
    zone = ZoneFilter()

    class Meta:
        model = Project
        fields = ["q", "stage", "zone"]
