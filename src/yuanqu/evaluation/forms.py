"""Forms of the evaluation pages: the result filters and a new run."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from yuanqu.analytics.mujun import preset_names
from yuanqu.core import params


class NewRunForm(forms.Form):
    method = params.IdField(label=_("已保存的方法"), required=False, widget=forms.Select)
    preset = forms.ChoiceField(label=_("预置方法"), required=False)
    method_file = forms.FileField(
        label=_("方法文件"), required=False, help_text=_("TOML 或 YAML；上传文件时不使用预置方法")
    )
    year = params.YearField(label=_("评价年度"), min_value=1949, max_value=2100)
    zone = params.IdField(label=_("评价园区"), required=False, widget=forms.Select)

    def __init__(self, *args, zones=(), methods=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["method"].widget.choices = [("", "—"), *[(m.pk, f"{m.name} ({m.digest[:8]})") for m in methods]]
        self.fields["preset"].choices = [("", "—"), *[(name, name) for name in preset_names()]]
        self.fields["zone"].widget.choices = [("", _("全部可见园区")), *[(z.pk, z.name) for z in zones]]
        self.zone_ids = {z.pk for z in zones}

    def clean_zone(self):
        zone = self.cleaned_data.get("zone")
        if zone is not None and zone not in self.zone_ids:
            raise forms.ValidationError(_("不是您可以评价的园区"))
        return zone

    def clean(self):
        data = super().clean()
        if not data.get("preset") and not data.get("method_file") and not data.get("method"):
            raise forms.ValidationError(_("请选择预置方法或上传方法文件"))
        upload = data.get("method_file")
        if upload is not None:
            try:
                data["method_text"] = upload.read().decode("utf-8")
            except UnicodeDecodeError:
                raise forms.ValidationError(_("方法文件须为 UTF-8 编码的文本")) from None
            data["method_format"] = "yaml" if upload.name.lower().endswith((".yaml", ".yml")) else "toml"
        return data


class MethodForm(forms.Form):
    """The method editor: the text with its name and format, and the year (and zone) a preview scores."""

    name = forms.CharField(label=_("名称"), max_length=200)
    format = forms.ChoiceField(label=_("格式"), choices=[("toml", "TOML"), ("yaml", "YAML")], initial="toml")
    text = forms.CharField(
        label=_("方法文本"),
        strip=False,
        widget=forms.Textarea(attrs={"rows": 30, "class": "code", "spellcheck": "false", "style": "width: 100%"}),
    )
    year = params.YearField(label=_("预览年度"), min_value=1949, max_value=2100, required=False)
    zone = params.IdField(label=_("预览园区"), required=False, widget=forms.Select)

    def __init__(self, *args, zones=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zone"].widget.choices = [("", _("全部可见园区")), *[(z.pk, z.name) for z in zones]]
