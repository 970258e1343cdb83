"""Midtrans Snap end to end, registered only in settings: checkout → Midtrans's page → notification → one order → refund.

No Midtrans server runs here and tests never leave 127.0.0.1, so a small HTTP server on
127.0.0.1 replays Midtrans's responses. They are transcribed from Midtrans's documentation
(Snap "create transaction", Core API "status", "refund", "cancel" and the HTTP notification
examples), with the order id and amounts of the test's own payment put in; they were not
recorded from the live sandbox. The notification is signed exactly as documented:
signature_key = SHA512(order_id + status_code + gross_amount + server key).

The gateway is switched on with ``override_settings(PAYMENT_GATEWAYS=[..., MidtransGateway])``
and its keys; nothing outside payments/gateways/midtrans.py knows it exists
(tests/unit/test_gateway_boundaries.py checks that).
"""

import base64
import hashlib
import json
import re
import threading
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.conf import settings
from django.test import override_settings
from oscar.core.loading import get_model

from payments.models import LedgerEntry, PaymentAttempt
from payments.refunds import refund
from tests.factories import make_user
from tests.integration.test_checkout import delivery, fill_basket, shop, stock_of  # noqa: F401 (shop is a fixture)

pytestmark = pytest.mark.django_db

Order = get_model("order", "Order")
MIDTRANS = "payments.gateways.midtrans.MidtransGateway"
SERVER_KEY = "SB-Mid-server-okoce-test"
TOKEN = "66e4fa55-fdac-4ef9-91b5-733b97d1b862"


class Replay(BaseHTTPRequestHandler):
    """Midtrans's documented answers, keyed by method and path; every request is recorded."""

    def log_message(self, *args):
        pass

    def _answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _record(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length)) if length else None
        self.server.calls.append({"method": self.command, "path": self.path, "auth": self.headers.get("Authorization"), "body": body})
        return body

    def do_POST(self):
        body = self._record()
        state = self.server.state
        if self.path == "/snap/v1/transactions":
            state["gross_amount"] = body["transaction_details"]["gross_amount"]
            return self._answer(201, {"token": TOKEN, "redirect_url": f"https://app.sandbox.midtrans.com/snap/v4/redirection/{TOKEN}"})
        match = re.fullmatch(r"/v2/([^/]+)/(refund|cancel)", self.path)
        if match and match[2] == "refund":
            state["refunds"] = state.get("refunds", 0) + 1
            return self._answer(200, {
                "status_code": "200", "status_message": "Success, refund request is approved",
                "transaction_id": "57d5293c-e65f-4a29-95e4-5959c3fa335b", "order_id": match[1],
                "gross_amount": f"{state.get('gross_amount', 0)}.00", "currency": "IDR", "payment_type": "bank_transfer",
                "transaction_time": "2026-11-30 10:00:00", "transaction_status": "partial_refund",
                "refund_chargeback_id": 4000 + state["refunds"], "refund_amount": f"{body['amount']}.00", "refund_key": body["refund_key"],
            })
        if match:
            return self._answer(200, {"status_code": "200", "status_message": "Success, transaction is canceled", "order_id": match[1],
                                      "transaction_status": "cancel", "gross_amount": f"{state.get('gross_amount', 0)}.00", "currency": "IDR"})
        return self._answer(404, {"error_messages": ["not found"]})

    def do_GET(self):
        self._record()
        match = re.fullmatch(r"/v2/([^/]+)/status", self.path)
        if not match:
            return self._answer(404, {"error_messages": ["not found"]})
        return self._answer(200, {
            "status_code": "200", "status_message": "Success, transaction is found",
            "transaction_id": "57d5293c-e65f-4a29-95e4-5959c3fa335b", "order_id": match[1], "payment_type": "bank_transfer",
            "transaction_time": "2026-11-30 10:00:00", "transaction_status": self.server.state.get("status", "pending"),
            "fraud_status": "accept", "gross_amount": f"{self.server.state.get('gross_amount', 0)}.00", "currency": "IDR",
        })


@pytest.fixture
def midtrans():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Replay)
    server.calls, server.state = [], {}
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    gateways = [path for path in settings.PAYMENT_GATEWAYS if path != MIDTRANS] + [MIDTRANS]
    with override_settings(PAYMENT_GATEWAYS=gateways, MIDTRANS_SERVER_KEY=SERVER_KEY, MIDTRANS_CLIENT_KEY="SB-Mid-client-okoce",
                           MIDTRANS_API_BASE=base, MIDTRANS_SNAP_BASE=base, STRIPE_SECRET_KEY="", TEST_PAYMENTS=False):
        yield server
    server.shutdown()
    server.server_close()


def notification(attempt, status, gross_amount=None, key=SERVER_KEY, status_code="200"):
    """Midtrans's HTTP notification for ``attempt``, signed as documented."""
    gross = gross_amount or f"{attempt.amount:.2f}"
    signature = hashlib.sha512(f"{attempt.reference}{status_code}{gross}{key}".encode()).hexdigest()
    return json.dumps({
        "transaction_time": "2026-11-30 10:00:00", "transaction_status": status, "transaction_id": "57d5293c-e65f-4a29-95e4-5959c3fa335b",
        "status_message": "midtrans payment notification", "status_code": status_code, "signature_key": signature,
        "payment_type": "bank_transfer", "order_id": attempt.reference, "merchant_id": "G141532850", "gross_amount": gross,
        "fraud_status": "accept", "currency": "IDR",
    })


