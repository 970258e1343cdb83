"""Stripe's webhook: signature checked, body checked, each event processed once, in the same transaction as its effect."""

import json
import logging

import stripe
from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpResponse, HttpResponseBadRequest
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from payments.gateways import from_stripe_amount
from payments.models import PaymentAttempt, WebhookEvent
from payments.services import confirm_payment, fail_payment

logger = logging.getLogger(__name__)
HANDLED = ("payment_intent.succeeded", "payment_intent.payment_failed")


class Malformed(ValueError):
    pass


def _text(value, name):
    if not isinstance(value, str) or not value or len(value) > 255:
        raise Malformed(f"{name} is missing or not a string")
    return value


def parse_event(payload):
    """(event id, type, PaymentIntent dict or None) from a signed body; raises Malformed."""
    try:
        data = json.loads(payload)
    except (ValueError, UnicodeDecodeError) as error:
        raise Malformed(f"not JSON: {error}") from None
    if not isinstance(data, dict):
        raise Malformed("the event is not an object")
    event_id, kind = _text(data.get("id"), "id"), _text(data.get("type"), "type")
    if kind not in HANDLED:
        return event_id, kind, None
    obj = (data.get("data") or {}).get("object") if isinstance(data.get("data"), dict) else None
    if not isinstance(obj, dict):
        raise Malformed("data.object is missing")
    _text(obj.get("id"), "data.object.id")
    if kind == "payment_intent.succeeded":
        received = obj.get("amount_received", obj.get("amount"))
        if isinstance(received, bool) or not isinstance(received, int) or received < 0:
            raise Malformed("amount_received is missing or not a whole number")
        currency = _text(obj.get("currency"), "currency")
        if len(currency) != 3:
            raise Malformed("currency is not a 3-letter code")
        for name in ("latest_charge",):
            if obj.get(name) is not None and not isinstance(obj.get(name), str):
                raise Malformed(f"{name} is not a string")
    error = obj.get("last_payment_error")
    if error is not None and not (isinstance(error, dict) and isinstance(error.get("message", ""), (str, type(None)))):
        raise Malformed("last_payment_error is not an object")
    return event_id, kind, obj


@csrf_exempt
@require_POST
def stripe_webhook(request):
    payload = request.body
    try:
        # Only the signature here: stripe's construct_event also builds an Event and fails (500) on a signed `[]`.
        stripe.WebhookSignature.verify_header(payload.decode("utf-8"), request.headers.get("Stripe-Signature", ""),
                                              settings.STRIPE_WEBHOOK_SECRET, stripe.Webhook.DEFAULT_TOLERANCE)
    except (stripe.SignatureVerificationError, ValueError) as error:
        logger.warning("Rejected a Stripe webhook: %s", error)
        return HttpResponseBadRequest("invalid signature")
    try:
        event_id, kind, intent = parse_event(payload)
    except Malformed as error:
        # Signed by Stripe but not an event we can read: Stripe's retries would fail the same way.
        logger.error("Rejected a signed Stripe webhook with a malformed body: %s", error)
        return HttpResponseBadRequest("malformed event")
    with transaction.atomic():
        try:
            with transaction.atomic():
                WebhookEvent.objects.create(event_id=event_id, type=kind[:128])
        except IntegrityError:
            return HttpResponse("already processed")
        # Any error here rolls back the event too and answers 500, so Stripe retries.
        handle(kind, intent)
    return HttpResponse("ok")


def find_attempt(intent):
    """The attempt of a PaymentIntent: by its id, or, when a crash kept us from storing the id, by its metadata."""
    attempt = PaymentAttempt.objects.filter(reference=intent["id"]).first()
    if attempt is not None:
        return attempt
    metadata = intent.get("metadata") if isinstance(intent.get("metadata"), dict) else {}
    pk, number = str(metadata.get("attempt", "")), metadata.get("order_number")
    if pk.isdigit() and number:
        attempt = PaymentAttempt.objects.filter(pk=int(pk), order_number=number, reference=None, gateway="stripe").first()
        if attempt is not None:
            PaymentAttempt.objects.filter(pk=attempt.pk, reference=None).update(reference=intent["id"])
            attempt.reference = intent["id"]
    return attempt


def handle(kind, intent):
    if kind not in HANDLED:
        return
    attempt = find_attempt(intent)
    if attempt is None:
        logger.warning("Webhook %s for unknown PaymentIntent %s", kind, intent.get("id"))
        return
    if kind == "payment_intent.succeeded":
        currency = intent["currency"]
        confirm_payment(
            attempt.pk,
            amount=from_stripe_amount(intent.get("amount_received", intent.get("amount")), currency),
            currency=currency,
            charge=intent.get("latest_charge") or "",
        )
    else:
        reason = (intent.get("last_payment_error") or {}).get("message") or ""
        message = _("The payment was declined%(reason)s. Your basket is kept; you can try again or choose another method.") % {
            "reason": f" ({reason})" if reason else ""
        }
        PaymentAttempt.objects.filter(pk=attempt.pk).exclude(gateway_status="succeeded").update(gateway_status="requires_payment_method")
        fail_payment(attempt, message)
