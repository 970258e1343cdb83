"""Opening, confirming and failing payments; placing exactly one order; the members' ledger and payouts.

Every path that learns "paid" (a verified webhook, the browser's return, a
Mart cashier) calls ``confirm_payment``. It locks the PaymentAttempt row, so
two callers in parallel, in either order or twice, produce one order.

Providers are reached only through ``payments.gateways`` (fixed verbs,
capability flags); the order itself is placed by checkout through
``payments.placement``; status changes go through ``order.processing.EventHandler``.
"""

import logging
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from oscar.apps.order.utils import OrderNumberGenerator
from oscar.core.loading import get_class, get_model

from jobs.mail import queue_email
from jobs.outbox import enqueue, job
from order import emails as order_emails
from partner import emails as partner_emails
from payments import gateways, settlements, stock
from payments.models import LedgerEntry, PaymentAttempt
from payments.placement import CannotOrder, placement

logger = logging.getLogger(__name__)


def retry_on_deadlock(func, attempts=3):
    """Run ``func`` again when PostgreSQL chose its transaction as a deadlock's victim (or could not
    serialise it): the transaction was rolled back whole, and the settling functions below are
    idempotent, so the shopper gets their answer instead of an error page."""
    import functools

    from django.db import OperationalError

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        for attempt in range(1, attempts + 1):
            try:
                return func(*args, **kwargs)
            except OperationalError as error:
                sqlstate = getattr(getattr(error, "__cause__", None), "sqlstate", None)
                # 40P01 deadlock_detected, 40001 serialization_failure; never inside an outer transaction.
                if sqlstate not in ("40P01", "40001") or attempt == attempts or transaction.get_connection().in_atomic_block:
                    raise
                logger.warning("%s: %s; trying again (%d of %d)", func.__name__, sqlstate, attempt + 1, attempts)

    return wrapper

Basket = get_model("basket", "Basket")
Order = get_model("order", "Order")
SourceType = get_model("payment", "SourceType")
Source = get_model("payment", "Source")
Partner = get_model("partner", "Partner")
EventHandler = get_class("order.processing", "EventHandler")

# Order statuses (stored in English, shown translated): defined with the pipeline in order/processing.py.
from order.processing import AWAITING_MART, CANCELLED, PAID, PARTLY_REFUNDED, REFUNDED  # noqa: E402,F401


class PaymentNotStarted(Exception):
    """The gateway could not start the payment; the basket is back as it was."""


def rupiah(amount):
    return "Rp " + f"{Decimal(amount):,.0f}".replace(",", ".")


def held_quantities(attempt):
    """{stockrecord id: (quantity, title)} this attempt holds (or would hold)."""
    return placement().held_quantities(attempt)


def open_attempt(basket, gateway_code, email, price, user=None):
    """Hold the basket's stock, freeze it, and open a PaymentAttempt with the gateway.

    ``price(basket)`` (checkout's) returns (total, checkout record as JSON) for the
    basket as it is now, under the basket lock. One basket has at most one live
    attempt: a second submit (a double click, or eight parallel ones) waits for the
    first and gets the same attempt back (``attempt.reused``). Raises
    stock.SoldOut (nothing held, basket unchanged) or PaymentNotStarted.
    """
    gateway = gateways.get(gateway_code)
    with transaction.atomic():
        # The basket row is the lock that serialises submits of one basket.
        status = Basket.objects.select_for_update(no_key=True).values_list("status", flat=True).get(pk=basket.pk)
        live = PaymentAttempt.objects.filter(basket_id=basket.pk, status=PaymentAttempt.Status.PENDING).order_by("-pk").first()
        if live is not None and status != Basket.OPEN:
            live.reused = True
            return live
        if status == Basket.SUBMITTED:
            raise PaymentNotStarted(_("This basket was already ordered."))
        total, checkout = price(basket)
        number = str(OrderNumberGenerator().order_number(basket))
        stale_ids = [live.pk] if live is not None else []
        for stale in PaymentAttempt.objects.select_for_update(no_key=True).filter(Q(order_number=number) | Q(pk__in=stale_ids)):
            if stale.order_id:
                raise PaymentNotStarted(_("This basket was already ordered."))
            # An earlier try for this basket (another method, another total, or abandoned).
            # Keep it under another number rather than delete it: should its payment still
            # succeed, the webhook finds it and settles it (an order or a refund).
            if stale.status == PaymentAttempt.Status.PENDING:
                _let_go(stale, PaymentAttempt.Status.FAILED, stale.failure_message, cancel=True)
            if stale.order_number == number:
                stale.order_number = f"{number}-{stale.pk}"
                stale.save(update_fields=["order_number", "date_updated"])
        stock.hold(stock.quantities(basket.all_lines()), shelf=stock.shelf_of(checkout))
        basket.freeze()
        attempt = PaymentAttempt.objects.create(
            gateway=gateway.code, order_number=number, basket=basket, user=user if user and user.is_authenticated else None,
            email=email, amount=total.incl_tax, currency=total.currency, checkout=checkout, reserved=True,
            expires_at=timezone.now() + timedelta(minutes=gateway.hold_minutes()),
        )
    try:
        started = gateway.start(attempt)
    except Exception as error:  # the provider is down, slow or refused: give everything back
        logger.exception("Gateway %s could not start payment %s", gateway.code, number)
        fail_payment(attempt, "")
        raise PaymentNotStarted(_("The payment could not be started; nothing was charged and your basket is kept. Please try again in a moment.")) from error
    if started.reference:
        attempt.reference = started.reference
        attempt.gateway_status = started.status
        attempt.save(update_fields=["reference", "gateway_status", "date_updated"])
    attempt.client_secret = started.client_secret
    attempt.redirect_url = started.redirect_url
    if gateway.places_order_at_once:
        # Collect and pay at the Mart: the order exists now, paid later.
        confirm_payment(attempt.pk, paid=False)
    return attempt


