"""Forms of the parcel pages: the list's filters and the edit form for a parcel's facts (not its polygon);
the land ledger's filters and the land rules."""

import datetime as dt
import unicodedata
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yuanqu.analytics.land_status import STATUS_LABELS, STATUSES
from yuanqu.core import params
from yuanqu.land.models import Parcel
from yuanqu.zones.models import Zone


class LedgerFilterForm(forms.Form):
    """The land ledger's zone (one of the user's, with its sub-parks) and as-of date (today by default)."""

    zone = params.ModelIdChoiceField(
        label=_("园区"), queryset=Zone.objects.none(), required=False, empty_label=_("全部园区")
    )
    as_of = params.DateField(label=_("认定日期"), required=False, widget=params.DATE_INPUT)

    def __init__(self, data=None, *, user):
        super().__init__(data)
        self.fields["zone"].queryset = Zone.objects.restrict(user).order_by("code", "name")

    def clean_as_of(self) -> dt.date:
        return self.cleaned_data.get("as_of") or timezone.localdate()


NUMBER_ERROR = {"invalid": "请输入数字 / enter a number"}
WHOLE_ERROR = {"invalid": "请输入整数 / enter a whole number"}
RULE_FIELDS = (
    "idle_after_years",
    "idle_fee_after_years",
    "recovery_after_years",
    "idle_fee_share",
    "halted_counts_as_idle",
    "halted_developed_share_min",
    "halted_invested_share_min",
    "indicator_land_uses",
    "plot_ratio_min_default",
    "building_coverage_min",
    "inefficient_tax_per_mu_min",
    "inefficient_plot_ratio_min",
)


def _number(label, help_text, *, required: bool = True) -> forms.FloatField:
    return forms.FloatField(
        label=label,
        help_text=help_text,
        required=required,
        error_messages={**NUMBER_ERROR, "required": "必填 / required"},
        widget=forms.NumberInput(attrs={"step": "any"}),
    )


