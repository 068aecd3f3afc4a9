"""The target form (the admin's): the indicator chosen among the registered measures."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from yuanqu.targets.models import Target
from yuanqu.targets.selectors import measure_choices
from yuanqu.targets.services import check_indicator


class TargetForm(forms.ModelForm):
    class Meta:
        model = Target
        fields = ["zone", "year", "indicator", "value"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Built per form: the measures are registered once the apps are ready.
        self.fields["indicator"].widget = forms.Select(choices=[("", "---------"), *measure_choices()])

    def clean_indicator(self) -> str:
        indicator = self.cleaned_data["indicator"]
        try:
            check_indicator(indicator=indicator)
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["indicator"]) from None
        return indicator