def client_secret_for(attempt):
    """The client secret of a live attempt, creating its payment at the provider if a crash or a
    parallel submit left it without one (the attempt's idempotency key makes that the same one)."""
    gateway = gateways.get(attempt.gateway)
    if attempt.reference:
        status = gateway.confirm(attempt)
        return status.client_secret if status else ""
    started = gateway.start(attempt)
    PaymentAttempt.objects.filter(pk=attempt.pk, reference=None).update(reference=started.reference or None,
                                                                        gateway_status=started.status)
    return started.client_secret


def _let_go(attempt, status, message, cancel=None):
    """Release what ``attempt`` holds and give the shopper their basket back."""
    if cancel is None:
        cancel = status != PaymentAttempt.Status.FAILED
    if attempt.reference and cancel:
        # Cancelled, expired or replaced: make the old payment unpayable at the provider, so no late
        # payment arrives for a basket the shopper has since changed (best effort, after commit).
        enqueue(_cancel_at_provider, attempt.pk, key=f"cancel-attempt-{attempt.pk}-{attempt.reference}")
    if attempt.reserved:
        stock.release(held_quantities(attempt), shelf=stock.shelf_of(attempt.checkout))
        attempt.reserved = False
    basket = attempt.basket
    if basket is not None and basket.status == Basket.FROZEN and not basket_used_elsewhere(attempt, basket):
        basket.thaw()
        if basket.owner_id:
            # While this basket was frozen, browsing gave the signed-in shopper a new, empty open
            # basket. Fold it in now: with two open baskets Oscar's middleware merges them in
            # whatever order the database returns, and the shopper's lines could end up in a
            # basket that the next request no longer finds.
            for other in Basket.open.filter(owner_id=basket.owner_id).exclude(pk=basket.pk).order_by("pk"):
                basket.merge(other)
    attempt.status = status
    attempt.failure_message = message
    attempt.save()


def basket_used_elsewhere(attempt, basket):
    return PaymentAttempt.objects.filter(basket=basket).exclude(pk=attempt.pk).filter(
        Q(status=PaymentAttempt.Status.PENDING) | Q(order__isnull=False)).exists()


@job(label=_lazy("Cancel an abandoned payment at the provider"))
def _cancel_at_provider(attempt_pk):
    attempt = PaymentAttempt.objects.get(pk=attempt_pk)
    try:
        status = gateways.get(attempt.gateway).cancel(attempt)
    except Exception:
        logger.warning("Could not cancel payment %s at %s", attempt.reference, attempt.gateway, exc_info=True)
        return
    if status is None:
        return
    PaymentAttempt.objects.filter(reference=attempt.reference).exclude(gateway_status="succeeded").update(
        gateway_status=status.status or "canceled")


@retry_on_deadlock
def fail_payment(attempt_or_pk, message, status=PaymentAttempt.Status.FAILED):
    """The payment did not happen: release the stock and give the shopper their basket back."""
    pk = getattr(attempt_or_pk, "pk", attempt_or_pk)
    with transaction.atomic():
        attempt = PaymentAttempt.objects.select_for_update(no_key=True).get(pk=pk)
        if attempt.status != PaymentAttempt.Status.PENDING or attempt.order_id:
            return attempt  # already settled one way or the other
        _let_go(attempt, status, message)
        return attempt


