"""Showing the one shipping rule: parcel by parcel, labelled an estimate until the address is known."""

from decimal import Decimal

from django import template
from django.core.cache import cache
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from places.models import Kecamatan
from shipping.methods import ZONES, parcel_fee, shopper_kecamatan

register = template.Library()


@register.simple_tag
def shipping_parcels(method, basket):
    """{parcels: [(partner, zone label, fee)], total, estimate, destination, unknown, pickup} for ``method`` on ``basket``."""
    parcels = method.parcels(basket)
    pickup = method.code == "ambil"
    return {
        "parcels": [(partner, ZONES.get(code, ""), fee) for partner, code, fee in parcels],
        "total": sum((fee for _p, _c, fee in parcels), Decimal("0")),
        "estimate": getattr(method, "is_estimate", False),
        "destination": getattr(method, "destination", None),
        "unknown": getattr(method, "destination_unknown", False),
        "pickup": pickup,
        "count": len(parcels),
    }


@register.simple_tag
def kecamatan_choices():
    """[(kota, [kecamatan, ...])] for the "your kecamatan" chooser of shipping estimates."""
    return Kecamatan.objects.by_kota()


OPTIONS_SECONDS = 24 * 3600


def options_key(language):
    return f"kecamatan-options:{language}"


def forget_kecamatan_options(sender=None, **kwargs):
    """A kecamatan was saved or deleted: the chooser's cached option lists are dropped (shipping.apps)."""
    from django.conf import settings

    cache.delete_many([options_key(code) for code, _name in settings.LANGUAGES])


@register.simple_tag
def kecamatan_options(current=None):
    """The chooser's <optgroup>s of the 44 kecamatan by kota, ``current`` (a Kecamatan or None) selected.

    The list is the same for every shopper: cached per language (rendering 44 options took ~2 ms on every
    product and basket page); only the shopper's own choice is marked, here, on the way out."""
    key = options_key(get_language())
    html = cache.get(key)
    if html is None:
        html = "".join(
            format_html('<optgroup label="{}">{}</optgroup>', kota,
                        format_html_join("", '<option value="{}">{}</option>', ((k.slug, k.name) for k in options)))
            for kota, options in Kecamatan.objects.by_kota()
        )
        cache.set(key, html, OPTIONS_SECONDS)
    slug = getattr(current, "slug", None)
    if slug:
        option = f'<option value="{escape(slug)}">'
        html = html.replace(option, option[:-1] + " selected>", 1)
    return mark_safe(html)


@register.simple_tag(takes_context=True)
def shipping_line(context, partner):
    """{destination, fee} for the product page: one parcel from ``partner`` to the shopper's kecamatan (if known)."""
    destination = shopper_kecamatan(context.get("request"))
    return {"destination": destination, "fee": parcel_fee(partner, destination)}
