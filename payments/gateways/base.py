"""What every payment gateway offers, and what it answers: fixed verbs, typed results, one error family.

Checkout, staff and seller code talk to a gateway only through this interface
and its capability flags; nothing outside ``payments/gateways/`` names a
provider. A provider module subclasses :class:`Gateway` and is enabled by
adding its dotted path to ``settings.PAYMENT_GATEWAYS``.

Money is always ``Decimal`` in whole currency units (rupiah); a gateway converts
to its provider's minor units itself.
"""

from dataclasses import dataclass
from decimal import Decimal


class GatewayError(Exception):
    """Anything a gateway could not do. Callers catch this family (and, defensively, Exception)."""


class GatewayUnavailable(GatewayError):
    """The provider could not be reached or refused the call; nothing changed on our side."""


class NotSupported(GatewayError):
    """This gateway has no such verb (e.g. payouts for cash at the Mart)."""


class WebhookRejected(GatewayError):
    """A notification that is not from the provider (bad or missing signature): answer 400."""


class MalformedWebhook(WebhookRejected):
    """Signed by the provider but unreadable: answer 400 and log; retries would fail the same way."""


@dataclass(frozen=True)
class StartResult:
    """What starting a payment gave: the provider's reference and what the payment page needs."""

    reference: str = ""
    status: str = ""
    client_secret: str = ""  # for an in-page widget (Stripe's Payment Element)
    redirect_url: str = ""  # for a hosted payment page (Midtrans Snap)


@dataclass(frozen=True)
class PaymentStatus:
    """What the provider says about one payment now."""

    reference: str
    status: str  # the provider's own word, kept on the attempt as gateway_status
    paid: bool = False
    amount: Decimal | None = None
    currency: str = ""
    charge: str = ""  # the provider's charge/transaction id, source of payouts
    client_secret: str = ""


@dataclass(frozen=True)
class RefundResult:
    reference: str
    status: str = ""


@dataclass(frozen=True)
class PayoutResult:
    reference: str


@dataclass(frozen=True)
class WebhookEvent:
    """A verified notification, reduced to what the shop acts on."""

    SUCCEEDED = "succeeded"
    FAILED = "failed"
    IGNORED = "ignored"

    event_id: str  # unique per provider event: stored so a repeat is ignored
    type: str  # the provider's event type, stored with the id
    outcome: str = IGNORED
    reference: str = ""
    amount: Decimal | None = None
    currency: str = ""
    charge: str = ""
    reason: str = ""  # the provider's reason for a failure, shown to the shopper
    gateway_status: str = ""  # recorded on the attempt for a failure
    attempt_pk: int | None = None  # the attempt named in the payment's metadata, for a reference never stored
    order_number: str = ""


class Gateway:
    """One payment provider. Subclasses set the flags and implement the verbs they support."""

    code = ""  # stored on PaymentAttempt.gateway (max 16 characters)
    name = ""  # the provider's name, in staff reports
    label = ""  # what the shopper chooses
    template = ""  # the payment page
    # Capabilities, read by checkout, staff and seller code instead of provider names.
    pickup_only = False  # offered only when the shopper collects at a Mart
    places_order_at_once = False  # the order exists as soon as the payment starts; paid later (at the counter)
    paid_at_counter = False  # staff mark it paid from the staff order page
    needs_browser_step = True  # the shopper goes to a payment page (a widget or the provider's hosted page)
    in_page_widget = False  # the payment page embeds the provider's widget, which needs the attempt's client secret
    supports_payouts = False  # can send each business its share (pay_out, reverse_payout)
    simulated = False  # the development test page may confirm it (no money moves)

    @classmethod
    def available(cls, settings):
        """Whether checkout offers this gateway with these settings (keys configured, etc.)."""
        return True

    def hold_minutes(self):
        from django.conf import settings

        return settings.PAYMENT_HOLD_MINUTES

    def minimum_amount(self):
        """The smallest amount this gateway takes (Decimal, whole units), or None."""
        return None

    def start(self, attempt) -> StartResult:
        """Ask the provider to expect ``attempt.amount`` for ``attempt``."""
        return StartResult()

    def page_context(self, attempt):
        """Extra context for the payment page template."""
        return {}

    def confirm(self, attempt) -> PaymentStatus | None:
        """What the provider says about the attempt's payment now (None: nothing to ask)."""
        return None

    def cancel(self, attempt) -> PaymentStatus | None:
        """Make the attempt's payment unpayable (best effort)."""
        return None

    def refund(self, attempt, amount, currency, key) -> RefundResult | None:
        """Give back ``amount`` of the attempt's payment. None: no money went through a provider (nothing to send)."""
        return None

    def payout_destination(self, partner):
        """The business's account at this provider, or "" when it is paid by bank transfer."""
        return ""

    def pay_out(self, attempt, amount, currency, destination, key, source="") -> PayoutResult:
        """Send a business ``amount`` of the attempt's payment (``source``: the provider's charge id)."""
        raise NotSupported(f"{self.code} cannot pay out")

    def reverse_payout(self, reference, amount, currency, key) -> PayoutResult:
        raise NotSupported(f"{self.code} cannot reverse a payout")

    def handle_webhook(self, request) -> WebhookEvent:
        """Verify and read a notification; raise WebhookRejected / MalformedWebhook."""
        raise WebhookRejected(f"{self.code} takes no notifications")

    def list_payments(self, since):
        """Payments the provider reports since ``since`` (PaymentStatus), or None when it cannot list them."""
        return None

    def __repr__(self):
        return f"<{type(self).__name__} {self.code}>"
