"""Flat shipping rates by zone, per member business, and free pickup at an OK OCE Mart.

Each member business ships its own parcel, so an order's shipping is the sum
over its businesses of the rate for the zone between the business's
kecamatan and the delivery kecamatan.
"""

from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from oscar.apps.shipping.methods import Base, Free
from oscar.core import prices

ZONES = {
    "same_kecamatan": _("same kecamatan"),
    "same_kota": _("same kota"),
    "jakarta": _("elsewhere in Jakarta"),
    "outside": _("outside Jakarta"),
}


def zone(origin, destination):
    """Zone between two Kecamatan (``destination`` None: outside Jakarta)."""
    if destination is None or origin is None:
        return "outside"
    if origin.pk == destination.pk:
        return "same_kecamatan"
    if origin.kota == destination.kota:
        return "same_kota"
    return "jakarta"


def rate(zone_code):
    return Decimal(settings.SHIPPING_RATES[zone_code])


def businesses_in(basket):
    """The member businesses whose stock is in ``basket``."""
    seen = {}
    for line in basket.all_lines():
        if line.stockrecord_id:
            partner = line.stockrecord.partner
            seen[partner.pk] = partner
    return list(seen.values())


class ZoneShipping(Base):
    code = "kirim"
    name = _("Delivery by the sellers")
    is_tax_known = True

    def __init__(self, destination):
        self.destination = destination

    def shares(self, basket):
        """{partner pk: (zone, fee)} — what each business charges to ship its parcel."""
        result = {}
        for partner in businesses_in(basket):
            code = zone(partner.kecamatan, self.destination)
            result[partner.pk] = (code, rate(code))
        return result

    def calculate(self, basket):
        total = sum((fee for _zone, fee in self.shares(basket).values()), Decimal("0"))
        return prices.Price(currency=basket.currency or settings.OSCAR_DEFAULT_CURRENCY, excl_tax=total, incl_tax=total)

    @property
    def description(self):
        return _("Each business sends its parcel; the fee depends on how far it travels.")


class MartPickup(Free):
    code = "ambil"
    name = _("Pick up at an OK OCE Mart")

    def shares(self, basket):
        return {partner.pk: ("pickup", Decimal("0")) for partner in businesses_in(basket)}
