from django.core.signing import BadSignature, Signer
from oscar.apps.basket.middleware import BasketMiddleware as OscarBasketMiddleware
from oscar.core.loading import get_class, get_model

Applicator = get_class("basket.offers", "Applicator")
Basket = get_model("basket", "Basket")


class BasketMiddleware(OscarBasketMiddleware):
    """Oscar's, reading a cookie basket with its vouchers (the offers read them on every page) and
    the site's offers once per request (``basket.offers``)."""

    def get_cookie_basket(self, cookie_key, request, manager):
        basket = None
        if cookie_key in request.COOKIES:
            try:
                basket_id = Signer().unsign(request.COOKIES[cookie_key])
                basket = Basket.objects.prefetch_related("vouchers").get(pk=basket_id, owner=None, status=Basket.OPEN)
            except (BadSignature, Basket.DoesNotExist, ValueError):
                request.cookies_to_delete.append(cookie_key)
        return basket

    def apply_offers_to_basket(self, request, basket):
        if not basket.is_empty:
            Applicator().apply(basket, request.user, request)
