"""Emails to the shopper about their order, in the language they ordered in, text and HTML.

Sent through Oscar's communication event types (``partner.emails.send_event``):
ORDER_PLACED (with the order's link), LINE_SHIPPED (courier, tracking number and
link), ORDER_REFUNDED, PICKUP_READY and PICKUP_REMINDER. Callers send after
their transaction commits.
"""

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _lazy
from oscar.core.loading import get_model

from jobs.outbox import job
from order.processing import AWAITING_MART
from partner.emails import absolute, send_event

Order = get_model("order", "Order")
Line = get_model("order", "Line")


def order_url(order):
    """Where the shopper follows the order: a guest's signed link (Oscar's order hash), or the account page."""
    if order.user_id is None:
        return absolute(reverse("customer:anon-order", kwargs={"order_number": order.number, "hash": order.verification_hash()}))
    return absolute(reverse("customer:order", kwargs={"order_number": order.number}))


def _send(code, order, **context):
    return send_event(code, [order.email], {"order": order, "url": order_url(order), **context}, language=order.language)


@job(label=_lazy("Order confirmation email"))
def order_placed(order_pk):
    """The confirmation: what was bought from whom, what happens next, and the order's link."""
    order = Order.objects.select_related("pickup_mart", "shipping_address").get(pk=order_pk)
    _send("ORDER_PLACED", order, lines=list(order.lines.select_related("partner")))


def line_shipped(line_pk):
    """A business shipped a line: the shopper hears the courier, the number and where to follow it.

    For a Mart pickup the parcel goes to the Mart instead; once every line is there the
    shopper hears the order is ready to collect (no tracking talk)."""
    line = Line.objects.select_related("order__pickup_mart", "fulfilment", "partner").get(pk=line_pk)
    order = line.order
    if order.pickup_mart_id:
        if not order.lines.exclude(fulfilment__status="shipped").exists():
            pickup_ready(order)
        return
    _send("LINE_SHIPPED", order, line=line, shipment=line.fulfilment)


def pickup_ready(order):
    _send("PICKUP_READY", order, lines=list(order.lines.all()), expires_at=pickup_deadline(order))


def pickup_reminder(order, deadline):
    _send("PICKUP_REMINDER", order, lines=list(order.lines.all()), expires_at=deadline)


def pickup_deadline(order):
    """When an unpaid Mart pickup goes back on sale (its payment's hold), or None once paid."""
    attempt = getattr(order, "payment_attempt", None)
    return attempt.expires_at if attempt is not None and order.status == AWAITING_MART else None


def order_refunded(order_pk, amount, refund_pks):
    """Money went back to the shopper: how much, for what, and through which payment."""
    order = Order.objects.get(pk=order_pk)
    refunds = list(order.refunds.filter(pk__in=refund_pks).select_related("line"))
    _send("ORDER_REFUNDED", order, amount=amount, refunds=refunds)


def claim_guest_orders(user, count):
    """The link that adds the guest orders of ``user``'s email to the account (order/guests.py)."""
    from order import guests

    url = absolute(reverse("customer:claim-guest-orders", kwargs={"token": guests.claim_token(user)}))
    send_event("GUEST_ORDERS_CLAIM", [user.email], {"user": user, "count": count, "url": url, "days": guests.CLAIM_DAYS},
               language=translation.get_language())
