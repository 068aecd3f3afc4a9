"""Forms of the targets app: a target (the admin's, the indicator chosen among the registered measures), a reported
value, a step of a task's flow and an extension."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from yuanqu.targets.models import Target, Task
from yuanqu.targets.selectors import measure_choices
from yuanqu.targets.services import FLOW, check_indicator

DEFAULTED = ("above_step", "above_per", "below_step", "below_per", "below_basis", "order")


class TargetForm(forms.ModelForm):
    class Meta:
        model = Target
        fields = [
            "letter", "zone", "year", "indicator", "name", "value", "unit", "leader", "responsible_unit", "order",
            "reported_value", "reported_on", "reported_by", "evidence",
            "points", "above_step", "above_per", "above_cap", "below_step", "below_per", "below_basis", "below_cap",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Built per form: the measures are registered once the apps are ready. Blank: a reported line.
        self.fields["indicator"].widget = forms.Select(choices=[("", "---------"), *measure_choices()])
        # A rule's steps may be left out: a blank one is the model's default (no points above or below).
        for name in DEFAULTED:
            self.fields[name].required = False

    def clean(self):
        cleaned = super().clean()
        for name in DEFAULTED:
            if cleaned.get(name) in (None, ""):
                cleaned[name] = Target._meta.get_field(name).get_default()
        return cleaned

    def clean_indicator(self) -> str:
        indicator = self.cleaned_data["indicator"]
        if not indicator:
            return indicator
        try:
            check_indicator(indicator=indicator)
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["indicator"]) from None
        return indicator


class ReportValueForm(forms.Form):
    """The value of a line no ledger measures, with who reports it and the evidence."""

    value = forms.DecimalField(label=_("报送完成值"), max_digits=18, decimal_places=4)
    on = forms.DateField(label=_("报送日期"), initial=dt.date.today, widget=forms.DateInput(attrs={"type": "date"}))
    by = forms.CharField(label=_("报送人"), max_length=100)
    evidence = forms.CharField(label=_("佐证材料"), widget=forms.Textarea(attrs={"rows": 2}))


class AdvanceTaskForm(forms.Form):
    """The next step of a task's flow, offered among the steps its state allows."""

    to_state = forms.ChoiceField(label=_("下一环节"))
    on = forms.DateField(label=_("日期"), initial=dt.date.today, widget=forms.DateInput(attrs={"type": "date"}))
    by = forms.CharField(label=_("办理人"), max_length=100)
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    attachment = forms.FileField(label=_("附件（反馈时）"), required=False)

    def __init__(self, *args, task: Task, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_state"].choices = [(s.value, s.label) for s in FLOW[Task.State(task.state)]]


class ExtendTaskForm(forms.Form):
    new_deadline = forms.DateField(label=_("延期至"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("延期理由"), widget=forms.Textarea(attrs={"rows": 2}))
    approver = forms.CharField(label=_("批准人"), max_length=100)