@retry_on_deadlock
def confirm_payment(attempt_pk, paid=True, amount=None, currency=None, charge="", notify=True):
    """Settle a payment once (idempotent): place the attempt's order or, when that cannot be done, refund.

    ``amount``/``currency`` are what the gateway says it received: anything but the
    attempt's amount in its currency places no order and goes to staff (status
    "review"). A payment arriving after its hold lapsed takes the stock again if it
    is still there; otherwise the money goes back automatically and the shopper is
    told. When ``paid`` the payment and payouts are recorded. Returns the order, or None.
    ``notify=False`` skips the shopper's confirmation email (demo data).
    """
    with transaction.atomic():
        attempt = PaymentAttempt.objects.select_for_update(no_key=True).get(pk=attempt_pk)
        if paid and amount is not None:
            # The local record of what the gateway said (reconcile_payments reads it).
            attempt.gateway_status = "succeeded"
            attempt.received_amount, attempt.received_currency = Decimal(amount), (currency or "").upper()[:3]
            attempt.save(update_fields=["gateway_status", "received_amount", "received_currency", "date_updated"])
        if attempt.order_id:
            order = attempt.order
            if paid and order.status == AWAITING_MART:
                _mark_paid(attempt, order, charge, notify=notify)
            return order
        if attempt.status in (PaymentAttempt.Status.REFUND_DUE, PaymentAttempt.Status.REFUNDED, PaymentAttempt.Status.REVIEW):
            return None  # already settled without an order
        if paid and amount is not None and (Decimal(amount) != attempt.amount or (currency or "").upper() != attempt.currency.upper()):
            logger.error("Payment %s: paid %s %s, expected %s %s; sent to staff", attempt.order_number, amount, currency,
                         attempt.amount, attempt.currency)
            _let_go(attempt, PaymentAttempt.Status.REVIEW, _(
                "The payment received does not match your order's total, so no order was placed. "
                "Our staff will contact you and return the money."), cancel=False)
            return None
        if not attempt.reserved:
            # Paid after the hold lapsed: the money is taken. Take the stock again if it is still there.
            try:
                with transaction.atomic():
                    stock.hold(held_quantities(attempt), shelf=stock.shelf_of(attempt.checkout))
            except stock.SoldOut as error:
                logger.error("Payment %s arrived after its hold lapsed and %s is gone: refunding", attempt.order_number, error.title)
                _refund_due(attempt, _(
                    "Sorry, %(title)s sold out before your payment reached us, so no order was placed. "
                    "Your payment of %(amount)s is refunded in full.") % {"title": error.title, "amount": rupiah(attempt.amount)})
                return None
            attempt.reserved = True
            attempt.checkout = {**attempt.checkout, "late": True}
        try:
            with transaction.atomic():
                order = placement().place_order(attempt, PAID if paid else AWAITING_MART)
        except CannotOrder as error:
            if not paid:
                raise
            logger.error("Payment %s cannot become an order (%s is gone): refunding", attempt.order_number, error)
            _refund_due(attempt, _(
                "Sorry, a product you paid for is no longer sold, so no order was placed. "
                "Your payment of %(amount)s is refunded in full.") % {"amount": rupiah(attempt.amount)})
            return None
        attempt.order = order
        attempt.status = PaymentAttempt.Status.SUCCEEDED if paid else PaymentAttempt.Status.PENDING
        if charge:
            attempt.checkout = {**attempt.checkout, "charge": charge}
        attempt.save()
        if paid:
            _mark_paid(attempt, order, charge, record_status=False, notify=notify)
        if notify:
            # The shopper's confirmation: a background task written in this transaction (sent once the broker has it).
            enqueue(order_emails.order_placed, order.pk, key=f"order-email-{order.pk}", now=True)
        return order


def _refund_due(attempt, message):
    """The money came but no order can be made: release everything and refund after commit
    (``release_holds`` retries a refund that did not go through)."""
    _let_go(attempt, PaymentAttempt.Status.REFUND_DUE, message, cancel=False)
    enqueue(send_refund, attempt.pk, key=f"refund-attempt-{attempt.pk}")


