"""Holding and releasing stock atomically.

Oscar's ``StockRecord.allocate()`` adds to ``num_allocated`` unconditionally.
Here a hold is one conditional UPDATE per line: it succeeds only while
``num_in_stock - num_allocated`` covers the quantity, so concurrent buyers of
the last units cannot both get them (the database serialises the updates on
the row). All lines are held in one transaction: all or nothing.

A Mart pickup whose whole basket is on that Mart's shelf (consignment stock)
is held on the shelf instead of the makers' online stock: the checkout record
names the Mart (``"shelf"``), and the ``Shelves`` the consignment app registers
at start-up holds and releases there (payments does not import consignment).
"""

from django.db import transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from search import indexing

StockRecord = get_model("partner", "StockRecord")


class SoldOut(Exception):
    def __init__(self, title):
        self.title = title
        super().__init__(_("Sorry, %(title)s has just sold out. It was taken out of your payment; your basket is kept.") % {"title": title})


def quantities(lines):
    """{stockrecord id: (quantity, title)} for basket or order lines (variants of one record add up)."""
    wanted = {}
    for line in lines:
        if line.stockrecord_id is None:
            continue
        quantity, title = wanted.get(line.stockrecord_id, (0, line.product.get_title() if line.product else ""))
        wanted[line.stockrecord_id] = (quantity + line.quantity, title)
    return wanted


class Shelves:
    """Stock on a Mart's shelf (implemented by consignment/shelves.py)."""

    def hold(self, mart_id, wanted):
        """Set aside every quantity in ``wanted`` on ``mart_id``'s shelf or none (raises SoldOut)."""
        raise NotImplementedError

    def release(self, mart_id, wanted):
        raise NotImplementedError


_shelves = Shelves()


def register_shelves(shelves):
    global _shelves
    _shelves = shelves


def shelf_of(checkout):
    """The Mart (pk) whose shelf an attempt's units come from, read from its checkout JSON; None: online stock."""
    return (checkout or {}).get("shelf") or None


def shelf_of_order(order):
    attempt = getattr(order, "payment_attempt", None)
    return shelf_of(attempt.checkout) if attempt is not None else None


@transaction.atomic
def hold(wanted, shelf=None):
    """Hold every quantity in ``wanted`` or none (raises SoldOut naming the first product that ran out).

    With ``shelf`` (a Mart's pk) the units are set aside on that Mart's shelf instead."""
    if shelf:
        return _shelves.hold(shelf, wanted)
    for stockrecord_id, (quantity, title) in sorted(wanted.items()):  # one lock order: no deadlocks
        allocated = Coalesce(F("num_allocated"), 0)
        updated = StockRecord.objects.filter(pk=stockrecord_id, num_in_stock__gte=allocated + quantity).update(
            num_allocated=allocated + quantity
        )
        if updated != 1:
            raise SoldOut(title)
    indexing.stock_changed(wanted)


@transaction.atomic
def release(wanted, shelf=None):
    if shelf:
        return _shelves.release(shelf, wanted)
    for stockrecord_id, (quantity, _title) in sorted(wanted.items()):
        StockRecord.objects.filter(pk=stockrecord_id).update(num_allocated=Coalesce(F("num_allocated"), 0) - quantity)
    indexing.stock_changed(wanted)


def consume_shipped(line):
    """An order line's parcel left: its units (less any refunded) leave stock and allocation.

    Only for a paid (or partly refunded) order's line with a stock record; returns
    whether the stock was consumed, so the caller records it and never does it twice.
    """
    from payments.refunds import refundable_quantity  # refunds releases through this module
    from payments.services import PAID, PARTLY_REFUNDED

    if not line.stockrecord_id or line.order.status not in (PAID, PARTLY_REFUNDED):
        return False
    if shelf_of_order(line.order):
        return False  # handed over from a Mart's shelf by its operator (consignment), not shipped by the maker
    units = refundable_quantity(line)
    if units:
        StockRecord.objects.filter(pk=line.stockrecord_id).update(
            num_in_stock=F("num_in_stock") - units, num_allocated=F("num_allocated") - units
        )
        indexing.stock_changed([line.stockrecord_id])
    return True
