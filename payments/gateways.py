"""Payment gateways behind the checkout: one class per provider.

A gateway starts a payment for a PaymentAttempt and says how the payment page
looks; confirmation always goes through ``payments.services.confirm_payment``
(from a verified webhook, a return URL, or staff at a Mart), so adding a local
gateway (Xendit, Midtrans) means adding a class here and its webhook view.
"""

from decimal import Decimal

import stripe
from django.conf import settings
from django.utils.translation import gettext_lazy as _

# Stripe counts these currencies in whole units; every other one (IDR included) in hundredths.
STRIPE_ZERO_DECIMAL = {"BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF"}


def to_stripe_amount(amount, currency):
    """Rupiah to Stripe's minor units: Rp 150.000 → 15000000. Whole rupiah only."""
    amount = Decimal(amount)
    if amount != amount.to_integral_value():
        raise ValueError("IDR amounts must be whole rupiah")
    return int(amount) if currency.upper() in STRIPE_ZERO_DECIMAL else int(amount * 100)


def from_stripe_amount(minor, currency):
    return Decimal(minor) if currency.upper() in STRIPE_ZERO_DECIMAL else Decimal(minor) / 100


class Gateway:
    code = ""
    label = ""
    template = ""
    pickup_only = False
    hold_minutes = settings.PAYMENT_HOLD_MINUTES

    @classmethod
    def is_available(cls):
        return True

    def start(self, attempt):
        """Ask the provider to expect the payment; returns what the payment page needs."""
        return {}

    def page_context(self, attempt):
        return {}


def stripe_client():
    """A Stripe client that gives up in time: connect and read timeouts (STRIPE_TIMEOUT_SECONDS), a few retries."""
    timeout = settings.STRIPE_TIMEOUT_SECONDS
    kwargs = {
        "max_network_retries": settings.STRIPE_NETWORK_RETRIES,
        "http_client": stripe.RequestsClient(timeout=(min(timeout, 5), timeout)),
    }
    if settings.STRIPE_API_BASE:
        kwargs["base_addresses"] = {"api": settings.STRIPE_API_BASE}
    return stripe.StripeClient(settings.STRIPE_SECRET_KEY, **kwargs)


class StripeGateway(Gateway):
    code = "stripe"
    label = _("Card, QRIS, GoPay or bank transfer (Stripe)")
    template = "payments/pay_stripe.html"

    @classmethod
    def is_available(cls):
        return bool(settings.STRIPE_SECRET_KEY)

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
        return {"reference": intent.id, "client_secret": intent.client_secret, "status": intent.status}

    def page_context(self, attempt):
        return {"publishable_key": settings.STRIPE_PUBLISHABLE_KEY}

    @staticmethod
    def cancel(reference):
        return stripe_client().v1.payment_intents.cancel(reference)

    @staticmethod
    def retrieve(reference):
        return stripe_client().v1.payment_intents.retrieve(reference)

    @staticmethod
    def transfer(amount, currency, destination, order_number, source_transaction, key):
        params = {
            "amount": to_stripe_amount(amount, currency),
            "currency": currency.lower(),
            "destination": destination,
            "transfer_group": f"ORDER-{order_number}",
        }
        if source_transaction:
            params["source_transaction"] = source_transaction
        return stripe_client().v1.transfers.create(params, {"idempotency_key": key})

    @staticmethod
    def reverse_transfer(transfer_id, amount, currency, key):
        params = {"amount": to_stripe_amount(amount, currency)}
        return stripe_client().v1.transfers.reversals.create(transfer_id, params, {"idempotency_key": key})

    @staticmethod
    def refund(reference, amount, currency, key):
        params = {"payment_intent": reference, "amount": to_stripe_amount(amount, currency)}
        return stripe_client().v1.refunds.create(params, {"idempotency_key": key})


class TestGateway(Gateway):
    """For a newcomer on the embedded defaults: no money moves. Only with TEST_PAYMENTS (DEBUG, no Stripe keys)."""

    code = "uji"
    label = _("Test payment (no money moves; development only)")
    template = "payments/pay_test.html"

    @classmethod
    def is_available(cls):
        return settings.TEST_PAYMENTS


class MartGateway(Gateway):
    """Pay in cash when collecting at the Mart: stock is held for 48 hours; Mart staff mark it paid."""

    code = "mart"
    label = _("Pay at the OK OCE Mart when you collect")
    template = "payments/pay_mart.html"
    pickup_only = True
    hold_minutes = settings.MART_HOLD_HOURS * 60


GATEWAYS = {g.code: g for g in (StripeGateway, TestGateway, MartGateway)}


def available(pickup):
    return [g for g in GATEWAYS.values() if g.is_available() and (pickup or not g.pickup_only)]
