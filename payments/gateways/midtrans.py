"""Midtrans Snap (Indonesia): bank transfer VA, QRIS, GoPay, ShopeePay and cards on Midtrans's hosted page.

Written against Midtrans's documented REST API (no Midtrans server runs in tests;
tests/integration/test_midtrans.py replays documented responses from a local server):

- start:  POST {MIDTRANS_SNAP_BASE}/snap/v1/transactions → {"token", "redirect_url"}; the shopper
          is sent to ``redirect_url`` and comes back to the payment-return page (``callbacks.finish``).
- notify: Midtrans POSTs JSON to /midtrans/webhook/; ``signature_key`` =
          SHA512(order_id + status_code + gross_amount + server_key) (hex).
- status: GET  {MIDTRANS_API_BASE}/v2/{order_id}/status
- refund: POST {MIDTRANS_API_BASE}/v2/{order_id}/refund   {"refund_key", "amount", "reason"}
- cancel: POST {MIDTRANS_API_BASE}/v2/{order_id}/cancel
Authentication: HTTP Basic, the server key as user name and an empty password.
Amounts are whole rupiah (Midtrans rejects decimals). No payouts: businesses paid through
Midtrans accrue a balance and are settled monthly by staff, like any business without Stripe Connect.
"""

import hashlib
import hmac
import json
from decimal import Decimal, InvalidOperation

import requests
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from payments.gateways.base import (
    Gateway,
    GatewayError,
    GatewayUnavailable,
    MalformedWebhook,
    PaymentStatus,
    RefundResult,
    StartResult,
    WebhookEvent,
    WebhookRejected,
)

PAID = {"settlement"}
FAILED = {"deny", "cancel", "expire", "failure"}


def whole_rupiah(amount):
    amount = Decimal(amount)
    if amount != amount.to_integral_value():
        raise ValueError("IDR amounts must be whole rupiah")
    return int(amount)


def signature(order_id, status_code, gross_amount, server_key):
    """Midtrans's notification signature: SHA512 of order_id + status_code + gross_amount + server key, hex."""
    return hashlib.sha512(f"{order_id}{status_code}{gross_amount}{server_key}".encode()).hexdigest()


def is_paid(data):
    status = data.get("transaction_status")
    # A card "capture" is money taken unless the fraud check challenged it.
    return status in PAID or (status == "capture" and data.get("fraud_status", "accept") == "accept")


