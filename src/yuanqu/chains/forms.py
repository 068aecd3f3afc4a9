"""Forms of the chain pages: a chain, a link, a correction of a link's firms, a project's link, a target firm."""

from __future__ import annotations

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yuanqu.chains.models import Chain, ChainFirm, ChainNode, ProjectKind, TargetFirm
from yuanqu.enterprises.models import Enterprise
from yuanqu.projects.forms import PickerField, enterprise_label, project_label
from yuanqu.projects.models import Project
from yuanqu.zones.models import Zone


class ChainForm(forms.ModelForm):
    """A chain; its zones are those the user may change, its leading firms those the user sees."""

    class Meta:
        model = Chain
        fields = ["name", "owner", "zones", "leading_enterprises", "weak_below", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3}), "zones": forms.CheckboxSelectMultiple}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zones"].queryset = Zone.objects.restrict(user, action="change").order_by("code", "name")
        leading = Enterprise.objects.restrict(user).order_by("name")
        if self.instance.pk:
            leading = leading.filter(zone__in=self.instance.zones.all())
        self.fields["leading_enterprises"].queryset = leading
        self.fields["leading_enterprises"].required = False


class ChainNodeForm(forms.ModelForm):
    """A link of the chain; the parent is another link of the same chain."""

    class Meta:
        model = ChainNode
        fields = ["code", "name", "parent", "position", "industry_codes", "keywords", "nbs_category", "order"]

    def __init__(self, *args, chain: Chain, **kwargs):
        super().__init__(*args, **kwargs)
        parents = chain.nodes.all()
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents.order_by("code")

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        others = ChainNode.objects.filter(chain=self.instance.chain, code=code).exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(_("该产业链已有此环节编号"))
        return code


class CorrectionForm(forms.Form):
    """Confirm, add or exclude a firm on a link, or drop the correction."""

    enterprise = forms.ModelChoiceField(queryset=Enterprise.objects.none(), label=_("企业"))
    decision = forms.ChoiceField(choices=[*ChainFirm.Decision.choices, ("clear", _("撤销校正"))], label=_("处理"))
    note = forms.CharField(label=_("备注"), required=False, max_length=300)

    def __init__(self, *args, user, zone_ids, **kwargs):
        super().__init__(*args, **kwargs)
        # Typed with the project form's picker: a select of every firm, on every link, made the page megabytes.
        self.fields["enterprise"] = PickerField(
            label=self.fields["enterprise"].label,
            queryset=Enterprise.objects.restrict(user, action="change").filter(zone_id__in=zone_ids),
            label_of=enterprise_label,
            lookups=("uscc", "name"),
            search_url=reverse("projects:pick-enterprises"),
        )


class ProjectLinkForm(forms.Form):
    """Tag a project of the ledger with this link."""

    project = forms.ModelChoiceField(queryset=Project.objects.none(), label=_("项目"))
    kind = forms.ChoiceField(choices=ProjectKind.choices, label=_("作用"))

    def __init__(self, *args, user, zone_ids, **kwargs):
        super().__init__(*args, **kwargs)
        # Typed with a picker: a select of every project, on every link, made the page heavy.
        query = "&".join(f"zone={pk}" for pk in sorted(zone_ids))
        self.fields["project"] = PickerField(
            label=self.fields["project"].label,
            queryset=Project.objects.restrict(user, action="change")
            .filter(zone_id__in=zone_ids)
            .select_related("zone")
            .order_by("name"),
            label_of=project_label,
            lookups=("name",),
            search_url=f"{reverse('projects:pick-projects')}?{query}",
        )


class TargetFirmForm(forms.ModelForm):
    """A target firm of a link, in one of the chain's zones the user may change."""

    class Meta:
        model = TargetFirm
        fields = ["zone", "name", "uscc", "location", "reason", "status", "via_enterprise", "relation", "project"]
        widgets = {"reason": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, user, chain: Chain, **kwargs):
        super().__init__(*args, **kwargs)
        zones = Zone.objects.restrict(user, action="change").filter(pk__in=chain.zones.values("pk"))
        self.fields["zone"].queryset = zones.order_by("code", "name")
        self.fields["via_enterprise"].queryset = chain.leading_enterprises.filter(
            pk__in=Enterprise.objects.restrict(user).values("pk")
        ).order_by("name")
        self.fields["project"].queryset = Project.objects.restrict(user).filter(zone__in=zones).order_by("name")
