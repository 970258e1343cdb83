"""Render HTML written in Oscar's dashboard (product and category descriptions) safely."""

from django import template
from django.utils.safestring import mark_safe

register = template.Library()

FEATURES = ["bold", "italic", "link", "ol", "ul", "h2", "h3", "h4"]


@register.filter
def clean_html(value):
    """Keep paragraphs, emphasis, lists, headings and http(s) links; drop everything else."""
    from wagtail.admin.rich_text.converters.editor_html import EditorHTMLConverter

    if not value:
        return ""
    return mark_safe(EditorHTMLConverter(features=FEATURES).whitelister.clean(str(value)))
