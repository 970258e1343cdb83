"""Stripe's webhook: the signature (stripe-python's v1 HMAC check) and the body, read into a WebhookEvent."""

import json

import stripe

from payments.gateways.base import MalformedWebhook, WebhookEvent, WebhookRejected
from payments.gateways.stripe.client import from_stripe_amount

HANDLED = ("payment_intent.succeeded", "payment_intent.payment_failed")


class Malformed(MalformedWebhook, ValueError):
    pass


def _text(value, name):
    if not isinstance(value, str) or not value or len(value) > 255:
        raise Malformed(f"{name} is missing or not a string")
    return value


def verify(payload, header, secret):
    """Raise WebhookRejected unless ``header`` signs ``payload`` (bytes) with ``secret``."""
    try:
        # Only the signature here: stripe's construct_event also builds an Event and fails (500) on a signed `[]`.
        stripe.WebhookSignature.verify_header(payload.decode("utf-8"), header, secret, stripe.Webhook.DEFAULT_TOLERANCE)
    except (stripe.SignatureVerificationError, ValueError) as error:
        raise WebhookRejected(str(error)) from None


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


def to_event(payload):
    """A verified body as a WebhookEvent (the PaymentIntent's metadata names the attempt when its id was never stored)."""
    event_id, kind, intent = parse_event(payload)
    if intent is None:
        return WebhookEvent(event_id=event_id, type=kind)
    metadata = intent.get("metadata") if isinstance(intent.get("metadata"), dict) else {}
    pk, number = str(metadata.get("attempt", "")), metadata.get("order_number")
    hint = {"attempt_pk": int(pk), "order_number": str(number)} if pk.isdigit() and number else {}
    if kind == "payment_intent.succeeded":
        currency = intent["currency"]
        return WebhookEvent(
            event_id=event_id, type=kind, outcome=WebhookEvent.SUCCEEDED, reference=intent["id"],
            amount=from_stripe_amount(intent.get("amount_received", intent.get("amount")), currency), currency=currency,
            charge=intent.get("latest_charge") or "", **hint,
        )
    reason = (intent.get("last_payment_error") or {}).get("message") or ""
    return WebhookEvent(event_id=event_id, type=kind, outcome=WebhookEvent.FAILED, reference=intent["id"], reason=reason,
                        gateway_status="requires_payment_method", **hint)
