"""``{% panels page_panels %}``: the sections other apps add to a page (yuanqu.core.registry.panels)."""

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def panels(context, shown) -> str:
    """Render each panel's template with its own context (and the page's request)."""
    request = context.get("request")
    # Each part is a rendered template, escaped where it should be.
    return mark_safe("".join(render_to_string(p["template"], p["context"], request=request) for p in shown or ()))
