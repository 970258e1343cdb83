"""Stripe: PaymentIntents in IDR, the Payment Element in the browser, Connect transfers and reversals, refunds.

Separate charges and transfers: the shopper pays the platform once per order
(``transfer_group`` per order); each connected business is paid by a Transfer
with ``source_transaction`` = the charge, reversed when its share is refunded.
"""

import functools

import stripe
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from payments.gateways.base import (
    Gateway,
    GatewayUnavailable,
    PaymentStatus,
    PayoutResult,
    RefundResult,
    StartResult,
)
from payments.gateways.stripe import webhook
from payments.gateways.stripe.client import from_stripe_amount, stripe_client, to_stripe_amount


def _provider_errors(method):
    """Stripe's own errors leave this module as the interface's GatewayUnavailable."""

    @functools.wraps(method)
    def call(*args, **kwargs):
        try:
            return method(*args, **kwargs)
        except stripe.StripeError as error:
            raise GatewayUnavailable(str(error) or error.__class__.__name__) from error

    return call


def _status(intent):
    amount = getattr(intent, "amount_received", None)
    currency = getattr(intent, "currency", "") or ""
    return PaymentStatus(
        reference=intent.id, status=getattr(intent, "status", "") or "", paid=getattr(intent, "status", "") == "succeeded",
        amount=from_stripe_amount(amount, currency) if amount is not None and currency else None, currency=currency,
        charge=getattr(intent, "latest_charge", "") or "", client_secret=getattr(intent, "client_secret", "") or "",
    )


class StripeGateway(Gateway):
    code = "stripe"
    name = "Stripe"
    label = _("Card, QRIS, GoPay or bank transfer (Stripe)")
    template = "payments/pay_stripe.html"
    supports_payouts = True
    in_page_widget = True

    @classmethod
    def available(cls, settings):
        return bool(settings.STRIPE_SECRET_KEY)

    def minimum_amount(self):
        return settings.STRIPE_MINIMUM_IDR

    def start(self, attempt):
        currency = attempt.currency.lower()
        params = {
            "amount": to_stripe_amount(attempt.amount, attempt.currency),
            "currency": currency,
            "automatic_payment_methods": {"enabled": True},
            "metadata": {"order_number": attempt.order_number, "attempt": str(attempt.pk)},
            "transfer_group": f"ORDER-{attempt.order_number}",
            "receipt_email": attempt.email,
            "description": f"OK OCE Mart #{attempt.order_number}",
        }
        # One key per attempt: a network retry returns the same PaymentIntent; a new try gets a new one.
        key = f"pi-{attempt.pk}"
        intent = stripe_client().v1.payment_intents.create(params, {"idempotency_key": key})
        return StartResult(reference=intent.id, client_secret=intent.client_secret, status=intent.status)

    def page_context(self, attempt):
        return {"publishable_key": settings.STRIPE_PUBLISHABLE_KEY}

    @_provider_errors
    def confirm(self, attempt):
        if not attempt.reference:
            return None
        return _status(stripe_client().v1.payment_intents.retrieve(attempt.reference))

    @_provider_errors
    def cancel(self, attempt):
        if not attempt.reference:
            return None
        return _status(stripe_client().v1.payment_intents.cancel(attempt.reference))

    @_provider_errors
    def refund(self, attempt, amount, currency, key):
        if not attempt.reference:
            return None
        params = {"payment_intent": attempt.reference, "amount": to_stripe_amount(amount, currency)}
        refund = stripe_client().v1.refunds.create(params, {"idempotency_key": key})
        return RefundResult(reference=refund.id, status=getattr(refund, "status", "") or "")

    def payout_destination(self, partner):
        return partner.stripe_account_id or ""

    @_provider_errors
    def pay_out(self, attempt, amount, currency, destination, key, source=""):
        params = {
            "amount": to_stripe_amount(amount, currency),
            "currency": currency.lower(),
            "destination": destination,
            "transfer_group": f"ORDER-{attempt.order_number}",
        }
        if source:
            params["source_transaction"] = source
        return PayoutResult(reference=stripe_client().v1.transfers.create(params, {"idempotency_key": key}).id)

    @_provider_errors
    def reverse_payout(self, reference, amount, currency, key):
        params = {"amount": to_stripe_amount(amount, currency)}
        return PayoutResult(reference=stripe_client().v1.transfers.reversals.create(reference, params, {"idempotency_key": key}).id)

    def handle_webhook(self, request):
        webhook.verify(request.body, request.headers.get("Stripe-Signature", ""), settings.STRIPE_WEBHOOK_SECRET)
        return webhook.to_event(request.body)

    @_provider_errors
    def list_payments(self, since):
        if not settings.STRIPE_SECRET_KEY:
            return None
        intents = stripe_client().v1.payment_intents.list({"created": {"gte": int(since.timestamp())}, "limit": 100})
        return (_status(intent) for intent in intents.auto_paging_iter())
