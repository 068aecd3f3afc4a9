"""Forms of the project pages: the list's filter and the stage transition."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yuanqu.projects.models import Stage


class ProjectFilterForm(forms.Form):
    stage = forms.ChoiceField(label=_("阶段"), choices=[("", _("全部")), *Stage.choices], required=False)
    q = forms.CharField(label=_("搜索"), required=False, max_length=100)


class AdvanceStageForm(forms.Form):
    to_stage = forms.ChoiceField(label=_("新阶段"), choices=Stage.choices)
    on = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(
        label=_("原因"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("退回、终止或恢复项目时必填"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()


class StatisticsForm(forms.Form):
    """Zone (among the user's), year and month of the monthly statistics."""

    zone = forms.ModelChoiceField(label=_("园区"), queryset=None, required=False)
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100, required=False)
    month = forms.IntegerField(label=_("月份"), min_value=1, max_value=12, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from yuanqu.zones.models import Zone

        self.fields["zone"].queryset = Zone.objects.restrict(user).order_by("code", "name")