def share_text(value) -> str:
    """A share as people write it: a simple fraction where a decimal would run on (1/3, 2/3), else a percentage
    (25 %, 12.5 %); anything else as it is."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return "" if value is None else str(value)
    if 0 < value < 1:
        for denominator in range(3, 13):
            numerator = round(value * denominator)
            if abs(value * denominator - numerator) < 1e-9 and abs(round(value * 1000) - value * 1000) > 1e-6:
                fraction = Fraction(numerator, denominator)
                return f"{fraction.numerator}/{fraction.denominator}"
    percent = f"{value * 100:.4f}".rstrip("0").rstrip(".")
    return f"{percent} %"


class ShareField(forms.FloatField):
    """A share (0–1) written as people write it: 0.25, 25 %, 25%, 1/3; shown back as a fraction or percentage."""

    widget = forms.TextInput

    def to_python(self, value):
        text = unicodedata.normalize("NFKC", str(value or "")).strip().replace(" ", "")
        if text in self.empty_values:
            return None
        try:
            if text.endswith("%"):
                return float(Decimal(text[:-1]) / 100)
            if "/" in text:
                top, bottom = text.split("/", 1)
                return float(Fraction(int(top), int(bottom)))
        except (InvalidOperation, ValueError, ZeroDivisionError):
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        return super().to_python(text)

    def prepare_value(self, value):
        return share_text(value) if isinstance(value, int | float) else value


def _share(label, help_text) -> ShareField:
    return ShareField(
        label=label,
        help_text=help_text,
        error_messages={**NUMBER_ERROR, "required": "必填 / required"},
        widget=forms.TextInput(attrs={"size": 8, "inputmode": "decimal"}),
    )


def _years(label, help_text) -> forms.IntegerField:
    return forms.IntegerField(
        label=label, help_text=help_text, error_messages={**WHOLE_ERROR, "required": "必填 / required"}
    )


class LandRulesForm(forms.Form):
    """Every threshold of the land rules, one field each; the plot-ratio lines per industry division are the
    ``PlotRatioFormSet`` beside it. The rules check themselves (``validate_rules``) before they are saved."""

    idle_after_years = _years(_("闲置认定年限（年）"), _("超过约定开工日期满几年未开工认定为闲置"))
    idle_fee_after_years = _years(_("征收闲置费年限（年）"), _("闲置满几年起可征收土地闲置费"))
    recovery_after_years = _years(_("无偿收回年限（年）"), _("闲置满几年起可无偿收回"))
    idle_fee_share = _share(_("闲置费比例"), _("占土地价格的比例，如 20 %、0.2 或 1/5"))
    halted_counts_as_idle = forms.BooleanField(label=_("已开工但停工满期的按闲置认定"), required=False)
    halted_developed_share_min = _share(_("已开发面积比例下限"), _("低于此比例且停工满期的计入闲置，如 1/3 或 33 %"))
    halted_invested_share_min = _share(_("已投资比例下限"), _("低于此比例且停工满期的计入闲置，如 25 %"))
    indicator_land_uses = forms.MultipleChoiceField(
        label=_("适用控制指标的用地性质"),
        choices=Parcel.LandUse.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    plot_ratio_min_default = _number(_("容积率下限（未列行业）"), _("行业大类未单独列出时的容积率下限"))
    building_coverage_min = _share(_("建筑系数下限"), _("如 30 % 或 0.3"))
    inefficient_tax_per_mu_min = _number(
        _("低效用地亩均税收线（万元/亩）"), _("低于此值认定为低效；留空则不按亩均税收认定"), required=False
    )
    inefficient_plot_ratio_min = _number(
        _("低效用地容积率线"), _("低于此值认定为低效；留空则不按容积率认定"), required=False
    )

    def __init__(self, data=None, *, rules: dict, disabled: bool = False):
        super().__init__(data, initial={name: rules[name] for name in RULE_FIELDS})
        if disabled:
            for field in self.fields.values():
                field.disabled = True

    def rules(self, plot_ratios: dict[str, float]) -> dict:
        """The rule set the form and the division table describe (call once both are valid)."""
        data = {name: self.cleaned_data[name] for name in RULE_FIELDS}
        data["indicator_land_uses"] = list(data["indicator_land_uses"])
        data["plot_ratio_min_by_division"] = plot_ratios
        return data

    def add_rule_problems(self, problems: list[str], formset) -> None:
        """Put each problem the rules found next to the field it names (the others above the form)."""
        for problem in problems:
            name = next((n for n in RULE_FIELDS if problem.startswith(n) or f" {n} " in problem), None)
            if problem.startswith("plot_ratio_min_by_division"):
                formset.non_form_errors().append(problem)
            elif name is not None and name in self.fields and not problem.startswith("年限"):
                self.add_error(name, problem)
            else:
                self.add_error(None, problem)


class PlotRatioForm(forms.Form):
    """One industry division's minimum plot ratio."""

    division = forms.ChoiceField(label=_("行业大类"), choices=[])
    plot_ratio_min = forms.FloatField(
        label=_("容积率下限"), error_messages=NUMBER_ERROR, widget=forms.NumberInput(attrs={"step": "any"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from yuanqu.analytics.industry import DIVISIONS

        self.fields["division"].choices = [
            ("", "—"),
            *((code, f"{code} {zh}") for code, (zh, _en) in DIVISIONS.items()),
        ]

    def clean_plot_ratio_min(self) -> float:
        value = self.cleaned_data["plot_ratio_min"]
        if value is not None and value <= 0:
            raise ValidationError(f"容积率下限须大于 0：{value:g} / the minimum plot ratio must be above 0: {value:g}")
        return value


class BasePlotRatioFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        if any(self.errors):
            return
        seen = set()
        for index, form in enumerate(self.forms, start=1):
            division = form.cleaned_data.get("division")
            if not division or form.cleaned_data.get("DELETE"):
                continue
            if division in seen:
                raise ValidationError(
                    f"第 {index} 行：行业大类 {division} 重复 / row {index}: division {division} is listed twice"
                )
            seen.add(division)

    def plot_ratios(self) -> dict[str, float]:
        """Division → minimum plot ratio, from the rows kept (blank and deleted rows left out)."""
        result = {}
        for form in self.forms:
            data = form.cleaned_data
            if data.get("division") and not data.get("DELETE") and data.get("plot_ratio_min") is not None:
                result[data["division"]] = data["plot_ratio_min"]
        return result


PlotRatioFormSet = forms.formset_factory(PlotRatioForm, formset=BasePlotRatioFormSet, extra=3, can_delete=True)
ReadOnlyPlotRatioFormSet = forms.formset_factory(PlotRatioForm, formset=BasePlotRatioFormSet, extra=0)


def plot_ratio_formset(data=None, *, rules: dict, disabled: bool = False) -> BasePlotRatioFormSet:
    """The division table of the rules page, one row per division with its own line."""
    initial = [{"division": d, "plot_ratio_min": v} for d, v in rules["plot_ratio_min_by_division"].items()]
    factory = ReadOnlyPlotRatioFormSet if disabled else PlotRatioFormSet
    formset = factory(data, initial=initial, prefix="divisions")
    if disabled:
        for form in formset.forms:
            for field in form.fields.values():
                field.disabled = True
    return formset


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
        widgets = {name: params.DATE_INPUT for name in Parcel.DATE_FIELDS}

    # What has happened already; the agreed start may lie ahead.
    PAST_DATES = ("approved_on", "supplied_on", "started_on", "completed_on", "halted_since", "revitalised_on")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zone"].queryset = Zone.objects.restrict(user, action="change").order_by("code", "name")

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        for name in self.PAST_DATES:
            on = data.get(name)
            if on is not None and on > today:
                self.add_error(name, f"日期 {on} 在今天之后 / the date {on} is in the future")
        return data


class StatusLayerForm(LedgerFilterForm):
    """The ledger's zone and date, plus a land status (all when empty) and the file format of the layer."""

    status = forms.ChoiceField(label=_("土地状态"), choices=[], required=False)
    format = forms.ChoiceField(
        label=_("格式"), choices=[("gpkg", "GeoPackage"), ("geojson", "GeoJSON")], initial="gpkg", required=False
    )

    def __init__(self, data=None, *, user, english: bool = False):
        super().__init__(data, user=user)
        labels = [(s, STATUS_LABELS[s][1 if english else 0]) for s in STATUSES]
        self.fields["status"].choices = [("", _("全部状态")), *labels]

    def clean_format(self) -> str:
        return self.cleaned_data.get("format") or "gpkg"
