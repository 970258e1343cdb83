"""How payments reaches order placement without importing checkout.

Checkout depends on payments, not the other way round: ``checkout``'s AppConfig
registers an :class:`OrderPlacement` here at start-up, and ``confirm_payment``
(called from a webhook, a return page or the Mart counter) asks it to place the
order, to say what stock an attempt holds, and what each business charged for shipping.
"""

from django.core.exceptions import ImproperlyConfigured


class CannotOrder(Exception):
    """What was paid for can no longer become an order (its products were deleted)."""


class OrderPlacement:
    """The interface checkout implements (checkout/placement.py)."""

    def place_order(self, attempt, status):
        """Create ``attempt``'s order with ``status`` from its checkout record; raise CannotOrder."""
        raise NotImplementedError

    def held_quantities(self, attempt):
        """{stockrecord id: (quantity, title)} the attempt holds (or would hold)."""
        raise NotImplementedError

    def shipping_fees(self, attempt):
        """{partner id: Decimal} each business charged to ship its parcel."""
        raise NotImplementedError


_registered = None


def register(placement):
    global _registered
    _registered = placement


def placement():
    if _registered is None:
        raise ImproperlyConfigured("No order placement registered: is the checkout app installed?")
    return _registered
