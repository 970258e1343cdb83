"""Template helpers that show who made a product and where."""

from urllib.parse import quote

from django import template
from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext as _
from oscar.templatetags.currency_filters import currency

from partner.ownership import seller_of

register = template.Library()


@register.simple_tag
def maker_of(product):
    """The member business selling ``product`` (``partner.ownership.seller_of``)."""
    return seller_of(product)


@register.simple_tag(takes_context=True)
def ask_seller_url(context, maker, product=None, price=None):
    """A wa.me link to the maker's WhatsApp with a prefilled question.

    On a product page the message names the product, its price and link; on a
    shop page it names the shop page.
    """
    if maker is None or not maker.whatsapp:
        return ""
    request = context["request"]
    if product is not None:
        text = _("Hello %(shop)s, I am interested in %(title)s (%(price)s) on OK OCE Mart: %(url)s") % {
            "shop": maker.name,
            "title": product.get_title(),
            "price": currency(price.incl_tax, price.currency) if price is not None and price.exists else "-",
            "url": request.build_absolute_uri(product.get_absolute_url()),
        }
    else:
        text = _("Hello %(shop)s, I found your shop on OK OCE Mart: %(url)s") % {
            "shop": maker.name,
            "url": request.build_absolute_uri(maker.get_absolute_url()),
        }
    return f"https://wa.me/{maker.whatsapp}?text={quote(text)}"


@register.simple_tag
def halal_verified(product):
    """True when staff verified the product's halal certificate and it has not expired."""
    compliance = getattr(product, "compliance", None) if product.pk else None
    try:
        return bool(compliance and compliance.halal_verified)
    except ObjectDoesNotExist:
        return False


@register.simple_tag
def line_fulfilment(line):
    """The seller's packed/shipped record for an order line, or None."""
    try:
        return line.fulfilment
    except ObjectDoesNotExist:
        return None
