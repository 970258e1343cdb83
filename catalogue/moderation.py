"""Listing moderation: the states a product goes through between a seller and programme staff.

With ``LISTING_MODERATION`` on, a *new* (or rejected) listing waits for staff
(``pending``, hidden); a *change* to an approved listing stays in the shop and
is queued for review afterwards (``needs_review``). Staff approve or reject
(with a reason the seller reads). Oscar's ``is_public`` follows from
``Product.sync_visibility``. Callers save the product.
"""

from django.conf import settings
from django.db.models import Q
from oscar.core.loading import get_model

from partner import emails
from partner.ownership import seller_of

Product = get_model("catalogue", "Product")


def seller_saved(product, is_new, changed):
    """Set ``product``'s moderation state after its seller saved it (``changed``: anything differs from before)."""
    if settings.LISTING_MODERATION:
        if is_new or product.moderation == Product.Moderation.REJECTED:
            product.moderation, product.needs_review = Product.Moderation.PENDING, False
        elif product.moderation == Product.Moderation.APPROVED and changed:
            product.needs_review = True
    else:
        product.moderation, product.needs_review = Product.Moderation.APPROVED, False
    product.moderation_reason = ""
    product.sync_visibility()


def review(product, user, approve, reason=""):
    """Staff's decision on a listing: approved, or rejected with ``reason``. Saves it and emails its seller."""
    product.moderation = Product.Moderation.APPROVED if approve else Product.Moderation.REJECTED
    product.moderation_reason = "" if approve else reason
    product.needs_review = False
    product.sync_visibility()
    product.save()
    partner = seller_of(product)
    if partner:
        emails.listing_decided(product, partner, approve, product.moderation_reason)
    return product


def needs_review(products):
    """Listings waiting for staff: new ones and changes to approved ones."""
    return products.filter(parent=None).filter(Q(moderation=Product.Moderation.PENDING) | Q(needs_review=True))
