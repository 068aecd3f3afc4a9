"""The platform's form renderer: Django's, with the drop-down lists written in Python.

Every list page carries a filter form whose drop-downs (zones, the 97 industry divisions, years, flags) Django
renders through one template per option: on the enterprise list that was half of the page's time. This
renderer writes ``<select>`` and its options directly, producing the very markup of Django's templates
``django/forms/widgets/select.html`` and ``select_option.html`` (``core/tests/test_formrender.py`` compares them
option by option); any other widget, and a select whose options use another template, goes through the templates
as before.
"""

from __future__ import annotations

from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.html import conditional_escape, escape

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"


def attributes(attrs: dict) -> str:
    """Django's ``attrs.html``: ``False`` leaves the attribute out, ``True`` writes its name alone."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {name}")
        else:
            parts.append(f' {name}="{escape(str(value))}"')
    return "".join(parts)


def text(value) -> str:
    """A value as ``{{ value }}`` writes it: localised (a year 2024 as the settings format numbers), escaped."""
    return conditional_escape(localize(value))


def select_html(widget: dict) -> str | None:
    """The ``<select>`` of a widget context as Django's templates write it, or ``None`` when an option of it has
    a template of its own."""
    html = [f'<select name="{conditional_escape(widget["name"])}"{attributes(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            html.append(f'\n  <optgroup label="{text(group_name)}">')
        for option in options:
            if option["template_name"] != OPTION:
                return None
            html.append(
                f'\n  <option value="{escape(str(option["value"]))}"{attributes(option["attrs"])}>'
                f"{text(option['label'])}</option>\n"
            )
        if group_name:
            html.append("\n  </optgroup>")
    html.append("\n</select>")
    return "".join(html)


class FormRenderer(DjangoTemplates):
    """``FORM_RENDERER``: Django's template renderer, but for the drop-down lists."""

    def render(self, template_name, context, request=None):
        if template_name == SELECT:
            html = select_html(context["widget"])
            if html is not None:
                return html
        return super().render(template_name, context, request=request)
