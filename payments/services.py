"""Starting, confirming and failing payments; placing exactly one order; the members' ledger.

Every path that learns "paid" (a verified webhook, the browser's return, a
Mart cashier) calls ``confirm_payment``. It locks the PaymentAttempt row, so
two callers in parallel, in either order or twice, produce one order.
"""

import logging
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from oscar.apps.order.utils import OrderCreator, OrderNumberGenerator
from oscar.core.loading import get_class, get_model

from payments import stock
from payments.gateways import GATEWAYS, StripeGateway
from payments.models import LedgerEntry, PaymentAttempt
from places.models import Kecamatan, Mart
from shipping.methods import MartPickup, ZoneShipping

logger = logging.getLogger(__name__)

Basket = get_model("basket", "Basket")
Order = get_model("order", "Order")
Line = get_model("order", "Line")
ShippingAddress = get_model("order", "ShippingAddress")
Country = get_model("address", "Country")
SourceType = get_model("payment", "SourceType")
Source = get_model("payment", "Source")
Partner = get_model("partner", "Partner")
OrderTotalCalculator = get_class("checkout.calculators", "OrderTotalCalculator")
Selector = get_class("partner.strategy", "Selector")

# Order statuses (stored in English, shown translated).
AWAITING_MART = gettext_noop("Awaiting payment at the Mart")
PAID = gettext_noop("Paid")
CANCELLED = gettext_noop("Cancelled")
REFUNDED = gettext_noop("Refunded")
PARTLY_REFUNDED = gettext_noop("Partly refunded")


class PaymentNotStarted(Exception):
    """The gateway could not start the payment; the basket is back as it was."""


class HeldStockOrderCreator(OrderCreator):
    """Stock was held when payment started, so placing the order allocates nothing more."""

    def update_stock_records(self, line):
        return None


def shipping_method(checkout):
    if checkout.get("pickup"):
        return MartPickup()
    destination = Kecamatan.objects.filter(pk=checkout.get("kecamatan")).first() if checkout.get("kecamatan") else None
    return ZoneShipping(destination)


def basket_total(basket, method):
    charge = method.calculate(basket)
    return OrderTotalCalculator().calculate(basket, charge), charge


def start_payment(basket, checkout, gateway_code, user=None):
    """Hold the basket's stock, freeze it, and open a PaymentAttempt with the gateway.

    Raises stock.SoldOut (nothing held, basket unchanged) or PaymentNotStarted.
    """
    gateway = GATEWAYS[gateway_code]()
    method = shipping_method(checkout)
    total, _charge = basket_total(basket, method)
    checkout = {**checkout, "shipping_shares": {str(k): [z, str(f)] for k, (z, f) in method.shares(basket).items()}}
    wanted = stock.quantities(basket.all_lines())
    number = OrderNumberGenerator().order_number(basket)
    with transaction.atomic():
        stale = PaymentAttempt.objects.select_for_update().filter(order_number=number).first()
        if stale is not None:
            if stale.order_id:
                raise PaymentNotStarted(_("This basket was already ordered."))
            # An earlier try for this basket (another method, another total, or abandoned).
            # Keep it under another number rather than delete it: should its payment still
            # succeed, the webhook finds it and places an order, so no money goes without one.
            _let_go(stale, stale.status if stale.status != PaymentAttempt.Status.PENDING else PaymentAttempt.Status.FAILED,
                    stale.failure_message)
            stale.order_number = f"{number}-{stale.pk}"
            stale.save(update_fields=["order_number", "date_updated"])
        stock.hold({k: v for k, v in wanted.items()})
        basket.freeze()
        attempt = PaymentAttempt.objects.create(
            gateway=gateway.code, order_number=number, basket=basket, user=user if user and user.is_authenticated else None,
            email=checkout["email"], amount=total.incl_tax, currency=total.currency, checkout=checkout, reserved=True,
            expires_at=timezone.now() + timedelta(minutes=gateway.hold_minutes),
        )
    try:
        started = gateway.start(attempt)
    except Exception as error:  # the provider is down or refused: give everything back
        logger.exception("Gateway %s could not start payment %s", gateway.code, number)
        fail_payment(attempt, "")
        raise PaymentNotStarted(_("The payment could not be started; nothing was charged and your basket is kept. Please try again in a moment.")) from error
    if started.get("reference"):
        attempt.reference = started["reference"]
        attempt.save(update_fields=["reference", "date_updated"])
    attempt.client_secret = started.get("client_secret", "")
    if gateway.code == "mart":
        # Collect and pay at the Mart: the order exists now, paid later.
        confirm_payment(attempt.pk, paid=False)
    return attempt


