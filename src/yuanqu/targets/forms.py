"""Forms of the targets app: a letter and its lines (the indicator chosen among the registered measures), a target
(the admin's), a reported value, a step of a task's flow and an extension."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from yuanqu.targets.models import ResponsibilityLetter, Target, Task
from yuanqu.targets.selectors import measure_choices
from yuanqu.targets.services import FLOW, check_indicator
from yuanqu.zones.models import Zone

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


class LetterForm(forms.ModelForm):
    """A zone's responsibility letter for a year: who signed it and when. The zone is one the user may change."""

    class Meta:
        model = ResponsibilityLetter
        fields = ["zone", "year", "signed_by", "signed_on", "note"]
        widgets = {"signed_on": forms.DateInput(attrs={"type": "date"}), "note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zone"].queryset = Zone.objects.restrict(user, action="change").order_by("code", "name")
        self.fields["year"].widget.attrs.update(min=2000, max=2100)

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        if not 2000 <= year <= 2100:
            raise ValidationError(_("年度须在 2000 至 2100 之间"))
        return year

    def clean(self):
        cleaned = super().clean()
        zone, year = cleaned.get("zone"), cleaned.get("year")
        others = ResponsibilityLetter.objects.filter(zone=zone, year=year).exclude(pk=self.instance.pk)
        if zone is not None and year is not None and others.exists():
            raise ValidationError(
                _("%(zone)s %(year)s 年的目标责任状已经存在，请在其页面上添加目标。")
                % {"zone": zone.name, "year": year}
            )
        return cleaned

    def validate_unique(self) -> None:
        """The letter's uniqueness is said in ``clean``, in the user's words."""


class LineForm(TargetForm):
    """A line of a letter: the letter fixes its zone and year; the value reported for a line no ledger measures is
    entered with its evidence on the letter's page, not here."""

    class Meta(TargetForm.Meta):
        fields = [
            "indicator", "name", "value", "unit", "leader", "responsible_unit", "order",
            "points", "above_step", "above_per", "above_cap", "below_step", "below_per", "below_basis", "below_cap",
        ]  # fmt: skip

    def __init__(self, *args, letter: ResponsibilityLetter, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.letter, self.instance.zone, self.instance.year = letter, letter.zone, letter.year
        self.fields["indicator"].help_text = _("由平台台账计算的指标；不选则为报送指标，须填写指标名称")

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("indicator") and not cleaned.get("name"):
            self.add_error("name", _("未选指标的目标须填写指标名称"))
        return cleaned


class ReportValueForm(forms.Form):
    """The value of a line no ledger measures, with who reports it and the evidence."""

    value = forms.DecimalField(label=_("报送完成值"), max_digits=18, decimal_places=4)
    on = forms.DateField(label=_("报送日期"), initial=dt.date.today, widget=forms.DateInput(attrs={"type": "date"}))
    by = forms.CharField(label=_("报送人"), max_length=100)
    evidence = forms.CharField(label=_("佐证材料"), widget=forms.Textarea(attrs={"rows": 2}))


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented way): a list of uploads, each checked as a file."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class AdvanceTaskForm(forms.Form):
    """The next step of a task's flow, offered among the steps its state allows."""

    to_state = forms.ChoiceField(label=_("下一环节"))
    on = forms.DateField(label=_("日期"), initial=dt.date.today, widget=forms.DateInput(attrs={"type": "date"}))
    by = forms.CharField(label=_("办理人"), max_length=100)
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    attachments = MultipleFileField(label=_("附件（反馈时，可多个）"), required=False)

    def __init__(self, *args, task: Task, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_state"].choices = [(s.value, s.label) for s in FLOW[Task.State(task.state)]]


class ExtendTaskForm(forms.Form):
    new_deadline = forms.DateField(label=_("延期至"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("延期理由"), widget=forms.Textarea(attrs={"rows": 2}))
    approver = forms.CharField(label=_("批准人"), max_length=100)


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("节点"), max_length=200)
    due_on = forms.DateField(label=_("计划完成日期"), widget=forms.DateInput(attrs={"type": "date"}))


class MilestoneDoneForm(forms.Form):
    done_on = forms.DateField(
        label=_("实际完成日期"), initial=dt.date.today, widget=forms.DateInput(attrs={"type": "date"})
    )
