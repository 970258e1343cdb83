"""Showing the one shipping rule: parcel by parcel, labelled an estimate until the address is known."""

from decimal import Decimal

from django import template

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


@register.simple_tag(takes_context=True)
def shipping_line(context, partner):
    """{destination, fee} for the product page: one parcel from ``partner`` to the shopper's kecamatan (if known)."""
    destination = shopper_kecamatan(context.get("request"))
    return {"destination": destination, "fee": parcel_fee(partner, destination)}