class MidtransGateway(Gateway):
    code = "midtrans"
    name = "Midtrans"
    label = _("Bank transfer, QRIS, GoPay, ShopeePay or card (Midtrans)")
    template = "payments/pay_redirect.html"

    @classmethod
    def available(cls, settings):
        return bool(getattr(settings, "MIDTRANS_SERVER_KEY", ""))

    # --- HTTP ---------------------------------------------------------------------------
    def _call(self, method, url, body=None):
        timeout = settings.MIDTRANS_TIMEOUT_SECONDS
        try:
            response = requests.request(method, url, json=body, auth=(settings.MIDTRANS_SERVER_KEY, ""),
                                        headers={"Accept": "application/json"}, timeout=(min(timeout, 5), timeout))
        except requests.RequestException as error:
            raise GatewayUnavailable(f"Midtrans: {error}") from error
        try:
            data = response.json()
        except ValueError:
            raise GatewayUnavailable(f"Midtrans answered {response.status_code} without JSON") from None
        if response.status_code >= 500:
            raise GatewayUnavailable(f"Midtrans answered {response.status_code}: {data}")
        if response.status_code >= 400:
            raise GatewayError(f"Midtrans refused ({response.status_code}): {data.get('error_messages') or data}")
        return data

    def _core(self, reference, action, body=None, method="POST"):
        data = self._call(method, f"{settings.MIDTRANS_API_BASE.rstrip('/')}/v2/{reference}/{action}", body)
        # The Core API answers HTTP 200 with its own status_code in the body.
        if not str(data.get("status_code", "200")).startswith("2"):
            raise GatewayError(f"Midtrans {action} {reference}: {data.get('status_code')} {data.get('status_message', '')}")
        return data

    def _status(self, data):
        amount = data.get("gross_amount")
        return PaymentStatus(reference=data.get("order_id", ""), status=data.get("transaction_status", ""), paid=is_paid(data),
                             amount=Decimal(amount) if amount else None, currency=data.get("currency", "IDR"),
                             charge=data.get("transaction_id", ""))

    # --- the verbs ----------------------------------------------------------------------
    def start(self, attempt):
        order_id = f"{attempt.order_number}-{attempt.pk}"  # unique per try, as Midtrans requires
        body = {
            "transaction_details": {"order_id": order_id, "gross_amount": whole_rupiah(attempt.amount)},
            "customer_details": {"email": attempt.email},
            "callbacks": {"finish": settings.WAGTAILADMIN_BASE_URL.rstrip("/")
                          + reverse("checkout:payment-return", kwargs={"number": attempt.order_number})},
        }
        data = self._call("POST", f"{settings.MIDTRANS_SNAP_BASE.rstrip('/')}/snap/v1/transactions", body)
        if not data.get("token") or not data.get("redirect_url"):
            raise GatewayError(f"Midtrans Snap gave no token: {data}")
        return StartResult(reference=order_id, status="pending", client_secret=data["token"], redirect_url=data["redirect_url"])

    def page_context(self, attempt):
        return {"client_key": settings.MIDTRANS_CLIENT_KEY}

    def confirm(self, attempt):
        if not attempt.reference:
            return None
        return self._status(self._core(attempt.reference, "status", method="GET"))

    def cancel(self, attempt):
        if not attempt.reference:
            return None
        return self._status(self._core(attempt.reference, "cancel"))

    def refund(self, attempt, amount, currency, key):
        if not attempt.reference:
            return None
        data = self._core(attempt.reference, "refund", {"refund_key": key, "amount": whole_rupiah(amount),
                                                        "reason": f"OK OCE Mart #{attempt.order_number}"})
        return RefundResult(reference=str(data.get("refund_chargeback_id") or data.get("refund_key") or key),
                            status=data.get("transaction_status", ""))

    def handle_webhook(self, request):
        try:
            data = json.loads(request.body)
        except (ValueError, UnicodeDecodeError):
            raise WebhookRejected("not JSON, so not signed") from None
        if not isinstance(data, dict):
            raise WebhookRejected("not an object, so not signed")
        fields = [data.get(name) for name in ("order_id", "status_code", "gross_amount", "signature_key")]
        if not all(isinstance(value, str) and value for value in fields):
            raise WebhookRejected("order_id, status_code, gross_amount or signature_key missing")
        order_id, status_code, gross_amount, signed = fields
        expected = signature(order_id, status_code, gross_amount, settings.MIDTRANS_SERVER_KEY)
        if not settings.MIDTRANS_SERVER_KEY or not hmac.compare_digest(expected, signed.lower()):
            raise WebhookRejected("signature_key does not match")
        status = data.get("transaction_status")
        if not isinstance(status, str) or not status:
            raise MalformedWebhook("transaction_status is missing")
        try:
            amount = Decimal(gross_amount)
        except InvalidOperation:
            raise MalformedWebhook("gross_amount is not a number") from None
        transaction_id = data.get("transaction_id") if isinstance(data.get("transaction_id"), str) else ""
        event_id = f"midtrans:{transaction_id or order_id}:{status}:{status_code}"[:255]
        common = {"event_id": event_id, "type": f"midtrans.{status}", "reference": order_id}
        if is_paid(data):
            return WebhookEvent(outcome=WebhookEvent.SUCCEEDED, amount=amount, currency=str(data.get("currency") or "IDR"),
                                charge=transaction_id, **common)
        if status in FAILED:
            return WebhookEvent(outcome=WebhookEvent.FAILED, gateway_status=status,
                                reason=str(data.get("status_message") or ""), **common)
        return WebhookEvent(**common)  # pending, refund, partial_refund, a challenged capture: nothing to do
