"""The form renderer writes the drop-down lists exactly as Django's templates do, and faster paths change nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from yuanqu.core.formrender import FormRenderer, select_html

CHOICES = [
    ("", _("全部")),
    ("39", "39 计算机、通信和其他电子设备制造业"),
    ("x<y", 'a "quoted" & <b>bold</b> label'),
    (2024, 2024),
    ("safe", mark_safe("<em>already safe</em>")),
]
GROUPED = [
    ("", "—"),
    (_("省级"), [("1", "苏州工业园区"), ("2", "昆山开发区")]),
    ("Group <&>", [(3, "三"), (dt.date(2026, 6, 30), "日期")]),
]


def widgets():
    yield forms.Select(choices=CHOICES), "39"
    yield forms.Select(choices=CHOICES, attrs={"id": "id_x", "class": "a b", "required": True, "hidden": False}), ""
    yield forms.Select(choices=CHOICES, attrs={"data-x": None, "title": 'say "hi" <now>'}), 2024
    yield forms.Select(choices=GROUPED), "2"
    yield forms.Select(choices=GROUPED), None
    yield forms.SelectMultiple(choices=GROUPED), ["1", "3"]
    yield forms.NullBooleanSelect(), True
    yield forms.NullBooleanSelect(), None
    yield forms.Select(choices=[]), None


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("case", range(9))
def test_the_select_is_the_markup_of_djangos_templates(case, language):
    widget, value = list(widgets())[case]
    with override(language):
        expected = widget.render("field<name>", value, attrs={"id": "id_field"}, renderer=DjangoTemplates())
        written = widget.render("field<name>", value, attrs={"id": "id_field"}, renderer=FormRenderer())
    assert written == expected
    assert written.startswith('<select name="field&lt;name&gt;"')


def test_labels_values_and_attributes_are_escaped_once():
    html = forms.Select(choices=CHOICES).render("sort", "x<y", renderer=FormRenderer())
    assert '<option value="x&lt;y" selected>a &quot;quoted&quot; &amp; &lt;b&gt;bold&lt;/b&gt; label</option>' in html
    assert '<option value="safe"><em>already safe</em></option>' in html
    assert '<option value="2024">2024</option>' in html


def test_an_option_with_its_own_template_goes_through_the_templates():
    class Fancy(forms.Select):
        option_template_name = "django/forms/widgets/radio_option.html"

    widget = Fancy(choices=[("1", "一")])
    context = widget.get_context("f", "1", {})
    assert select_html(context["widget"]) is None
    written = widget.render("f", "1", renderer=FormRenderer())
    assert written == widget.render("f", "1", renderer=DjangoTemplates())
    assert 'type="' in written  # the radio option's own template was used


def test_the_platform_uses_it(settings):
    from django.forms.renderers import get_default_renderer

    assert settings.FORM_RENDERER == "yuanqu.core.formrender.FormRenderer"
    get_default_renderer.cache_clear()
    assert isinstance(get_default_renderer(), FormRenderer)
