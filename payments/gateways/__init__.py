"""The registry of payment gateways: the classes named in ``settings.PAYMENT_GATEWAYS``, read at call time.

    from payments import gateways
    gateway = gateways.get(attempt.gateway)     # a Gateway instance
    gateways.available(pickup=True)             # what checkout offers
    gateways.codes_where("supports_payouts")    # capability, not provider names

The interface is in ``payments/gateways/base.py``; each provider has its own module
(``stripe/``, ``midtrans.py``, ``mart.py``, ``development.py``).
"""

from django.conf import settings
from django.utils.module_loading import import_string

from payments.gateways.base import (  # noqa: F401 (the interface, importable from here)
    Gateway,
    GatewayError,
    GatewayUnavailable,
    MalformedWebhook,
    NotSupported,
    PaymentStatus,
    PayoutResult,
    RefundResult,
    StartResult,
    WebhookEvent,
    WebhookRejected,
)


class UnknownGateway(GatewayError, LookupError):
    pass


def enabled():
    """Every configured gateway, in settings order (whether or not its keys are set)."""
    return [import_string(path)() for path in settings.PAYMENT_GATEWAYS]


def get(code):
    for gateway in enabled():
        if gateway.code == code:
            return gateway
    raise UnknownGateway(code)


def available(pickup):
    """The gateways checkout offers: configured, usable with these settings, pickup-only ones only for a pickup."""
    return [g for g in enabled() if g.available(settings) and (pickup or not g.pickup_only)]


def codes_where(capability):
    """Codes of the configured gateways with this capability flag set."""
    return [g.code for g in enabled() if getattr(g, capability)]
