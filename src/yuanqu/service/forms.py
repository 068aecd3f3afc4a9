"""Forms of the service pages: a new request, the next step of a request, a visit, an enterprise's linked
officials and its plan (一企一策) with its measures."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yuanqu.core.params import DATE_INPUT
from yuanqu.enterprises.models import Enterprise
from yuanqu.service.models import (
    EnterpriseOfficial,
    EnterprisePlan,
    PlanMeasure,
    RequestStep,
    ServiceCategory,
    ServiceRequest,
    Visit,
)
from yuanqu.service.selectors import colleagues


class ServiceRequestForm(forms.ModelForm):
    """A request as it is received (受理); the enterprise list holds only enterprises the user may change."""

    class Meta:
        model = ServiceRequest
        fields = ["enterprise", "received_on", "channel", "kind", "category", "content", "unit", "number"]
        widgets = {"received_on": DATE_INPUT, "content": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"number": _("留空则自动编号"), "unit": _("可在派单时填写")}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = Enterprise.objects.restrict(user, action="change").order_by("name")
        self.fields["category"].queryset = ServiceCategory.objects.filter(active=True)
        self.fields["number"].required = False
        if self.initial.get("received_on") is None:
            self.initial["received_on"] = timezone.localdate()


class StepForm(forms.Form):
    """The next step of a request: which one, on which day, with what (unit, reply, rating, extension)."""

    action = forms.ChoiceField(label=_("环节"))
    on = forms.DateField(label=_("日期"), widget=DATE_INPUT)
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    unit = forms.CharField(label=_("承办单位"), required=False, max_length=100)
    satisfaction = forms.TypedChoiceField(
        label=_("满意度"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "—"), *((n, str(n)) for n in range(5, 0, -1))],
    )
    days = forms.IntegerField(label=_("延期工作日"), required=False, min_value=1, max_value=60)
    approver = forms.CharField(label=_("批准人"), required=False, max_length=100)

    def __init__(self, *args, actions: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(RequestStep.Action.choices)
        self.fields["action"].choices = [(a, labels[a]) for a in actions]
        self.fields["on"].initial = timezone.localdate()


class VisitForm(forms.ModelForm):
    """A visit planned or paid, with its write-up."""

    class Meta:
        model = Visit
        fields = ["enterprise", "state", "visited_on", "official", "agency", "companions", "findings", "reason"]
        widgets = {"visited_on": DATE_INPUT, "findings": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = Enterprise.objects.restrict(user, action="change").order_by("name")
        self.fields["official"].queryset = colleagues(user)
        if not self.instance.pk:
            # The instance's empty fields are in self.initial and would hide a field's own initial value.
            self.initial["official"] = self.initial.get("official") or user.pk
            self.initial["visited_on"] = self.initial.get("visited_on") or timezone.localdate()


class OfficialForm(forms.ModelForm):
    """An official linked to the enterprise: its linked leader (挂钩领导) or its contact in the zone, among the
    people the user may name."""

    class Meta:
        model = EnterpriseOfficial
        fields = ["official", "role", "since"]
        widgets = {"since": DATE_INPUT}

    def __init__(self, *args, user, enterprise, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.enterprise = enterprise
        self.fields["official"].queryset = colleagues(user)
        if not self.instance.pk:
            self.initial["since"] = self.initial.get("since") or timezone.localdate()

    def clean(self):
        cleaned = super().clean()
        official, role = cleaned.get("official"), cleaned.get("role")
        links = EnterpriseOfficial.objects.filter(enterprise=self.instance.enterprise, official=official, role=role)
        if official is not None and role and links.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(
                _("%(person)s 已是该企业的%(role)s。")
                % {"person": official, "role": EnterpriseOfficial.Role(role).label}
            )
        return cleaned

    def validate_unique(self) -> None:
        """Said in ``clean``, in the user's words."""


class PlanForm(forms.ModelForm):
    """The enterprise's plan for a year: its goal (the measures are added on the enterprise's page)."""

    class Meta:
        model = EnterprisePlan
        fields = ["year", "goal"]
        widgets = {"goal": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, enterprise, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.enterprise = enterprise
        self.fields["year"].widget.attrs.update(min=2000, max=2100)
        if not self.instance.pk:
            self.initial["year"] = self.initial.get("year") or timezone.localdate().year


class MeasureForm(forms.ModelForm):
    """One measure of a plan: what, who, by when, how far."""

    class Meta:
        model = PlanMeasure
        fields = ["content", "owner", "due_on", "state"]
        widgets = {"due_on": DATE_INPUT}

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.plan = plan
