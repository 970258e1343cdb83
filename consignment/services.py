"""What happens at a Mart: a maker's delivery, a stock count, a till sale, a return, an online order handed over.

Each function changes the shelf and records a ``Movement`` in one transaction;
a till sale also credits the maker's ledger with their agreed share (profit
sharing: the Mart keeps the rest, no programme commission on top). Quantities
that would take the shelf below what is there or set aside are refused with a
translated ``ShelfError``; conditional UPDATEs keep two counters (or the till and
an online hold) from selling the same unit.
"""

from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from consignment.models import Movement, ShelfStock, maker_amount
from payments.models import LedgerEntry
from payments.refunds import refundable_quantity
from payments.services import CANCELLED, PAID, PARTLY_REFUNDED, REFUNDED
from payments.stock import shelf_of_order

Order = get_model("order", "Order")
LineFulfilment = get_model("partner", "LineFulfilment")


class ShelfError(Exception):
    """A shelf change that cannot be made; the message is for the operator."""


def _changed(shelf, kind, quantity, user, **fields):
    return Movement.objects.create(shelf=shelf, kind=kind, quantity=quantity, price=shelf.price, share=shelf.share,
                                   created_by=user, **fields)


@transaction.atomic
def deliver(mart, stockrecord, quantity, share, price, user, note=""):
    """The maker brought ``quantity`` units of ``stockrecord`` to ``mart`` at ``share`` of ``price``.

    The terms apply from now on to every unit of this variant on this shelf (one
    agreement per variant and Mart; the movement keeps the terms it was made under)."""
    if quantity <= 0:
        raise ShelfError(_("Enter how many units arrived."))
    shelf, _created = ShelfStock.objects.select_for_update(no_key=True).get_or_create(
        mart=mart, stockrecord=stockrecord, defaults={"price": price, "share": share})
    shelf.on_shelf += quantity
    shelf.price, shelf.share = price, share
    shelf.save()
    _changed(shelf, Movement.Kind.DELIVERY, quantity, user, note=note)
    return shelf


@transaction.atomic
def count(shelf, counted, user, note=""):
    """The operator counted ``counted`` units on the shelf; the difference to what was expected is recorded."""
    shelf = ShelfStock.objects.select_for_update(no_key=True).get(pk=shelf.pk)
    if counted < shelf.allocated:
        raise ShelfError(_("%(n)s units are set aside for online orders; count them too.") % {"n": shelf.allocated})
    difference = counted - shelf.on_shelf
    shelf.on_shelf = counted
    shelf.save(update_fields=["on_shelf", "date_updated"])
    return _changed(shelf, Movement.Kind.COUNT, difference, user, counted=counted, note=note)


def _take(shelf, quantity):
    """Take ``quantity`` units the till may sell (not set aside) off the shelf, or raise ShelfError."""
    if quantity <= 0:
        raise ShelfError(_("Enter a quantity of at least 1."))
    taken = ShelfStock.objects.filter(pk=shelf.pk, on_shelf__gte=F("allocated") + quantity).update(
        on_shelf=F("on_shelf") - quantity)
    shelf.refresh_from_db()
    if taken != 1:
        raise ShelfError(_("Only %(n)s units are available (others are set aside for online orders).") % {"n": shelf.available})
    return shelf


@transaction.atomic
def sell_at_till(shelf, quantity, user, note=""):
    """``quantity`` units sold at the Mart's till: off the shelf, and the maker's share into their ledger."""
    shelf = _take(shelf, quantity)
    amount = maker_amount(shelf.price, shelf.share, quantity)
    entry = LedgerEntry.objects.create(
        partner=shelf.stockrecord.partner, kind=LedgerEntry.Kind.MART_SALE, amount=amount, reference=shelf.mart.name[:255],
        note=f"{quantity} × {shelf.stockrecord.product.get_title()}"[:255], created_by=user)
    return _changed(shelf, Movement.Kind.TILL_SALE, -quantity, user, maker_amount=amount, ledger_entry=entry, note=note)


@transaction.atomic
def return_to_maker(shelf, quantity, user, note=""):
    """``quantity`` units go back to the maker (nothing is owed for them)."""
    shelf = _take(shelf, quantity)
    return _changed(shelf, Movement.Kind.RETURN, -quantity, user, note=note)


def shelf_orders(mart):
    """Online orders to be picked up from ``mart``'s shelf, not yet handed over, newest first."""
    handed = Movement.objects.filter(shelf__mart=mart, kind=Movement.Kind.PICKUP).values("order")
    return (Order.objects.filter(pickup_mart=mart, payment_attempt__checkout__shelf=mart.pk)
            .exclude(pk__in=handed).exclude(status__in=[CANCELLED, REFUNDED]).order_by("-date_placed"))


@transaction.atomic
def hand_over(mart, number, user):
    """The shopper collected online order ``number`` from ``mart``'s shelf: its units leave the shelf.

    Only a paid order picked up from this Mart's shelf, once (the order row is locked)."""
    order = Order.objects.select_for_update(no_key=True).filter(number=number, pickup_mart=mart).first()
    if order is None or shelf_of_order(order) != mart.pk:
        raise ShelfError(_("No order %(number)s to pick up from this Mart's shelf.") % {"number": number})
    if order.status not in (PAID, PARTLY_REFUNDED):
        raise ShelfError(_("Order %(number)s is not paid yet.") % {"number": number})
    if Movement.objects.filter(order=order, kind=Movement.Kind.PICKUP).exists():
        raise ShelfError(_("Order %(number)s was already handed over.") % {"number": number})
    for line in order.lines.select_related("stockrecord").order_by("stockrecord_id"):
        units = refundable_quantity(line)
        shelf = ShelfStock.objects.filter(mart=mart, stockrecord_id=line.stockrecord_id).first()
        if shelf is None or not units:
            continue
        ShelfStock.objects.filter(pk=shelf.pk).update(on_shelf=F("on_shelf") - units, allocated=F("allocated") - units)
        shelf.refresh_from_db()
        _changed(shelf, Movement.Kind.PICKUP, -units, user, order=order,
                 maker_amount=Decimal("0"), note=_("Order %(number)s") % {"number": order.number})
        LineFulfilment.objects.update_or_create(line=line, defaults={
            "status": LineFulfilment.Status.SHIPPED, "courier": mart.name[:64], "stock_consumed": True, "updated_by": user})
    return order
