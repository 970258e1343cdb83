"""Everything Stripe: client configuration, PaymentIntents, webhook verification, Connect transfers and reversals, refunds."""

from payments.gateways.stripe.client import from_stripe_amount, stripe_client, to_stripe_amount  # noqa: F401
from payments.gateways.stripe.gateway import StripeGateway  # noqa: F401
