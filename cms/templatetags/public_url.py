"""``{{ page|public_url }}``: a page's address at the shop's public BASE_URL.

Wagtail's notification emails link pages with ``page.full_url``, built from the Wagtail
Site's host name (set once at migrate time, 127.0.0.1:8000 on a developer's machine);
editors must get the address the shop really answers on.
"""

from django import template
from django.conf import settings

register = template.Library()


@register.filter
def public_url(page):
    parts = page.specific.get_url_parts() if page is not None else None
    if not parts:
        return ""
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + parts[2]
