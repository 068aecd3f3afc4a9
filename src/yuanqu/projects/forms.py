"""Forms of the project pages: the list's filter, the project and agreement forms, the stage transition."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yuanqu.analytics.industry import IndustryCodeError, parse_industry_code
from yuanqu.core import params
from yuanqu.core.access import zone_descendants
from yuanqu.enterprises.models import Enterprise
from yuanqu.land.models import Parcel
from yuanqu.projects.models import Agreement, Project, Stage
from yuanqu.zones.models import Zone

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AdvanceStageForm(forms.Form):
    to_stage = forms.ChoiceField(label=_("新阶段"), choices=Stage.choices)
    on = params.DateField(label=_("日期"), widget=DATE)
    reason = forms.CharField(
        label=_("原因"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("退回、终止或恢复项目时必填"),
    )
    not_duplicate = forms.BooleanField(
        label=_("不是重复项目"),
        required=False,
        help_text=_("线索有可能重复的项目时，核对后勾选才能推进"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()


class StatisticsForm(forms.Form):
    """Zone (among the user's), year and month of the monthly statistics."""

    zone = params.ModelIdChoiceField(label=_("园区"), queryset=None, required=False)
    year = params.YearField(label=_("年度"), min_value=2000, max_value=2100, required=False)
    month = forms.IntegerField(label=_("月份"), min_value=1, max_value=12, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from yuanqu.zones.models import Zone

        self.fields["zone"].queryset = Zone.objects.restrict(user).order_by("code", "name")


class ProjectForm(forms.ModelForm):
    """Every editable fact of a project; zone, parcel and enterprise among those the user may change.

    The stage is not here: it changes through the stage form, which keeps the timeline.
    """

    industry_code = forms.CharField(
        label=_("行业代码"), required=False, max_length=8, help_text=_("GB/T 4754-2017，如 3841 或 C3841")
    )
    lead_on = forms.DateField(
        label=_("线索日期"), required=False, widget=DATE, help_text=_("收到线索的日期，进度从这一天开始；默认今天")
    )

    class Meta:
        model = Project
        fields = [
            "name",
            "zone",
            "investor",
            "investor_origin",
            "total_investment",
            "fixed_asset_investment",
            "foreign_investment",
            "land_mu",
            "lead_source",
            "contact_verified",
            "investor_capacity",
            "is_top500",
            "is_china_top100_private",
            "is_regional_hq",
            "leader",
            "agent",
            "parcel",
            "enterprise",
        ]
        help_texts = {"total_investment": _("单位万元；1 亿元 = 10000 万元")}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zone"].queryset = Zone.objects.restrict(user, action="change").order_by("code", "name")
        self.fields["parcel"].queryset = (
            Parcel.objects.restrict(user, action="change").select_related("zone").order_by("code")
        )
        self.fields["enterprise"].queryset = Enterprise.objects.restrict(user, action="change").order_by("name")
        self.fields["parcel"].label_from_instance = lambda p: f"{p.code}（{p.zone.name}）"
        # The code is not a model field here: save_project parses "C3841" into code, section and division.
        self.fields["industry_code"].initial = self.instance.industry_code
        names = list(self.fields)
        names.remove("industry_code")
        names.insert(names.index("investor_origin") + 1, "industry_code")
        self.order_fields(names)
        if self.instance.pk is not None:
            del self.fields["lead_on"]  # the timeline's first date changes only through the stage history
        if self.instance.total_investment is not None:
            self.fields["total_investment"].help_text = _("单位万元；当前 %(yi)s 亿元") % {
                "yi": f"{self.instance.total_investment_yi:,.2f}"
            }

    def clean_lead_on(self):
        on = self.cleaned_data["lead_on"]
        if on is not None and on > timezone.localdate():
            raise ValidationError(f"日期 {on} 在今天之后 / the date {on} is in the future")
        return on

    def clean_industry_code(self) -> str:
        code = self.cleaned_data["industry_code"].strip()
        if code:
            try:
                parse_industry_code(code)
            except IndustryCodeError as exc:
                raise ValidationError(f"{code}：{exc}") from None
        return code

    def clean(self):
        data = super().clean()
        zone = data.get("zone")
        if zone is not None:
            family = zone_descendants([zone.pk])
            for name, label_zh, label_en in (("parcel", "地块", "parcel"), ("enterprise", "企业", "enterprise")):
                related = data.get(name)
                if related is not None and related.zone_id not in family:
                    self.add_error(
                        name,
                        ValidationError(
                            f"{label_zh}“{related}”不属于所选园区“{zone}” / "
                            f"the {label_en} {related} is not in the chosen zone {zone}"
                        ),
                    )
        return data


class AgreementForm(forms.ModelForm):
    """What the investor promised when signing."""

    class Meta:
        model = Agreement
        fields = [
            "signed_on",
            "total_investment",
            "intensity",
            "land_mu",
            "start_by",
            "production_by",
            "output_per_mu",
            "tax_per_mu",
        ]
        widgets = {name: DATE for name in ("signed_on", "start_by", "production_by")}

    def clean(self):
        data = super().clean()
        signed_on = data.get("signed_on")
        if signed_on is not None and signed_on > timezone.localdate():
            self.add_error("signed_on", f"日期 {signed_on} 在今天之后 / the date {signed_on} is in the future")
        elif signed_on is not None:
            for name, zh, en in (("start_by", "约定开工", "start-by"), ("production_by", "约定投产", "production-by")):
                on = data.get(name)
                if on is not None and on < signed_on:
                    self.add_error(
                        name,
                        f"{zh}日期 {on} 早于签约日期 {signed_on} / the {en} date {on} is before the signing {signed_on}",
                    )
        return data


class DeleteForm(forms.Form):
    confirm = forms.BooleanField(label=_("确认删除该项目及其全部进度记录"), required=True)


class AlertFilterForm(forms.Form):
    """Kind and zone (among the user's, with its sub-parks) of the alert list."""

    kind = forms.ChoiceField(label=_("类型"), required=False)
    zone = params.ModelIdChoiceField(label=_("园区"), queryset=None, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from yuanqu.projects.alerts import KINDS

        self.fields["kind"].choices = [("", _("全部")), *KINDS.items()]
        self.fields["zone"].queryset = Zone.objects.restrict(user).order_by("code", "name")
