"""Building blocks of the filtersets: one FilterSet per model serves its list page and its API endpoint (as
NetBox's ``filtersets.py`` do), so that a filter means the same in both.

``zone`` is a zone with its sub-parks (一区多园). The API takes any zone id and finds nothing for a zone the
user may not see; a page offers its zones as a choice (``zone_choices``) and calls any other value invalid.
"""

from __future__ import annotations

import django_filters
import django_filters.fields
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yuanqu.core.access import get_zone_model, visible_zone_ids, zone_descendants
from yuanqu.core.params import MAX_ID, IdField, to_id


class BoundedNumberField(forms.DecimalField):
    """A number a database can compare: finite and within ±(2**63 - 1), so no filter value overflows a query."""

    def to_python(self, value):
        number = super().to_python(value)
        if number is not None and (not number.is_finite() or abs(number) > MAX_ID):
            raise ValidationError(_("数值超出范围"), code="invalid")
        return number


class NumberFilter(django_filters.NumberFilter):
    """django-filter's number filter, bounded (``BoundedNumberField``)."""

    field_class = BoundedNumberField


class ModelIdFilterField(django_filters.fields.ModelChoiceField):
    """django-filter's model choice field, refusing what is no id before the database is asked."""

    def to_python(self, value):
        if value not in self.empty_values and value != self.null_value and to_id(value) is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class ModelChoiceFilter(django_filters.ModelChoiceFilter):
    """django-filter's model choice, refusing what is no id before the database is asked."""

    field_class = ModelIdFilterField


class BoundedFilterSet(django_filters.FilterSet):
    """A filterset whose generated number and model filters are the bounded ones above: every filterset of the
    platform is one (a value beyond what a database holds is a 400 naming the filter, not a 500)."""

    @classmethod
    def filter_for_lookup(cls, field, lookup_type):
        filter_class, params = super().filter_for_lookup(field, lookup_type)
        if filter_class is django_filters.NumberFilter:
            filter_class = NumberFilter
        elif filter_class is django_filters.ModelChoiceFilter:
            filter_class = ModelChoiceFilter
        return filter_class, params


class ZoneFilter(django_filters.Filter):
    """A zone id, matching the records of that zone and of its sub-parks (none for a zone the user may not see)."""

    field_class = IdField

    def __init__(self, *, lookup: str = "zone", **kwargs):
        kwargs.setdefault("label", _("园区"))
        kwargs.setdefault("help_text", "园区编号，含其下级园区 / zone id, its sub-parks included")
        super().__init__(field_name=lookup, **kwargs)

    def filter(self, qs, value):
        if value in (None, ""):
            return qs
        visible = visible_zone_ids(self.parent.user) if self.parent.user is not None else None
        if visible is not None and value not in visible:
            return qs.none()
        return qs.filter(**{f"{self.field_name}__in": zone_descendants([value])})


class SearchFilter(django_filters.CharFilter):
    """Words to find in any of some text fields (case-insensitive); codes are matched in upper case too."""

    def __init__(self, *, fields: tuple[str, ...], upper: tuple[str, ...] = (), **kwargs):
        kwargs.setdefault("label", _("搜索"))
        super().__init__(**kwargs)
        self.fields, self.upper = fields, upper

    def filter(self, qs, value):
        value = (value or "").strip()
        if not value:
            return qs
        # Words without letter case (Chinese, digits) are matched as they are: on PostgreSQL a case-insensitive
        # match upper-cases every value of every row, which took most of a search's time over a province's firms.
        lookup = "contains" if value.upper() == value.lower() else "icontains"
        condition = Q()
        for name in self.fields:
            condition |= Q(**{f"{name}__{lookup}": value.upper() if name in self.upper else value})
        return qs.filter(condition)


class SortFilter(django_filters.ChoiceFilter):
    """A page's sort order (``?sort=``), the same in the API: ``orderings`` maps each choice to the fields of
    ``order_by`` or to a function ``(queryset, filterset) -> queryset``. Without a value the order is left as it
    is (a page passes its default)."""

    def __init__(self, *, orderings: dict, **kwargs):
        kwargs.setdefault("label", _("排序"))
        kwargs.setdefault("empty_label", None)
        super().__init__(**kwargs)
        self.orderings = orderings

    def filter(self, qs, value):
        if not value:
            return qs
        ordering = self.orderings[value]
        return ordering(qs, self.parent) if callable(ordering) else qs.order_by(*ordering)


def user_zone_choices(user) -> list[tuple[int, str]]:
    """The zones a user may see, as a page's zone choices."""
    return list(get_zone_model().objects.restrict(user).order_by("code", "name").values_list("pk", "name"))


class ZoneScopedFilterSet(BoundedFilterSet):
    """A filterset over a queryset already restricted to the user (``request.user``).

    A page passes ``zone_choices`` ((id, name) pairs, see ``user_zone_choices``): its zone filters become a
    select of those, and another value is a form error saying ``zone_refusal``.
    """

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None, zone_choices=None, zone_refusal=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        self.zone_choices = zone_choices
        self.zone_refusal = zone_refusal or _("不存在或无权查看的园区")

    @property
    def user(self):
        return getattr(self.request, "user", None)

    @property
    def form(self):
        if hasattr(self, "_form"):
            return self._form
        form = super().form
        if self.zone_choices is not None:
            allowed = {pk for pk, _name in self.zone_choices}
            refusal = self.zone_refusal

            def offered(value):
                if value is not None and value not in allowed:
                    raise ValidationError(refusal)

            for name, field in form.fields.items():
                if isinstance(self.filters.get(name), ZoneFilter):
                    field.widget = forms.Select(choices=[("", _("全部园区")), *self.zone_choices])
                    field.validators.append(offered)
        return form
