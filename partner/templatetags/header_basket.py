"""The basket count in the site header, without loading a basket a visitor cannot have."""

from django import template
from django.conf import settings
from django.utils.functional import empty

register = template.Library()


@register.simple_tag(takes_context=True)
def basket_count(context):
    """Items in the visitor's basket for the header badge.

    A visitor who is not signed in and has no basket cookie has an empty basket: Oscar's middleware
    would still build one, with its pricing strategy and offers, to count nothing. Unless the view
    already loaded the basket (``request.basket`` evaluated), answer 0 for them at no cost.
    """
    request = context.get("request")
    basket = getattr(request, "basket", None)
    if basket is None:
        return 0
    loaded = getattr(basket, "_wrapped", empty) is not empty
    user = getattr(request, "user", None)
    if not loaded and not (user and user.is_authenticated) and settings.OSCAR_BASKET_COOKIE_OPEN not in request.COOKIES:
        return 0
    return basket.num_items
