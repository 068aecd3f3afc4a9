"""Forms of the enterprise pages: the list's filters and the edit forms for an enterprise and a year."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from yuanqu.analytics.industry import IndustryCodeError, parse_industry_code
from yuanqu.core.params import DATE_INPUT
from yuanqu.enterprises.models import Enterprise, EnterpriseYear
from yuanqu.enterprises.services import UsccError, clean_uscc
from yuanqu.zones.models import Zone


def reason(exc: UsccError | IndustryCodeError) -> str:
    """The reason of a code error in the language of the request."""
    return exc.reason_en if (get_language() or "").startswith("en") else exc.reason_zh


class EnterpriseForm(forms.ModelForm):
    """An enterprise's facts; the zone list holds only zones the user may edit."""

    industry_code = forms.CharField(
        label=_("行业代码"), required=False, max_length=20, help_text=_("GB/T 4754-2017，如 3981 或 C3981")
    )

    class Meta:
        model = Enterprise
        fields = [
            "uscc",
            "name",
            "zone",
            "status",
            "production_started_on",
            "main_products",
            "business_scope",
            *Enterprise.KEY_FIELDS,
        ]
        widgets = {
            "production_started_on": DATE_INPUT,
            "main_products": forms.Textarea(attrs={"rows": 2}),
            "business_scope": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zone"].queryset = Zone.objects.restrict(user, action="change").order_by("code", "name")
        if self.instance.pk and not self.is_bound:
            self.initial["industry_code"] = self.instance.industry_code

    def clean_production_started_on(self):
        on = self.cleaned_data.get("production_started_on")
        if on is not None and on > timezone.localdate():
            raise forms.ValidationError(f"日期 {on} 在今天之后 / the date {on} is in the future")
        return on

    def clean_uscc(self) -> str:
        try:
            return clean_uscc(self.cleaned_data["uscc"])
        except UsccError as exc:
            raise forms.ValidationError(reason(exc)) from None

    def clean_industry_code(self) -> str:
        code = self.cleaned_data["industry_code"].strip()
        if not code:
            return ""
        try:
            return parse_industry_code(code).code
        except IndustryCodeError as exc:
            raise forms.ValidationError(reason(exc)) from None


class EnterpriseYearForm(forms.ModelForm):
    """One year of an enterprise's figures (the enterprise is fixed by the page)."""

    class Meta:
        model = EnterpriseYear
        fields = ["year", *EnterpriseYear.FIGURES]

    def clean_year(self):
        year = self.cleaned_data.get("year")
        if year is not None and year > timezone.localdate().year:
            raise forms.ValidationError(f"年度 {year} 在今年之后 / the year {year} is after this year")
        return year
