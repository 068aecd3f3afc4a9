"""Forms of the parcel pages: the list's filters and the edit form for a parcel's facts (not its polygon)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from yuanqu.land.models import Parcel
from yuanqu.zones.models import Zone

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ParcelFilterForm(forms.Form):
    """The parcel list's filters; the zone choices are the user's own zones."""

    q = forms.CharField(label=_("地块编号"), required=False, max_length=64)
    zone = forms.ModelChoiceField(
        label=_("园区"), queryset=Zone.objects.none(), required=False, empty_label=_("全部园区")
    )
    land_use = forms.ChoiceField(
        label=_("用地性质"), choices=[("", _("全部用地性质")), *Parcel.LandUse.choices], required=False
    )

    def __init__(self, data=None, *, user):
        super().__init__(data)
        self.fields["zone"].queryset = Zone.objects.restrict(user).order_by("code", "name")


class ParcelForm(forms.ModelForm):
    """A parcel's facts: code, land use, the dates of its development and its figures."""

    class Meta:
        model = Parcel
        fields = [
            "zone",
            "code",
            "land_use",
            "approved_on",
            "supplied_on",
            "agreed_start_on",
            "started_on",
            "completed_on",
            "halted_since",
            "delay_cause",
            "developed_area_mu",
            "total_investment",
            "invested",
            "planned_floor_area_m2",
            "built_floor_area_m2",
            "footprint_m2",
            "land_price",
        ]
        widgets = {
            name: DATE
            for name in ("approved_on", "supplied_on", "agreed_start_on", "started_on", "completed_on", "halted_since")
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zone"].queryset = Zone.objects.restrict(user, action="change").order_by("code", "name")
