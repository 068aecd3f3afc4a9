"""The filters of the parcel list and of the land enterprises use, for their pages and their API endpoints alike."""

from __future__ import annotations

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yuanqu.analytics.land_status import STATUSES
from yuanqu.core.filtersets import NumberFilter, SearchFilter, ZoneFilter, ZoneScopedFilterSet
from yuanqu.core.params import DATE_INPUT
from yuanqu.core.queries import filter_by_ids
from yuanqu.land.models import EnterpriseLand, Parcel
from yuanqu.land.status import ids_with_status, status_label


def status_choices() -> list[tuple[str, str]]:
    """The land statuses, labelled in the language of the request."""
    return [(status, status_label(status)) for status in STATUSES]


class ParcelFilterSet(ZoneScopedFilterSet):
    """``?q=P00&zone=3&land_use=industrial&code=P001&status=idle&as_of=2025-12-31``.

    ``zone`` includes its sub-parks; ``q`` finds a part of the code, ``code`` the whole of it; ``status`` keeps the
    parcels with that land status as of ``as_of`` (today by default).
    """

    q = SearchFilter(fields=("code",), label=_("地块编号"), help_text="地块编号的一部分 / part of the parcel code")
    zone = ZoneFilter()
    land_use = django_filters.ChoiceFilter(
        choices=Parcel.LandUse.choices, label=_("用地性质"), empty_label=_("全部用地性质")
    )
    code = django_filters.CharFilter(field_name="code", lookup_expr="iexact", help_text="地块编号 / parcel code")
    status = django_filters.ChoiceFilter(
        choices=status_choices,
        method="filter_status",
        label=_("土地状态"),
        empty_label=_("全部状态"),
        help_text="土地状态（截至 as_of，默认今天） / land status as of as_of (today by default)",
    )
    as_of = django_filters.DateFilter(
        method="keep",
        label=_("认定日期"),
        widget=DATE_INPUT,
        help_text="土地状态的认定日期 / as-of date of the status filter",
    )

    class Meta:
        model = Parcel
        fields = ["q", "zone", "land_use", "code", "delay_cause", "status", "as_of"]

    def keep(self, queryset, name, value):
        return queryset  # read by filter_status

    def filter_status(self, queryset, name, value: str):
        zone = self.form.cleaned_data.get("zone")
        ids = ids_with_status(
            user=self.user,
            status=value,
            as_of=self.status_date,
            zone_ids=[zone] if zone else None,
        )
        return filter_by_ids(queryset, ids)

    @property
    def status_date(self):
        """The date the land statuses are judged at: the filter's, else today."""
        cleaned = getattr(self.form, "cleaned_data", None) or {}
        return cleaned.get("as_of") or timezone.localdate()


class EnterpriseLandFilterSet(ZoneScopedFilterSet):
    """``?enterprise=12``, ``?parcel=7``, ``?uscc=9132…``, ``?zone=3`` (the enterprise's zone, sub-parks included),
    ``?tenure=rented``."""

    enterprise = NumberFilter(field_name="enterprise_id", help_text="企业编号 / enterprise id")
    parcel = NumberFilter(field_name="parcel_id", help_text="地块编号（数据库编号） / parcel id")
    uscc = django_filters.CharFilter(
        field_name="enterprise__uscc", lookup_expr="iexact", help_text="统一社会信用代码 / USCC"
    )
    zone = ZoneFilter(lookup="enterprise__zone")

    class Meta:
        model = EnterpriseLand
        fields = ["enterprise", "parcel", "uscc", "zone", "tenure"]
