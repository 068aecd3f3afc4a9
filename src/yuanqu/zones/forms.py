"""Forms of the zone pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from yuanqu.zones.models import Zone


class ZoneFilterForm(forms.Form):
    """The zone list's filters: level and kind."""

    level = forms.ChoiceField(label=_("级别"), choices=[("", _("全部级别")), *Zone.Level.choices], required=False)
    kind = forms.ChoiceField(label=_("类型"), choices=[("", _("全部类型")), *Zone.Kind.choices], required=False)
