"""Gateways' notifications (webhooks): verified by the gateway, each event processed once, in the same transaction as its effect.

``/<code>/webhook/`` for every configured gateway (e.g. ``/stripe/webhook/``).
The gateway checks the signature and reads the body
into a WebhookEvent; this view stores the event id and settles the attempt.
"""

import logging

from django.db import IntegrityError, transaction
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from payments import gateways
from payments.gateways import MalformedWebhook, WebhookEvent, WebhookRejected
from payments.models import PaymentAttempt
from payments.models import WebhookEvent as ProcessedEvent
from payments.services import confirm_payment, fail_payment

logger = logging.getLogger(__name__)


@csrf_exempt
@require_POST
def webhook(request, code):
    try:
        gateway = gateways.get(code)
    except gateways.UnknownGateway:
        raise Http404 from None
    try:
        event = gateway.handle_webhook(request)
    except MalformedWebhook as error:
        # Signed by the provider but not an event we can read: its retries would fail the same way.
        logger.error("Rejected a signed %s webhook with a malformed body: %s", gateway.name, error)
        return HttpResponseBadRequest("malformed event")
    except WebhookRejected as error:
        logger.warning("Rejected a %s webhook: %s", gateway.name, error)
        return HttpResponseBadRequest("invalid signature")
    with transaction.atomic():
        try:
            with transaction.atomic():
                ProcessedEvent.objects.create(event_id=event.event_id, type=event.type[:128])
        except IntegrityError:
            return HttpResponse("already processed")
        # Any error here rolls back the event too and answers 500, so the provider retries.
        handle(gateway, event)
    return HttpResponse("ok")


def find_attempt(gateway, event):
    """The attempt of a payment: by its reference, or, when a crash kept us from storing it, by the payment's metadata."""
    attempt = PaymentAttempt.objects.filter(reference=event.reference).first()
    if attempt is not None:
        return attempt
    if event.attempt_pk and event.order_number:
        attempt = PaymentAttempt.objects.filter(pk=event.attempt_pk, order_number=event.order_number, reference=None,
                                                gateway=gateway.code).first()
        if attempt is not None:
            PaymentAttempt.objects.filter(pk=attempt.pk, reference=None).update(reference=event.reference)
            attempt.reference = event.reference
    return attempt


def handle(gateway, event):
    if event.outcome == WebhookEvent.IGNORED:
        return
    attempt = find_attempt(gateway, event)
    if attempt is None:
        logger.warning("Webhook %s for unknown payment %s", event.type, event.reference)
        return
    if event.outcome == WebhookEvent.SUCCEEDED:
        confirm_payment(attempt.pk, amount=event.amount, currency=event.currency, charge=event.charge)
    else:
        message = _("The payment was declined%(reason)s. Your basket is kept; you can try again or choose another method.") % {
            "reason": f" ({event.reason})" if event.reason else ""
        }
        if event.gateway_status:
            PaymentAttempt.objects.filter(pk=attempt.pk).exclude(gateway_status="succeeded").update(gateway_status=event.gateway_status)
        fail_payment(attempt, message)
