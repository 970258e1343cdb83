"""Oscar's offer applicator for the shopper's requests: the site's offers read once per request.

Oscar applies offers when the middleware loads the basket, again for the messages after a
change, and reads them once more for the basket page's upsell messages: each time one query
for the site's offers (and none of them applies when the shop runs none). Here the site's
offers are read once per request; and while no site offer is open at all (the answer kept in
the cache under ``catalogue.versions.site_version()``, which saving or deleting any offer bumps),
not at all. Whether an offer applies to a basket is still decided by Oscar, as before.
"""

from django.core.cache import cache
from oscar.apps.offer.applicator import Applicator as OscarApplicator
from oscar.core.loading import get_model

from catalogue import versions

TIMEOUT = 24 * 3600


def site_offers_open():
    """Whether any site offer is open (whatever its dates): False means none can apply."""
    ConditionalOffer = get_model("offer", "ConditionalOffer")
    key = f"basket:site-offers-open:{versions.site_version()}"
    found = cache.get(key)
    if found is None:
        found = ConditionalOffer.objects.filter(
            offer_type=ConditionalOffer.SITE, status=ConditionalOffer.OPEN
        ).exists()
        cache.set(key, found, TIMEOUT)
    return found


class Applicator(OscarApplicator):
    def get_offers(self, basket, user=None, request=None):
        self._request = request
        return super().get_offers(basket, user, request)

    def get_site_offers(self):
        request = getattr(self, "_request", None)
        offers = getattr(request, "_basket_site_offers", None)
        if offers is None:
            offers = list(super().get_site_offers()) if site_offers_open() else []
            if request is not None:
                request._basket_site_offers = offers
        return offers
