"""Oscar's offer applicator for the shopper's requests: the site's offers read once per request, and
whether a basket's products are in the offers' ranges asked once.

Oscar applies offers when the middleware loads the basket, again for the messages after a
change, and reads them once more for the basket page's upsell messages: each time one query
for the site's offers (and none of them applies when the shop runs none), then, per offer tried,
a query for the condition's range and another for the benefit's (separate instances), and for each
range Oscar's ``product_queryset`` (a few ``.exists()``) and one query per product in the basket.

Here, per request:

- the site's open offers, with their conditions, benefits and ranges, come from the cache, read
  from the database once per ``catalogue.versions.site_version()`` (which saving or deleting an
  offer, its condition, benefit or range bumps), and are compared with the clock on each request
  as Oscar's ``ConditionalOffer.active`` does; while the shop runs none, nothing is tried;
- a voucher's offers (a basket's vouchers) are read once per voucher the same way;
- one instance per range: a condition and a benefit on the same range (and two offers on it)
  share it, and the forked offer app's proxies keep it (``offer.models``);
- before the offers are tried, the ranges are told the basket's products at once
  (``offer.membership.remember``): one cache round trip, and on a miss one query per range.

Whether an offer applies to a basket is still decided by Oscar, as before.
"""

from django.core.cache import cache
from django.utils import timezone
from oscar.apps.offer.applicator import Applicator as OscarApplicator
from oscar.core.loading import get_model

from catalogue import versions
from offer import membership

TIMEOUT = 24 * 3600
RELATED = ("condition__range", "benefit__range")


def open_site_offers():
    """The open site offers, whatever their dates, with their conditions, benefits and ranges, in Oscar's
    order (highest priority first): read once per site version, which saving or deleting an offer, its
    condition, benefit or range moves (promotions.receivers, offer.receivers). Each call unpickles
    instances of its own, so nothing one request learns about them is shared."""
    ConditionalOffer = get_model("offer", "ConditionalOffer")
    key = f"basket:site-offers:{versions.site_version()}"  # before the rows are read
    offers = cache.get(key)
    if offers is None:
        offers = list(
            ConditionalOffer.objects.filter(offer_type=ConditionalOffer.SITE, status=ConditionalOffer.OPEN)
            .select_related(*RELATED)
            .order_by("-priority", "pk")
        )
        cache.set(key, offers, versions.store_seconds(TIMEOUT))
    return offers


def running(offers, now=None):
    """Those of ``offers`` whose dates include ``now``: Oscar's ``ConditionalOffer.active``, by the clock."""
    now = now or timezone.now()
    return [
        offer for offer in offers
        if (offer.end_datetime is None or offer.end_datetime >= now)
        and (offer.start_datetime is None or offer.start_datetime <= now)
    ]


def offer_ranges(offers):
    """The ranges ``offers``' conditions and benefits have already read."""
    found = []
    for offer in offers:
        for part in _parts(offer):
            field = part.__class__._meta.get_field("range")
            if field.is_cached(part) and part.range is not None:
                found.append(part.range)
    return found


def _parts(offer):
    ConditionalOffer = get_model("offer", "ConditionalOffer")
    for name in ("condition", "benefit"):
        field = ConditionalOffer._meta.get_field(name)
        if field.is_cached(offer) and getattr(offer, name) is not None:
            yield getattr(offer, name)


def share_ranges(offers, ranges):
    """Give every condition and benefit of ``offers`` the instance of its range kept in ``ranges``
    ({pk: Range}, filled here): what one has learnt about the basket's products, all know."""
    for offer in offers:
        for part in _parts(offer):
            field = part.__class__._meta.get_field("range")
            if part.range_id is None or not field.is_cached(part):
                continue
            shared = ranges.setdefault(part.range_id, part.range)
            if shared is not part.range:
                part.range = shared
    return offers


class Applicator(OscarApplicator):
    def get_offers(self, basket, user=None, request=None):
        self._request = request
        return super().get_offers(basket, user, request)

    def _kept(self, name, default):
        """What this request keeps under ``name`` (an applicator without a request keeps its own)."""
        holder = getattr(self, "_request", None)
        if holder is None:
            holder = self
        found = getattr(holder, name, None)
        if found is None:
            found = default
            setattr(holder, name, found)
        return found

    def get_site_offers(self):
        request = getattr(self, "_request", None)
        offers = getattr(request, "_basket_site_offers", None)
        if offers is None:
            offers = share_ranges(running(open_site_offers()), self._kept("_offer_ranges", {}))
            if request is not None:
                request._basket_site_offers = offers
        return offers

    def get_basket_offers(self, basket, user):
        """Oscar's, with each voucher's offers read once per request with their conditions, benefits
        and ranges (the ranges shared with the site's offers)."""
        offers = []
        if not basket.id or not user:
            return offers
        kept = self._kept("_basket_voucher_offers", {})
        for voucher in basket.vouchers.all():
            available_to_user, __ = voucher.is_available_to_user(user=user)
            if voucher.is_active() and available_to_user:
                if voucher.pk not in kept:
                    kept[voucher.pk] = share_ranges(
                        list(voucher.offers.select_related(*RELATED)), self._kept("_offer_ranges", {})
                    )
                for offer in kept[voucher.pk]:
                    offer.set_voucher(voucher)
                offers.extend(kept[voucher.pk])
        return offers

    def apply_offers(self, basket, offers):
        if offers:
            membership.remember(offer_ranges(offers), [line.product for line in basket.all_lines()])
        super().apply_offers(basket, offers)