def notify(client, body):
    return client.post("/midtrans/webhook/", body, content_type="application/json")


def start(client, shop):
    fill_basket(client, (shop["shoe"], 1), (shop["snack"], 2))
    assert "Midtrans" in client.get("/checkout/").content.decode()
    response = client.post("/checkout/", delivery("midtrans"))
    assert response.status_code == 302, response.context["form"].errors
    return response, PaymentAttempt.objects.get()


def test_midtrans_checkout_notification_one_order_and_refund(client, shop, midtrans, django_capture_on_commit_callbacks):
    response, attempt = start(client, shop)
    assert attempt.gateway == "midtrans" and attempt.reference == f"{attempt.order_number}-{attempt.pk}"
    assert attempt.amount == Decimal("340000")  # 250.000 + 2 × 30.000 + shipping 10.000 + 20.000
    snap = midtrans.calls[0]
    assert snap["path"] == "/snap/v1/transactions" and snap["auth"] == "Basic " + base64.b64encode(f"{SERVER_KEY}:".encode()).decode()
    assert snap["body"]["transaction_details"] == {"order_id": attempt.reference, "gross_amount": 340000}
    assert snap["body"]["callbacks"]["finish"].endswith(f"/checkout/bayar/{attempt.order_number}/status/")
    # The payment page sends the shopper to Midtrans's hosted page; the stock is held meanwhile.
    assert response.url == f"/checkout/bayar/{attempt.order_number}/"
    assert f"snap/v4/redirection/{TOKEN}" in client.get(response.url).content.decode()
    assert stock_of(shop["shoe"]) == (3, 1) and stock_of(shop["snack"]) == (10, 2)
    # A forged notification is refused; a pending one changes nothing.
    assert notify(client, notification(attempt, "settlement", key="not-the-key")).status_code == 400
    assert notify(client, notification(attempt, "pending")).status_code == 200 and not Order.objects.exists()
    # Paid: one order, whatever the number of notifications.
    with django_capture_on_commit_callbacks(execute=True):
        assert notify(client, notification(attempt, "settlement")).status_code == 200
    assert notify(client, notification(attempt, "settlement")).content == b"already processed"
    order = Order.objects.get()
    assert order.number == attempt.order_number and order.status == "Paid" and order.total_incl_tax == Decimal("340000")
    assert LedgerEntry.balance(shop["kemang"]) == Decimal("250000") + Decimal("10000") - Decimal("12500")
    assert LedgerEntry.balance(shop["cilincing"]) == Decimal("60000") + Decimal("20000") - Decimal("3000")
    assert not LedgerEntry.objects.filter(kind=LedgerEntry.Kind.TRANSFER).exists()  # no payouts through Midtrans
    # A refund of one snack goes back through Midtrans and into the ledger and the order's history.
    staff = make_user("staf@okoce.test", is_staff=True)
    snack_line = order.lines.get(partner=shop["cilincing"])
    assert refund(order, {snack_line: 1}, staff) == Decimal("30000")
    call = midtrans.calls[-1]
    assert call["path"] == f"/v2/{attempt.reference}/refund" and call["body"]["amount"] == 30000
    order.refresh_from_db()
    assert order.status == "Partly refunded" and order.refunds.get().reference == "4001"
    assert [(c.old_status, c.new_status) for c in order.status_changes.all()] == [("Paid", "Partly refunded")]
    assert LedgerEntry.balance(shop["cilincing"]) == Decimal("77000") - (Decimal("30000") - Decimal("1500"))


def test_midtrans_return_page_asks_the_status_api_when_the_notification_is_late(client, shop, midtrans):
    _response, attempt = start(client, shop)
    midtrans.state["status"] = "settlement"
    response = client.get(f"/checkout/bayar/{attempt.order_number}/status/?order_id={attempt.reference}&transaction_status=settlement")
    assert response.status_code == 302 and response.url == f"/checkout/terima-kasih/{attempt.order_number}/"
    assert midtrans.calls[-1]["method"] == "GET" and midtrans.calls[-1]["path"] == f"/v2/{attempt.reference}/status"
    assert notify(client, notification(attempt, "settlement")).status_code == 200
    assert Order.objects.count() == 1 and Order.objects.get().status == "Paid"


def test_midtrans_denied_payment_gives_the_basket_back(client, shop, midtrans):
    _response, attempt = start(client, shop)
    assert notify(client, notification(attempt, "deny")).status_code == 200
    attempt.refresh_from_db()
    assert attempt.status == PaymentAttempt.Status.FAILED and attempt.gateway_status == "deny"
    assert stock_of(shop["shoe"]) == (3, 0) and not Order.objects.exists()


def test_midtrans_wrong_amount_goes_to_staff(client, shop, midtrans):
    _response, attempt = start(client, shop)
    assert notify(client, notification(attempt, "settlement", gross_amount="1000.00")).status_code == 200
    attempt.refresh_from_db()
    assert attempt.status == PaymentAttempt.Status.REVIEW and not Order.objects.exists()


def test_midtrans_is_off_unless_settings_name_it(client, shop, settings):
    settings.PAYMENT_GATEWAYS = [path for path in settings.PAYMENT_GATEWAYS if path != MIDTRANS]
    settings.MIDTRANS_SERVER_KEY = SERVER_KEY
    assert client.post("/midtrans/webhook/", "{}", content_type="application/json").status_code == 404
    fill_basket(client, (shop["shoe"], 1))
    assert "Midtrans" not in client.get("/checkout/").content.decode()
