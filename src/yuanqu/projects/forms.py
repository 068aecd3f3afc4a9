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
from yuanqu.projects.models import STAGE_ORDER, Agreement, Project, Stage, stage_rank
from yuanqu.zones.models import Zone


class AdvanceStageForm(forms.Form):
    to_stage = forms.ChoiceField(label=_("新阶段"), choices=Stage.choices)
    on = params.DateField(label=_("日期"), widget=params.DATE_INPUT)
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

    def __init__(self, *args, current: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()
        # The next stage in the order is proposed; a dropped project is proposed back at the start.
        if current is not None:
            rank = stage_rank(current)
            if rank is not None and rank + 1 < len(STAGE_ORDER):
                self.fields["to_stage"].initial = STAGE_ORDER[rank + 1]
            elif rank is None:
                self.fields["to_stage"].initial = Stage.LEAD


class StatisticsForm(forms.Form):
    """Zone (among the user's), year and month of the monthly statistics."""

    zone = params.ModelIdChoiceField(label=_("园区"), queryset=None, required=False)
    year = params.YearField(label=_("年度"), min_value=2000, max_value=2100, required=False)
    month = forms.IntegerField(label=_("月份"), min_value=1, max_value=12, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from yuanqu.zones.models import Zone

        self.fields["zone"].queryset = Zone.objects.restrict(user).order_by("code", "name")


def parcel_label(parcel) -> str:
    """How a parcel is shown and typed in the project form's picker: its code and zone."""
    return f"{parcel.code}（{parcel.zone.name}）"


def enterprise_label(enterprise) -> str:
    """How an enterprise is shown and typed in the picker: its name and credit code."""
    return f"{enterprise.name}（{enterprise.uscc}）" if enterprise.uscc else enterprise.name


def project_label(project) -> str:
    """How a project is shown and typed in a picker: its name and zone (names repeat across zones)."""
    return f"{project.name}（{project.zone.name}）"


class PickerField(forms.ModelChoiceField):
    """A parcel, enterprise or project typed as text: the picker's label, or a code, credit code or name that names exactly
    one of the user's objects. The page's script (``projects/picker.js``) proposes labels as the user types part of
    a code or name; without it the field still takes what is typed."""

    def __init__(self, *args, label_of, lookups, search_url: str, **kwargs):
        self.label_of, self.lookups = label_of, lookups
        super().__init__(*args, **kwargs)
        self.widget = forms.TextInput(
            attrs={"data-picker": search_url, "autocomplete": "off", "placeholder": _("输入代码或名称的一部分")}
        )

    def prepare_value(self, value):
        if isinstance(value, int | str) and params.to_id(value) is not None and self.queryset is not None:
            value = self.queryset.filter(pk=params.to_id(value)).first()
        if hasattr(value, "_meta"):
            return self.label_of(value)
        return value

    def to_python(self, value):
        text = (value or "").strip()
        if text in self.empty_values:
            return None
        if (pk := params.to_id(text)) is not None:
            found = self.queryset.filter(pk=pk).first()
            if found is not None:
                return found
        key = text.split("（", 1)[0].strip()
        for lookup in self.lookups:
            matches = list(self.queryset.filter(**{lookup: key})[:20])
            exact = [m for m in matches if self.label_of(m) == text]
            if len(exact) == 1:
                return exact[0]
            if len(matches) == 1:
                return matches[0]
            if len(matches) > 1:
                raise ValidationError(
                    f"“{text}”对应多个，请从候选中选择 / “{text}” matches several; choose one of the suggestions"
                )
        raise ValidationError(
            f"找不到“{text}”，请输入代码或名称的一部分并从候选中选择 / "
            f"no match for “{text}”; type part of a code or name and choose a suggestion"
        )


class ProjectForm(forms.ModelForm):
    """Every editable fact of a project; zone, parcel and enterprise among those the user may change.

    The stage is not here: it changes through the stage form, which keeps the timeline.
    """

    industry_code = forms.CharField(
        label=_("行业代码"), required=False, max_length=8, help_text=_("GB/T 4754-2017，如 3841 或 C3841")
    )
    lead_on = forms.DateField(
        label=_("线索日期"),
        required=False,
        widget=params.DATE_INPUT,
        help_text=_("收到线索的日期，进度从这一天开始；默认今天"),
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
        from django.urls import reverse

        self.fields["parcel"] = PickerField(
            label=self.fields["parcel"].label,
            queryset=self.fields["parcel"].queryset,
            required=False,
            label_of=parcel_label,
            lookups=("code",),
            search_url=reverse("projects:pick-parcels"),
            help_text=_("输入地块代码的一部分，从候选中选择"),
        )
        self.fields["enterprise"] = PickerField(
            label=self.fields["enterprise"].label,
            queryset=self.fields["enterprise"].queryset,
            required=False,
            label_of=enterprise_label,
            lookups=("uscc", "name"),
            search_url=reverse("projects:pick-enterprises"),
            help_text=_("输入企业名称或信用代码的一部分，从候选中选择"),
        )
        if self.instance.pk is not None:
            for name in ("parcel", "enterprise"):
                self.fields[name].widget.attrs["data-picker-project"] = self.instance.pk
        # Leader and agent: the platform's people are proposed; any name may still be written.
        people = people_names(user)
        for name in ("leader", "agent"):
            self.fields[name].widget.attrs.update({"list": f"people-{name}", "autocomplete": "off"})
        self.people = people
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


def people_names(user) -> dict[str, list[str]]:
    """Names proposed for the leader and the agent: the platform's users (their full names) and the names already
    written on the projects the user sees."""
    from django.db.models import Q

    from yuanqu.accounts.models import User
    from yuanqu.core.access import visible_zone_ids

    people = User.objects.filter(is_active=True)
    visible = visible_zone_ids(user)
    if visible is not None:  # the people of the user's zones, and those of the city (bound to no zone)
        people = people.filter(Q(zones__in=visible) | Q(zones__isnull=True)).distinct()
    users = set()
    for first, last, _username in people.values_list("first_name", "last_name", "username")[:500]:
        full = f"{last}{first}".strip()
        if full:
            users.add(full)
    projects = Project.objects.restrict(user)
    return {
        name: sorted(
            users | set(projects.exclude(**{name: ""}).order_by(name).values_list(name, flat=True).distinct()[:300])
        )
        for name in ("leader", "agent")
    }


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
        widgets = {name: params.DATE_INPUT for name in ("signed_on", "start_by", "production_by")}

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


class CorrectDateForm(forms.Form):
    """A recorded stage change's date corrected, with the reason."""

    on = forms.DateField(label=_("更正后的日期"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("更正原因"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class DeleteForm(forms.Form):
    confirm = forms.BooleanField(label=_("确认删除该项目及其全部进度记录"), required=True)


class AlertFilterForm(forms.Form):
    """What the alert list shows: state, kind, zone (among the user's, with its sub-parks), leader, agent, how
    late and the order (the page number is the paginator's)."""

    state = forms.ChoiceField(label=_("处理状态"), required=False)
    kind = forms.ChoiceField(label=_("类型"), required=False)
    zone = params.ModelIdChoiceField(label=_("园区"), queryset=None, required=False, empty_label=_("全部园区"))
    leader = forms.CharField(label=_("挂钩领导"), required=False, max_length=100)
    agent = forms.CharField(label=_("代办员"), required=False, max_length=100)
    min_days = forms.IntegerField(
        label=_("逾期至少（天）"),
        required=False,
        min_value=-3650,
        max_value=36500,
        widget=forms.NumberInput(attrs={"size": 5}),
    )
    sort = forms.ChoiceField(label=_("排序"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from yuanqu.projects.alerts import KINDS, SORTS, STATES

        self.fields["state"].choices = list(STATES.items())
        self.fields["kind"].choices = [("", _("全部")), *KINDS.items()]
        self.fields["zone"].queryset = Zone.objects.restrict(user).order_by("code", "name")
        labels = {
            "kind": _("按类型"),
            "days": _("逾期最少在前"),
            "-days": _("逾期最多在前"),
            "project": _("按项目名称"),
            "zone": _("按园区"),
            "leader": _("按挂钩领导"),
            "agent": _("按代办员"),
        }
        self.fields["sort"].choices = [(key, labels[key]) for key in ("kind", "-days", "days", *list(SORTS)[2:])]


class AlertResponseForm(forms.Form):
    """Acknowledge, snooze (until a date, with a reason) or reopen one alert of a project."""

    project = forms.IntegerField(widget=forms.HiddenInput)
    key = forms.CharField(max_length=60, widget=forms.HiddenInput)
    action = forms.ChoiceField(
        choices=[("acknowledged", _("已知悉")), ("snoozed", _("暂缓")), ("reopen", _("重新打开"))],
        widget=forms.HiddenInput,
    )
    until = forms.DateField(label=_("暂缓至"), required=False, widget=params.DATE_INPUT)
    reason = forms.CharField(label=_("原因"), required=False, max_length=1000)
    next = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)