def _let_go(attempt, status, message):
    if attempt.gateway == StripeGateway.code and attempt.reference and status != PaymentAttempt.Status.FAILED:
        # Cancelled or expired: make the old PaymentIntent unpayable, so no late payment
        # arrives for a basket the shopper has since changed (best effort, after commit).
        reference = attempt.reference
        transaction.on_commit(lambda: _cancel_intent(reference))
    if attempt.reserved:
        basket = attempt.basket
        if basket is not None:
            stock.release(stock.quantities(basket.all_lines()))
        attempt.reserved = False
    if attempt.basket is not None and attempt.basket.status == Basket.FROZEN:
        attempt.basket.thaw()
    attempt.status = status
    attempt.failure_message = message
    attempt.save()


def _cancel_intent(reference):
    try:
        StripeGateway.cancel(reference)
    except Exception:
        logger.warning("Could not cancel PaymentIntent %s", reference, exc_info=True)


def fail_payment(attempt_or_pk, message, status=PaymentAttempt.Status.FAILED):
    """The payment did not happen: release the stock and give the shopper their basket back."""
    pk = getattr(attempt_or_pk, "pk", attempt_or_pk)
    with transaction.atomic():
        attempt = PaymentAttempt.objects.select_for_update().get(pk=pk)
        if attempt.status != PaymentAttempt.Status.PENDING or attempt.order_id:
            return attempt  # already settled one way or the other
        _let_go(attempt, status, message)
        return attempt


def confirm_payment(attempt_pk, paid=True, amount=None, currency=None, charge="", notify=True):
    """Place the attempt's order once (idempotent), and when ``paid`` record the payment and payouts.

    ``notify=False`` skips the shopper's confirmation email (demo data).
    """
    with transaction.atomic():
        attempt = PaymentAttempt.objects.select_for_update().get(pk=attempt_pk)
        if attempt.order_id:
            order = attempt.order
            if paid and order.status == AWAITING_MART:
                _mark_paid(attempt, order, charge)
            return order
        if amount is not None and (Decimal(amount) != attempt.amount or (currency or "").upper() != attempt.currency.upper()):
            logger.error("Payment %s: paid %s %s, expected %s %s", attempt.order_number, amount, currency, attempt.amount, attempt.currency)
        if not attempt.reserved:
            # Paid after the hold lapsed: the money is taken, so the order must exist.
            # Hold again if we can; otherwise staff see it in `reconcile_payments`.
            try:
                stock.hold(stock.quantities(attempt.basket.all_lines()))
            except stock.SoldOut:
                logger.error("Payment %s arrived after its hold lapsed and stock is gone", attempt.order_number)
            attempt.reserved = True
        order = _place_order(attempt, status=PAID if paid else AWAITING_MART)
        attempt.order = order
        attempt.status = PaymentAttempt.Status.SUCCEEDED if paid else PaymentAttempt.Status.PENDING
        if charge:
            attempt.checkout = {**attempt.checkout, "charge": charge}
        attempt.save()
        if paid:
            _mark_paid(attempt, order, charge, record_status=False)
        if notify:
            transaction.on_commit(lambda: _order_email(order.pk))
        return order


def _place_order(attempt, status):
    basket = attempt.basket
    basket.strategy = Selector().strategy(user=attempt.user)
    checkout = attempt.checkout
    method = shipping_method(checkout)
    total, charge = basket_total(basket, method)
    country, _created = Country.objects.get_or_create(
        iso_3166_1_a2="ID", defaults={"iso_3166_1_a3": "IDN", "iso_3166_1_numeric": "360", "name": "Indonesia", "printable_name": "Indonesia"}
    )
    address = checkout.get("address", {})
    mart = Mart.objects.filter(pk=checkout.get("mart")).select_related("kecamatan").first() if checkout.get("pickup") else None
    shipping_address = ShippingAddress.objects.create(
        first_name=address.get("name", ""),
        line1=address.get("line1", "") if not mart else mart.address,
        rt_rw=address.get("rt_rw", ""),
        kelurahan=address.get("kelurahan", ""),
        kecamatan=mart.kecamatan if mart else Kecamatan.objects.filter(pk=checkout.get("kecamatan")).first(),
        kecamatan_name=address.get("kecamatan_name", ""),
        line4=address.get("kota", "") if not mart else mart.kecamatan.kota,
        state=address.get("provinsi", "") if not mart else "DKI Jakarta",
        postcode=address.get("postcode", ""),
        phone_number=address.get("phone", ""),
        notes=(_("Pick up at %(mart)s") % {"mart": mart.name}) if mart else address.get("notes", ""),
        country=country,
    )
    order = HeldStockOrderCreator().place_order(
        basket=basket, total=total, shipping_method=method, shipping_charge=charge, user=attempt.user,
        shipping_address=shipping_address, order_number=attempt.order_number, status=status,
        guest_email=attempt.email if attempt.user is None else "",
    )
    if mart:
        Order.objects.filter(pk=order.pk).update(pickup_mart=mart)
        order.pickup_mart = mart
    basket.submit()
    return order


