"""Stripe client configuration and IDR minor units (all read from settings at call time)."""

from decimal import Decimal

import stripe
from django.conf import settings

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
