"""Oscar's basket messages, written in Python rather than rendered from templates.

After an add Oscar renders two templates (``oscar/basket/messages/addition.html`` and
``new_total.html``): about a millisecond of template machinery for two sentences. Here the same
HTML is written directly, with the same translatable texts (the theme's templates keep them
for ``makemessages`` and for reference; ``tests/integration/test_basket_add_lean.py`` checks
both give the same words in both languages).
"""

from django.contrib import messages
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from oscar.apps.basket.utils import BasketMessageGenerator as OscarBasketMessageGenerator
from oscar.apps.basket.utils import LineOfferConsumer  # noqa: F401  (Oscar's, for get_class)
from oscar.core.loading import get_class
from oscar.templatetags.currency_filters import currency

Applicator = get_class("basket.offers", "Applicator")


def addition_message(product, quantity):
    """``oscar/basket/messages/addition.html``: "<strong>title</strong> is in your basket."."""
    title = escape(product.get_title())
    if quantity == 1:
        text = gettext("<strong>%(title)s</strong> is in your basket.") % {"title": title}
    else:
        text = gettext("<strong>%(quantity)s</strong> × <strong>%(title)s</strong> are in your basket.") % {
            "title": title, "quantity": escape(quantity)}
    return mark_safe(text)


def new_total_message(basket, include_buttons=True):
    """``oscar/basket/messages/new_total.html``: the basket's new total, and the basket and checkout buttons."""
    if basket.is_empty:
        text = escape(gettext("Your basket is now empty"))
    else:
        total = basket.total_incl_tax if basket.is_tax_known else basket.total_excl_tax
        text = gettext("Your basket now totals <strong>%(total)s</strong>") % {
            "total": escape(currency(total, basket.currency))}
    if include_buttons:
        text += (
            f'\n<br>\n<a href="{reverse("basket:summary")}" class="btn btn-outline-primary">'
            f'{escape(gettext("View basket"))}</a>\n'
            f'<a href="{reverse("checkout:index")}" class="btn btn-primary">{escape(gettext("Checkout now"))}</a>'
        )
    return mark_safe(text)


class BasketMessageGenerator(OscarBasketMessageGenerator):
    """Oscar's; the offers are re-applied with the site's offers read once per request, and the new
    total is written without a template (``new_total_message``)."""

    def get_new_total_messages(self, basket, include_buttons=True):
        return [(messages.INFO, new_total_message(basket, include_buttons))]

    def apply_messages(self, request, offers_before):
        request.basket.reapply_offers_after_add()
        Applicator().apply(request.basket, request.user, request)
        offers_after = request.basket.applied_offers()
        for level, msg in self.get_messages(request.basket, offers_before, offers_after):
            messages.add_message(request, level, msg, extra_tags="safe noicon")