def refund_attempt(attempt_pk):
    """Give back a payment that has no order, and tell the shopper. Idempotent; True once refunded."""
    with transaction.atomic():
        attempt = PaymentAttempt.objects.select_for_update(no_key=True).get(pk=attempt_pk)
        if attempt.status != PaymentAttempt.Status.REFUND_DUE:
            return attempt.status == PaymentAttempt.Status.REFUNDED
        amount = attempt.received_amount if attempt.received_amount is not None else attempt.amount
        currency = attempt.received_currency or attempt.currency
        try:
            refunded = gateways.get(attempt.gateway).refund(attempt, amount, currency, key=f"re-attempt-{attempt.pk}")
        except Exception:
            logger.exception("Refund of payment %s failed; release_holds retries it", attempt.order_number)
            return False
        if refunded is not None:
            attempt.refund_reference = refunded.reference
        attempt.status = PaymentAttempt.Status.REFUNDED
        attempt.gateway_status = "refunded"
        attempt.save()
        _refund_email(attempt)
        return True


@job(label=_lazy("Refund a payment without an order"))
def send_refund(attempt_pk):
    """Background task: the refund of a payment without an order, retried with backoff (then ``release_holds``)."""
    if not refund_attempt(attempt_pk):
        raise RuntimeError(f"Refund of payment attempt {attempt_pk} did not go through; still owed")


def _refund_email(attempt):
    amount = attempt.received_amount if attempt.received_amount is not None else attempt.amount
    body = render_to_string("payments/email/payment_refunded.txt", {"attempt": attempt, "amount": rupiah(amount)})
    queue_email(_("Your OK OCE Mart payment #%(number)s is refunded") % {"number": attempt.order_number}, body,
                [attempt.email], key=f"refund-email-{attempt.pk}")


def _mark_paid(attempt, order, charge, record_status=True, notify=True):
    if record_status:
        EventHandler().payment_received(order)
        attempt.status = PaymentAttempt.Status.SUCCEEDED
        attempt.save(update_fields=["status", "date_updated"])
    source_type, _created = SourceType.objects.get_or_create(code=attempt.gateway, defaults={"name": str(gateways.get(attempt.gateway).label)[:128]})
    Source.objects.create(
        order=order, source_type=source_type, currency=order.currency, amount_allocated=order.total_incl_tax,
        amount_debited=order.total_incl_tax, reference=attempt.reference or "",
    )
    record_sales(order, placement().shipping_fees(attempt))
    if gateways.get(attempt.gateway).supports_payouts:
        enqueue(send_payouts, order.pk, charge or attempt.checkout.get("charge", ""), key=f"payout-order-{order.pk}")
    if notify:  # each business hears of its new paid order
        enqueue(send_new_paid_order, order.pk, key=f"seller-order-email-{order.pk}", now=True)


def commission_on(amount):
    return (Decimal(amount) * Decimal(settings.PROGRAMME_COMMISSION)).quantize(Decimal("1"), rounding=ROUND_HALF_UP)


def record_sales(order, shipping_fees):
    """What each business earned from ``order``: its lines (before discounts), its parcel's shipping fee,
    the discounts it carries (its own promotions), minus commission on what it earns.

    ``shipping_fees``: {partner id: Decimal} each business charged to ship its parcel."""
    for partner_id, (sale, discounts) in settlements.sales_with_discounts(order).items():
        LedgerEntry.objects.create(partner_id=partner_id, order=order, kind=LedgerEntry.Kind.SALE, amount=sale)
        fee = Decimal(shipping_fees.get(partner_id, 0))
        if fee:
            LedgerEntry.objects.create(partner_id=partner_id, order=order, kind=LedgerEntry.Kind.SHIPPING, amount=fee)
        # Discounts: the business carries its own promotions, the programme its campaigns (settlements.py).
        carried = settlements.record_discounts(order, partner_id, discounts)
        LedgerEntry.objects.create(partner_id=partner_id, order=order, kind=LedgerEntry.Kind.COMMISSION,
                                   amount=-commission_on(sale - carried))


@job(label=_lazy("Payout to sellers (Stripe transfer)"))
def send_payouts(order_pk, charge=""):
    """Background task: an order's Stripe transfers, retried with backoff while any fails (then ``pay_out``)."""
    pay_out(order_pk, charge, strict=True)


@job(label=_lazy("Email to the businesses of a new paid order"))
def send_new_paid_order(order_pk):
    """Background task: each business with lines in the order hears it is paid (its own lines only)."""
    partner_emails.new_paid_order(Order.objects.get(pk=order_pk))


class PayoutFailed(Exception):
    pass


