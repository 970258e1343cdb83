"""Stripe's webhook: signature checked, each event processed once, in the same transaction as its effect."""

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


@csrf_exempt
@require_POST
def stripe_webhook(request):
    payload = request.body
    try:
        stripe.Webhook.construct_event(payload, request.headers.get("Stripe-Signature", ""), settings.STRIPE_WEBHOOK_SECRET)
    except (stripe.SignatureVerificationError, ValueError) as error:
        logger.warning("Rejected a Stripe webhook: %s", error)
        return HttpResponseBadRequest("invalid signature")
    data = json.loads(payload)
    intent = data.get("data", {}).get("object", {})
    with transaction.atomic():
        try:
            with transaction.atomic():
                WebhookEvent.objects.create(event_id=data["id"], type=data.get("type", ""))
        except IntegrityError:
            return HttpResponse("already processed")
        # Any error here rolls back the event too and answers 500, so Stripe retries.
        handle(data.get("type"), intent)
    return HttpResponse("ok")


def handle(kind, intent):
    if kind not in ("payment_intent.succeeded", "payment_intent.payment_failed"):
        return
    attempt = PaymentAttempt.objects.filter(reference=intent.get("id")).first()
    if attempt is None:
        logger.warning("Webhook %s for unknown PaymentIntent %s", kind, intent.get("id"))
        return
    if kind == "payment_intent.succeeded":
        confirm_payment(
            attempt.pk,
            amount=from_stripe_amount(intent.get("amount_received") or intent.get("amount"), intent.get("currency", "")),
            currency=intent.get("currency"),
            charge=intent.get("latest_charge") or "",
        )
    else:
        reason = (intent.get("last_payment_error") or {}).get("message") or ""
        message = _("The payment was declined%(reason)s. Your basket is kept; you can try again or choose another method.") % {
            "reason": f" ({reason})" if reason else ""
        }
        fail_payment(attempt, message)
