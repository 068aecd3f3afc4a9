"""Forms of the parcel pages: the list's filters and the edit form for a parcel's facts (not its polygon);
the land ledger's filters and the land rules."""

import datetime as dt
import json

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yuanqu.analytics.land_status import STATUS_LABELS, STATUSES
from yuanqu.land.ledger import validate_rules
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
    status = forms.ChoiceField(label=_("土地状态"), choices=[], required=False)
    as_of = forms.DateField(label=_("认定日期"), required=False, widget=DATE)

    def __init__(self, data=None, *, user, english: bool = False):
        super().__init__(data)
        self.fields["zone"].queryset = Zone.objects.restrict(user).order_by("code", "name")
        labels = [(s, STATUS_LABELS[s][1 if english else 0]) for s in STATUSES]
        self.fields["status"].choices = [("", _("全部状态")), *labels]


class LedgerFilterForm(forms.Form):
    """The land ledger's zone (one of the user's, with its sub-parks) and as-of date (today by default)."""

    zone = forms.ModelChoiceField(
        label=_("园区"), queryset=Zone.objects.none(), required=False, empty_label=_("全部园区")
    )
    as_of = forms.DateField(label=_("认定日期"), required=False, widget=DATE)

    def __init__(self, data=None, *, user):
        super().__init__(data)
        self.fields["zone"].queryset = Zone.objects.restrict(user).order_by("code", "name")

    def clean_as_of(self) -> dt.date:
        return self.cleaned_data.get("as_of") or timezone.localdate()


class LandRulesForm(forms.Form):
    """The land rules as JSON (the keys of ``LandRules``), checked by the rules themselves before saving."""

    rules = forms.CharField(
        label=_("规则（JSON）"),
        widget=forms.Textarea(attrs={"rows": 30, "cols": 80, "spellcheck": "false", "class": "code"}),
    )

    def clean_rules(self) -> dict:
        try:
            data = json.loads(self.cleaned_data["rules"])
        except json.JSONDecodeError as exc:
            raise ValidationError(f"不是有效的 JSON / not valid JSON: {exc}") from None
        validate_rules(data)
        return data


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
            "revitalised_on",
        ]
        widgets = {name: DATE for name in Parcel.DATE_FIELDS}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zone"].queryset = Zone.objects.restrict(user, action="change").order_by("code", "name")