def _mark_paid(attempt, order, charge, record_status=True):
    if record_status:
        order.set_status(PAID) if PAID in order.available_statuses() else Order.objects.filter(pk=order.pk).update(status=PAID)
        attempt.status = PaymentAttempt.Status.SUCCEEDED
        attempt.save(update_fields=["status", "date_updated"])
    source_type, _created = SourceType.objects.get_or_create(code=attempt.gateway, defaults={"name": str(GATEWAYS[attempt.gateway].label)[:128]})
    Source.objects.create(
        order=order, source_type=source_type, currency=order.currency, amount_allocated=order.total_incl_tax,
        amount_debited=order.total_incl_tax, reference=attempt.reference or "",
    )
    record_sales(order, attempt.checkout.get("shipping_shares", {}))
    transaction.on_commit(lambda: pay_out(order.pk, charge or attempt.checkout.get("charge", "")))


def commission_on(amount):
    return (Decimal(amount) * Decimal(settings.PROGRAMME_COMMISSION)).quantize(Decimal("1"), rounding=ROUND_HALF_UP)


def record_sales(order, shipping_shares):
    """What each business earned from ``order``: its lines, its parcel's shipping fee, minus commission."""
    sales = {}
    for line in order.lines.all():
        sales[line.partner_id] = sales.get(line.partner_id, Decimal("0")) + line.line_price_incl_tax
    for partner_id, sale in sales.items():
        LedgerEntry.objects.create(partner_id=partner_id, order=order, kind=LedgerEntry.Kind.SALE, amount=sale)
        fee = Decimal(shipping_shares.get(str(partner_id), ["", "0"])[1])
        if fee:
            LedgerEntry.objects.create(partner_id=partner_id, order=order, kind=LedgerEntry.Kind.SHIPPING, amount=fee)
        LedgerEntry.objects.create(partner_id=partner_id, order=order, kind=LedgerEntry.Kind.COMMISSION, amount=-commission_on(sale))


def pay_out(order_pk, charge=""):
    """Send each connected business its share of an order with Stripe Connect (separate charges and transfers).

    Idempotent: a business already transferred for this order is skipped, and
    each transfer has its own idempotency key. A failure is logged and left for
    ``manage.py pay_out`` to retry; the business's balance stays owed meanwhile.
    """
    order = Order.objects.get(pk=order_pk)
    attempt = getattr(order, "payment_attempt", None)
    if attempt is None or attempt.gateway != StripeGateway.code:
        return []
    sent = []
    partner_ids = LedgerEntry.objects.filter(order=order).values_list("partner", flat=True).distinct()
    for partner in Partner.objects.filter(pk__in=partner_ids).exclude(stripe_account_id=""):
        if LedgerEntry.objects.filter(order=order, partner=partner, kind=LedgerEntry.Kind.TRANSFER).exists():
            continue
        owed = sum(e.amount for e in LedgerEntry.objects.filter(order=order, partner=partner))
        if owed <= 0:
            continue
        try:
            transfer = StripeGateway.transfer(owed, order.currency, partner.stripe_account_id, order.number, charge,
                                              key=f"tr-{order.number}-{partner.pk}")
        except Exception:
            logger.exception("Transfer to %s for order %s failed; run manage.py pay_out", partner.code, order.number)
            continue
        LedgerEntry.objects.create(partner=partner, order=order, kind=LedgerEntry.Kind.TRANSFER, amount=-owed, reference=transfer.id)
        sent.append(transfer.id)
    return sent


def _order_email(order_pk):
    order = Order.objects.select_related("pickup_mart").get(pk=order_pk)
    body = render_to_string("payments/email/order_placed.txt", {"order": order, "lines": order.lines.all()})
    send_mail(_("Your OK OCE Mart order #%(number)s") % {"number": order.number}, body, settings.DEFAULT_FROM_EMAIL, [order.email])


def expire_holds(now=None):
    """Let go of stock held by payments never finished, and of Mart pickups not collected in time."""
    now = now or timezone.now()
    expired = 0
    for attempt in PaymentAttempt.objects.filter(status=PaymentAttempt.Status.PENDING, expires_at__lt=now):
        with transaction.atomic():
            attempt = PaymentAttempt.objects.select_for_update().get(pk=attempt.pk)
            if attempt.status != PaymentAttempt.Status.PENDING:
                continue
            if attempt.order_id:  # a Mart pickup never collected
                order = attempt.order
                stock.release(stock.quantities(order.lines.all()))
                Order.objects.filter(pk=order.pk).update(status=CANCELLED)
                attempt.reserved = False
                attempt.status = PaymentAttempt.Status.EXPIRED
                attempt.save()
            else:
                _let_go(attempt, PaymentAttempt.Status.EXPIRED, _("The time to pay ran out."))
            expired += 1
    return expired
