from django.contrib import messages
from oscar.apps.basket.utils import BasketMessageGenerator as OscarBasketMessageGenerator
from oscar.apps.basket.utils import LineOfferConsumer  # noqa: F401  (Oscar's, for get_class)
from oscar.core.loading import get_class

Applicator = get_class("basket.offers", "Applicator")


class BasketMessageGenerator(OscarBasketMessageGenerator):
    """Oscar's; the offers are re-applied with the site's offers read once per request."""

    def apply_messages(self, request, offers_before):
        request.basket.reapply_offers_after_add()
        Applicator().apply(request.basket, request.user, request)
        offers_after = request.basket.applied_offers()
        for level, msg in self.get_messages(request.basket, offers_before, offers_after):
            messages.add_message(request, level, msg, extra_tags="safe noicon")
