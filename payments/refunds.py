"""Refunds from the staff pages: through the gateway, into the order's status and the ledger."""

from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from oscar.core.loading import get_class, get_model

from order import emails as order_emails
from partner import emails as partner_emails
from payments import gateways, settlements, stock
from payments.models import LedgerEntry, PaymentAttempt, Refund
from payments.services import PAID, PARTLY_REFUNDED, commission_on

Order = get_model("order", "Order")
EventHandler = get_class("order.processing", "EventHandler")
Source = get_model("payment", "Source")


class RefundError(Exception):
    pass


def refundable_quantity(line):
    done = line.refunds.aggregate(n=Sum("quantity"))["n"] or 0
    return line.quantity - done


def refund_amount(line, quantity):
    """What refunding ``quantity`` units of ``line`` gives back: its share of the line's price, in whole rupiah."""
    return (line.line_price_incl_tax / line.quantity * quantity).quantize(Decimal("1"))


@transaction.atomic
def refund(order, quantities, user, include_shipping=False):
    """Refund ``quantities`` ({line: units}) of ``order``; returns the amount.

    The shopper gets the money back through the gateway that took it; each
    business's ledger loses the refunded sale but gets the commission on it
    back; a business already paid out through the gateway (Stripe Connect) has
    that part of its payout reversed.
    """
    order = Order.objects.select_for_update(no_key=True).get(pk=order.pk)
    if order.status not in (PAID, PARTLY_REFUNDED):
        raise RefundError("")
    attempt = PaymentAttempt.objects.filter(order=order).first()
    per_partner, total, rows, subsidy = {}, Decimal("0"), [], {}
    for line, quantity in quantities.items():
        if quantity <= 0:
            continue
        if quantity > refundable_quantity(line):
            raise RefundError(line.title)
        amount = refund_amount(line, quantity)
        rows.append((line, quantity, amount))
        per_partner.setdefault(line.partner, [Decimal("0"), Decimal("0")])[0] += amount
        # A campaign's discount on these units goes back to the programme (settlements.py, promotions).
        subsidy.setdefault(line.partner, []).extend(settlements.programme_shares(line, quantity))
        total += amount
    shipping_back = Decimal("0")
    if include_shipping and not order.refunds.filter(line=None).exists():
        shipping_back = order.shipping_incl_tax
        for entry in LedgerEntry.objects.filter(order=order, kind=LedgerEntry.Kind.SHIPPING):
            per_partner.setdefault(entry.partner, [Decimal("0"), Decimal("0")])[1] += entry.amount
        total += shipping_back
    if total <= 0:
        raise RefundError("")
    reference = ""
    gateway = gateways.get(attempt.gateway) if attempt else None
    if gateway is not None:
        n = order.refunds.count() + 1
        refunded = gateway.refund(attempt, total, order.currency, key=f"re-{order.number}-{n}-{total:.0f}")
        reference = refunded.reference if refunded is not None else ""
    made = []
    for line, quantity, amount in rows:
        made.append(Refund.objects.create(order=order, line=line, quantity=quantity, amount=amount, reference=reference,
                                          created_by=user))
        if getattr(line, "fulfilment", None) is None or line.fulfilment.status not in line.fulfilment.SENT:
            if line.stockrecord_id:
                stock.release({line.stockrecord_id: (quantity, line.title)}, shelf=stock.shelf_of_order(order))
    if shipping_back:
        made.append(Refund.objects.create(order=order, line=None, amount=shipping_back, reference=reference, created_by=user))
    for partner, (sale, fee) in per_partner.items():
        shares = subsidy.get(partner, [])
        from_programme = sum((amount for _promotion, amount in shares), Decimal("0"))
        give_back = sale - commission_on(sale + from_programme) + fee
        LedgerEntry.objects.create(partner=partner, order=order, kind=LedgerEntry.Kind.REFUND, amount=-give_back,
                                   reference=reference, created_by=user)
        if from_programme:
            settlements.record_campaign_refund(order, partner, shares, user)
            give_back += from_programme
        transfer = LedgerEntry.objects.filter(order=order, partner=partner, kind=LedgerEntry.Kind.TRANSFER, amount__lt=0).first()
        if transfer and give_back > 0:
            reversal = gateway.reverse_payout(transfer.reference, give_back, order.currency,
                                              key=f"trr-{order.number}-{partner.pk}-{order.refunds.count()}")
            LedgerEntry.objects.create(partner=partner, order=order, kind=LedgerEntry.Kind.TRANSFER, amount=give_back,
                                       reference=reversal.reference, note="reversal", created_by=user)
    Source.objects.filter(order=order).update(amount_refunded=order.refunds.aggregate(t=Sum("amount"))["t"])
    refunded = order.refunds.aggregate(t=Sum("amount"))["t"] or 0
    EventHandler(user).refunded(order, refunded)
    transaction.on_commit(lambda: _tell(order, total, made))
    return total


def _tell(order, total, made):
    """The shopper hears what came back; each business hears which of its lines were refunded."""
    order_emails.order_refunded(order.pk, total, [r.pk for r in made])
    for partner in {r.line.partner for r in made if r.line is not None and r.line.partner is not None}:
        partner_emails.order_refunded(order, partner, [r for r in made if r.line is not None and r.line.partner_id == partner.pk])
