"""Forms of the one map: what it shows (zone and as-of date, those of the land ledger), its search box, and a
base map."""

from django import forms
from django.utils.translation import gettext_lazy as _

from yuanqu.core import params
from yuanqu.land.forms import LedgerFilterForm
from yuanqu.maps.models import BaseMap
from yuanqu.zones.models import Zone


class MapFilterForm(LedgerFilterForm):
    """The map's zone (one of the user's, with its sub-parks) and as-of date (today by default)."""


class MapSearchForm(forms.Form):
    """The map's search box: a parcel code, part of an enterprise's name or its USCC, in the user's zones."""

    q = forms.CharField(label=_("搜索"), max_length=100)
    zone = params.ModelIdChoiceField(label=_("园区"), queryset=Zone.objects.none(), required=False)

    def __init__(self, data=None, *, user):
        super().__init__(data)
        self.fields["zone"].queryset = Zone.objects.restrict(user).order_by("code", "name")


class BaseMapForm(forms.ModelForm):
    """A base map's tiles and coordinate system; whether it is the one in force is set by the service."""

    active = forms.BooleanField(label=_("启用"), required=False, help_text=_("启用后其他底图自动停用"))

    class Meta:
        model = BaseMap
        fields = ["name", "kind", "url", "crs", "attribution", "min_zoom", "max_zoom"]
        widgets = {"url": forms.TextInput(attrs={"size": 80})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["active"].initial = self.instance.active
