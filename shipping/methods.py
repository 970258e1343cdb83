"""Flat shipping rates by zone, per member business, and free pickup at an OK OCE Mart.

Each member business ships its own parcel, so an order's shipping is the sum
over its businesses of the rate for the zone between the business's
kecamatan and the delivery kecamatan.

The one rule is used everywhere: the product page's line ("Ongkir ke Tebet mulai
Rp 10.000"), the basket and checkout (an *estimate*, labelled so, to the shopper's
kecamatan while no address is given, or "from" the cheapest zone when no kecamatan
is known) and the payment page (the exact sum, per business).
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


def cheapest_rate():
    return min(Decimal(v) for v in settings.SHIPPING_RATES.values())


ESTIMATE = "estimate"  # the zone code of a parcel whose destination is not known yet


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

    def __init__(self, destination, estimate=False):
        """``destination``: the delivery Kecamatan (None: outside Jakarta). ``estimate``: no address is
        given yet; ``destination`` is then the shopper's own kecamatan if known, else the fee is "from"."""
        self.destination = destination
        self.is_estimate = estimate

    @property
    def destination_unknown(self):
        return self.is_estimate and self.destination is None

    def fee_from(self, partner):
        """(zone, fee) for one business's parcel."""
        if self.destination_unknown:
            return ESTIMATE, cheapest_rate()
        code = zone(partner.kecamatan, self.destination)
        return code, rate(code)

    def shares(self, basket):
        """{partner pk: (zone, fee)} — what each business charges to ship its parcel."""
        return {partner.pk: self.fee_from(partner) for partner in businesses_in(basket)}

    def parcels(self, basket):
        """[(partner, zone, fee)] in basket order, for showing the sum business by business."""
        return [(partner, *self.fee_from(partner)) for partner in businesses_in(basket)]

    def calculate(self, basket):
        total = sum((fee for _zone, fee in self.shares(basket).values()), Decimal("0"))
        return prices.Price(currency=basket.currency or settings.OSCAR_DEFAULT_CURRENCY, excl_tax=total, incl_tax=total)

    @property
    def description(self):
        return _("Each business sends its parcel; the fee depends on how far it travels.")


class MartPickup(Free):
    code = "ambil"
    name = _("Pick up at an OK OCE Mart")
    is_estimate = False

    def shares(self, basket):
        return {partner.pk: ("pickup", Decimal("0")) for partner in businesses_in(basket)}

    def parcels(self, basket):
        return [(partner, "pickup", Decimal("0")) for partner in businesses_in(basket)]


# The shopper's own kecamatan, remembered in the session; the same key as search's "Dekat saya".
SESSION_KECAMATAN = "near_kecamatan"


def shopper_kecamatan(request):
    """The kecamatan shipping estimates go to: chosen in this session, else the signed-in shopper's saved address."""
    from places.models import Kecamatan

    if request is None:
        return None
    slug = request.session.get(SESSION_KECAMATAN) if hasattr(request, "session") else None
    if slug:
        kecamatan = Kecamatan.objects.filter(slug=slug).first()
        if kecamatan:
            return kecamatan
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        address = (user.addresses.filter(kecamatan__isnull=False).select_related("kecamatan")
                   .order_by("-is_default_for_shipping", "-date_created").first())
        if address:
            return address.kecamatan
    return None


def parcel_fee(partner, destination):
    """What ``partner`` charges to ship one parcel to ``destination`` (None: not known, the cheapest zone)."""
    return ZoneShipping(destination, estimate=True).fee_from(partner)[1]