def pay_out(order_pk, charge="", strict=False):
    """Send each connected business its share of an order through the gateway that took the money
    (with Stripe: Connect, separate charges and transfers; ``charge`` is the source transaction).

    Idempotent: a business already transferred for this order is skipped, and
    each transfer has its own idempotency key. A failure is logged and left for
    ``manage.py pay_out`` to retry; the business's balance stays owed meanwhile.
    """
    order = Order.objects.get(pk=order_pk)
    attempt = getattr(order, "payment_attempt", None)
    if attempt is None:
        return []
    gateway = gateways.get(attempt.gateway)
    if not gateway.supports_payouts:
        return []
    sent, failed = [], []
    partner_ids = LedgerEntry.objects.filter(order=order).values_list("partner", flat=True).distinct()
    for partner in Partner.objects.filter(pk__in=partner_ids):
        destination = gateway.payout_destination(partner)
        if not destination:
            continue
        if LedgerEntry.objects.filter(order=order, partner=partner, kind=LedgerEntry.Kind.TRANSFER).exists():
            continue
        owed = sum(e.amount for e in LedgerEntry.objects.filter(order=order, partner=partner))
        if owed <= 0:
            continue
        try:
            transfer = gateway.pay_out(attempt, owed, order.currency, destination, key=f"tr-{order.number}-{partner.pk}", source=charge)
        except Exception:
            logger.exception("Transfer to %s for order %s failed; run manage.py pay_out", partner.code, order.number)
            failed.append(partner.code)
            continue
        LedgerEntry.objects.create(partner=partner, order=order, kind=LedgerEntry.Kind.TRANSFER, amount=-owed, reference=transfer.reference)
        sent.append(transfer.reference)
    if strict and failed:
        raise PayoutFailed(f"Transfer(s) for order {order.number} to {', '.join(failed)} failed; {len(sent)} sent")
    return sent




def expire_holds(now=None):
    """Let go of stock held by payments never finished, and of Mart pickups not collected in time."""
    now = now or timezone.now()
    expired = 0
    for attempt in PaymentAttempt.objects.filter(status=PaymentAttempt.Status.PENDING, expires_at__lt=now):
        with transaction.atomic():
            attempt = PaymentAttempt.objects.select_for_update(no_key=True).get(pk=attempt.pk)
            if attempt.status != PaymentAttempt.Status.PENDING:
                continue
            if attempt.order_id:  # a Mart pickup never collected
                order = attempt.order
                _cancel_unpaid(attempt, order)
            else:
                _let_go(attempt, PaymentAttempt.Status.EXPIRED, _("The time to pay ran out."))
            expired += 1
    return expired


def remind_pickups(now=None):
    """Email each shopper whose Mart pickup is still unpaid when less than PICKUP_REMINDER_HOURS remain
    before it goes back on sale; once per order. Returns how many were reminded."""
    now = now or timezone.now()
    due = PaymentAttempt.objects.filter(
        status=PaymentAttempt.Status.PENDING, order__status=AWAITING_MART, order__date_pickup_reminded=None,
        expires_at__gt=now, expires_at__lte=now + timedelta(hours=settings.PICKUP_REMINDER_HOURS),
    ).select_related("order")
    reminded = 0
    for attempt in due:
        # Claim the reminder first, so two runs at once send it once.
        if Order.objects.filter(pk=attempt.order_id, date_pickup_reminded=None).update(date_pickup_reminded=now):
            order_emails.pickup_reminder(attempt.order, attempt.expires_at)
            reminded += 1
    return reminded


def _cancel_unpaid(attempt, order):
    """An order placed before its money (a Mart pickup) given up: its stock goes back on sale."""
    stock.release(stock.quantities(order.lines.all()), shelf=stock.shelf_of(attempt.checkout))
    EventHandler().cancelled(order)
    attempt.reserved = False
    attempt.status = PaymentAttempt.Status.EXPIRED
    attempt.save()


def cancel_unpaid_order(order):
    """Staff cancel an order still waiting for its money (Oscar's dashboard): as if its hold ran out."""
    with transaction.atomic():
        attempt = PaymentAttempt.objects.select_for_update(no_key=True).filter(order=order).first()
        order = Order.objects.select_for_update(no_key=True).get(pk=order.pk)
        if attempt is None or attempt.status != PaymentAttempt.Status.PENDING or order.status != AWAITING_MART:
            return False
        _cancel_unpaid(attempt, order)
        return True


def retry_refunds():
    """Send the refunds owed for payments that could not become orders (a crash or Stripe being down
    may have stopped them). Returns (sent, still owed)."""
    sent = owed = 0
    for pk in PaymentAttempt.objects.filter(status=PaymentAttempt.Status.REFUND_DUE).values_list("pk", flat=True):
        if refund_attempt(pk):
            sent += 1
        else:
            owed += 1
    return sent, owed
