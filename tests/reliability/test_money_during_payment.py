"""What happens to money and stock while a shopper pays (sequential; SQLite and PostgreSQL).

Each test replays a defect found in review: a seller changing a price or deleting a
variant mid-payment, a payment arriving after its hold lapsed, a wrong amount or
currency, a double submit, a malformed signed webhook, Stripe unreachable or slow,
and a process killed half-way. The concurrent versions are in test_races.py.
"""

import socket
import threading
import time
from datetime import timedelta
from decimal import Decimal
from io import StringIO
from unittest import mock

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone
from oscar.core.loading import get_model

from payments.gateways.stripe import StripeGateway
from payments.models import LedgerEntry, PaymentAttempt, WebhookEvent
from payments.services import expire_holds
from tests.reliability.conftest import (
    add_to_basket,
    checkout,
    only_attempt,
    paid,
    send_webhook,
    shoe_form,
    signed,
    stock_of,
)

pytestmark = pytest.mark.django_db

Order = get_model("order", "Order")
Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")
Basket = get_model("basket", "Basket")

SHIPPING = Decimal("20000")  # Cilincing → Mampang Prapatan: elsewhere in Jakarta


def seller_client(shop):
    client = Client()
    client.force_login(shop["seller"])
    return client


def edit_url(shop):
    return f"/penjual/produk/{shop['product'].pk}/"


def reconcile():
    out = StringIO()
    try:
        call_command("reconcile_payments", stdout=out)
    except CommandError:
        return out.getvalue(), 1
    return out.getvalue(), 0


def page_text(response):
    return response.content.decode().replace("\xa0", " ")


# --- 1. a price change while the shopper pays -------------------------------------------------
def test_a_price_raised_while_the_shopper_pays_changes_neither_the_order_nor_the_ledger(client, stripe_on, shoe_shop,
                                                                                        django_capture_on_commit_callbacks):
    add_to_basket(client, shoe_shop["size39"])
    assert checkout(client).status_code == 302
    attempt = only_attempt()
    assert attempt.amount == Decimal("180000") + SHIPPING
    children = [shoe_shop["size39"], shoe_shop["size40"]]
    response = seller_client(shoe_shop).post(edit_url(shoe_shop), shoe_form(price="999000", children=children))
    assert response.status_code == 302
    assert StockRecord.objects.get(product=shoe_shop["size39"]).price == Decimal("999000")  # the seller's change is saved
    with django_capture_on_commit_callbacks(execute=True):
        assert paid(client, attempt).status_code == 200
    order = Order.objects.get()
    assert order.total_incl_tax == attempt.amount == Decimal("200000")  # what the shopper paid
    assert order.lines.get().line_price_incl_tax == Decimal("180000")
    sale = LedgerEntry.objects.get(kind="sale")
    assert sale.amount == Decimal("180000") and sale.partner == shoe_shop["partner"]
    assert "Rp 200.000" in mail.outbox[-1].body.replace("\xa0", " ")
    # The next shopper pays the new price.
    other = Client()
    StockRecord.objects.filter(product=shoe_shop["size39"]).update(num_in_stock=2)
    add_to_basket(other, shoe_shop["size39"])
    checkout(other, email="budi@pembeli.test")
    assert PaymentAttempt.objects.get(email="budi@pembeli.test").amount == Decimal("999000") + SHIPPING


# --- 2. deleting a variant while it is paid for ---------------------------------------------------
def test_a_variant_being_paid_for_cannot_be_deleted_from_the_product_form(client, stripe_on, shoe_shop,
                                                                           django_capture_on_commit_callbacks):
    add_to_basket(client, shoe_shop["size39"])
    checkout(client)
    attempt = only_attempt()
    children = [shoe_shop["size39"], shoe_shop["size40"]]
    response = seller_client(shoe_shop).post(edit_url(shoe_shop), shoe_form(children=children, **{"variant-0-DELETE": "on"}))
    assert response.status_code == 200
    assert "sedang dibayar" in page_text(response)  # told why, in Indonesian
    assert Product.objects.filter(pk=shoe_shop["size39"].pk).exists()
    # Lowering its stock below what is held is refused too.
    response = seller_client(shoe_shop).post(edit_url(shoe_shop), shoe_form(children=children, stock=0))
    assert response.status_code == 200 and stock_of(shoe_shop["size39"]) == (1, 1)
    # The whole product cannot be deleted either.
    seller_client(shoe_shop).post(f"/penjual/produk/{shoe_shop['product'].pk}/hapus/")
    assert Product.objects.filter(pk=shoe_shop["product"].pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert paid(client, attempt).status_code == 200
    order = Order.objects.get()
    assert order.total_incl_tax == attempt.amount
    assert client.get(f"/checkout/terima-kasih/{order.number}/").status_code == 200


def test_held_stock_is_not_deleted_by_any_path():
    from django.db.models import ProtectedError

    from tests.factories import ProductFactory

    product = ProductFactory(title="Kerudung Held")
    StockRecord.objects.filter(product=product).update(num_allocated=1)
    from django.db import transaction

    with pytest.raises(ProtectedError), transaction.atomic():
        Product.objects.get(pk=product.pk).delete()  # Oscar's dashboard, the admin, a cascade
    assert StockRecord.objects.filter(product=product).exists()


def test_a_paid_attempt_whose_product_vanished_is_refunded_and_the_shopper_told(client, stripe_on, shoe_shop,
                                                                                 django_capture_on_commit_callbacks):
    add_to_basket(client, shoe_shop["size39"])
    checkout(client)
    attempt = only_attempt()
    # Gone by a path that bypasses the seller centre (the hold dropped first, then the variant deleted).
    StockRecord.objects.filter(product=shoe_shop["size39"]).update(num_allocated=0)
    Product.objects.get(pk=shoe_shop["size39"].pk).delete()
    with django_capture_on_commit_callbacks(execute=True):
        assert paid(client, attempt).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        assert paid(client, attempt, event_id="evt_retry").status_code == 200  # Stripe's retry: no loop, no 500
    assert not Order.objects.exists()
    refund = mail.outbox[-1]
    assert refund.to == ["dewi@pembeli.test"] and "dikembalikan" in refund.subject
    assert "Rp 200.000" in refund.body.replace("\xa0", " ")
    assert PaymentAttempt.objects.get().refund_reference.startswith("re_")  # refunded at stripe-mock
    response = client.get(f"/checkout/terima-kasih/{attempt.order_number}/", follow=True)
    assert response.status_code == 200 and "dikembalikan" in page_text(response)


# --- 3. a payment after its hold lapsed ---------------------------------------------------------
def test_a_late_payment_takes_the_stock_again_when_it_is_still_there(client, stripe_on, settings, shoe_shop,
                                                                      django_capture_on_commit_callbacks):
    add_to_basket(client, shoe_shop["size39"])
    checkout(client)
    attempt = only_attempt()
    assert expire_holds(timezone.now() + timedelta(hours=2)) == 1
    assert stock_of(shoe_shop["size39"]) == (1, 0)
    with django_capture_on_commit_callbacks(execute=True):
        assert paid(client, attempt).status_code == 200
    order = Order.objects.get()
    assert order.total_incl_tax == attempt.amount and stock_of(shoe_shop["size39"]) == (1, 1)
    settings.STRIPE_SECRET_KEY = ""  # stripe-mock lists no real intents: reconcile from our own record
    output, status = reconcile()
    assert status == 0 and f"{attempt.order_number}: paid after its hold lapsed" in output


def test_a_late_payment_for_stock_sold_meanwhile_is_refunded_and_listed(client, stripe_on, settings, shoe_shop,
                                                                         django_capture_on_commit_callbacks):
    add_to_basket(client, shoe_shop["size39"])
    checkout(client)
    late = only_attempt()
    expire_holds(timezone.now() + timedelta(hours=2))
    # Another shopper buys the freed unit (the development test payment stands in for any gateway).
    settings.TEST_PAYMENTS = True
    other = Client()
    add_to_basket(other, shoe_shop["size39"])
    checkout(other, "uji", email="budi@pembeli.test")
    first = PaymentAttempt.objects.get(email="budi@pembeli.test")
    with django_capture_on_commit_callbacks(execute=True):
        other.post(f"/checkout/bayar/{first.order_number}/uji/", {"result": "ok"})
    assert stock_of(shoe_shop["size39"]) == (1, 1)
    with django_capture_on_commit_callbacks(execute=True):
        assert paid(client, late).status_code == 200
    assert Order.objects.count() == 1  # one unit, one order
    assert stock_of(shoe_shop["size39"]) == (1, 1)
    refund = mail.outbox[-1]
    assert refund.to == ["dewi@pembeli.test"] and "habis" in refund.body and "Rp 200.000" in refund.body.replace("\xa0", " ")
    assert PaymentAttempt.objects.get(pk=late.pk).refund_reference.startswith("re_")
    output, _status = reconcile()
    assert f"{late.order_number}: paid 200000 IDR after its stock was gone; refunded automatically" in output


# --- 4. amount and currency --------------------------------------------------------------------
@pytest.mark.parametrize("amount, currency", [("1", "idr"), (None, "usd")])
def test_a_wrong_amount_or_currency_places_no_order_and_goes_to_staff(client, stripe_on, shoe_shop, amount, currency):
    from tests.factories import make_user

    add_to_basket(client, shoe_shop["size39"])
    checkout(client)
    attempt = only_attempt()
    response = send_webhook(client, "payment_intent.succeeded", attempt.reference, "evt_odd", amount or attempt.amount, currency=currency)
    assert response.status_code == 200
    assert not Order.objects.exists() and not LedgerEntry.objects.exists()
    assert stock_of(shoe_shop["size39"]) == (1, 0)
    shown = client.get(f"/checkout/bayar/{attempt.order_number}/status/", follow=True)
    assert "tidak sesuai" in page_text(shown)
    output, status = reconcile()
    assert status == 1 and f"{attempt.order_number}: paid {amount or 200000} {currency.upper()}, expected 200000 IDR" in output
    staff = Client()
    staff.force_login(make_user("staf@okoce.test", is_staff=True))
    assert attempt.order_number in page_text(staff.get("/staf/pesanan/"))


# --- malformed signed webhooks -----------------------------------------------------------------------
@pytest.mark.parametrize("body", [
    "[]", "null", "{}", "not json", '"text"',
    '{"id": "evt_1", "type": "payment_intent.succeeded"}',
    '{"id": "evt_1", "type": "payment_intent.succeeded", "data": []}',
    '{"id": "evt_1", "type": "payment_intent.succeeded", "data": {"object": null}}',
    '{"id": "evt_1", "type": "payment_intent.succeeded", "data": {"object": {"id": "pi_x", "currency": "idr"}}}',
    '{"id": "evt_1", "type": "payment_intent.succeeded", "data": {"object": {"id": "pi_x", "amount_received": "abc", "currency": "idr"}}}',
    '{"id": "evt_1", "type": "payment_intent.succeeded", "data": {"object": {"id": "pi_x", "amount_received": 1.5, "currency": "idr"}}}',
    '{"id": "evt_1", "type": "payment_intent.succeeded", "data": {"object": {"id": "pi_x", "amount_received": 100}}}',
    '{"id": 5, "type": "payment_intent.succeeded", "data": {"object": {"id": "pi_x", "amount_received": 100, "currency": "idr"}}}',
    '{"id": "evt_1", "type": "payment_intent.payment_failed", "data": {"object": {"id": "pi_x", "last_payment_error": "x"}}}',
])
def test_a_signed_but_malformed_webhook_is_a_400_never_a_500(client, stripe_on, body, caplog):
    response = client.post("/stripe/webhook/", body, content_type="application/json", HTTP_STRIPE_SIGNATURE=signed(body))
    assert response.status_code == 400
    assert not WebhookEvent.objects.exists()
    assert "Rejected a signed Stripe webhook with a malformed body" in caplog.text


def test_a_malformed_webhook_for_a_real_payment_changes_nothing(client, stripe_on, shoe_shop):
    add_to_basket(client, shoe_shop["size39"])
    checkout(client)
    attempt = only_attempt()
    assert send_webhook(client, "payment_intent.succeeded", attempt.reference, "evt_no_amount", None).status_code == 400
    assert not Order.objects.exists() and stock_of(shoe_shop["size39"]) == (1, 1)
    assert paid(client, attempt, event_id="evt_good").status_code == 200  # the well-formed one still works
    assert Order.objects.count() == 1


# --- 5. double submit ---------------------------------------------------------------------------------
def test_a_second_submit_gets_the_same_payment_page_and_no_second_payment_intent(client, stripe_on, shoe_shop):
    add_to_basket(client, shoe_shop["size39"])
    with mock.patch.object(StripeGateway, "start", autospec=True, side_effect=StripeGateway.start) as start:
        first, second = checkout(client), checkout(client)
    assert first.status_code == second.status_code == 302
    assert first.url == second.url == f"/checkout/bayar/{only_attempt().order_number}/"
    assert start.call_count == 1 and PaymentAttempt.objects.count() == 1
    assert stock_of(shoe_shop["size39"]) == (1, 1)
    page = client.get(first.url)
    assert page.status_code == 200 and "_secret_" in page_text(page)


# --- 6. resubmitting the product form -------------------------------------------------------------------
def test_resubmitting_the_product_form_does_not_duplicate_a_variant(shoe_shop):
    seller = seller_client(shoe_shop)
    children = [shoe_shop["size39"], shoe_shop["size40"]]
    data = shoe_form(children=children, **{"variant-TOTAL_FORMS": "3", "variant-2-option": str(_option("42")),
                                           "variant-2-price": "200000", "variant-2-stock": "3"})
    assert seller.post(edit_url(shoe_shop), data).status_code == 302
    assert seller.post(edit_url(shoe_shop), data).status_code == 302  # the back button and "submit" again
    product = shoe_shop["product"]
    assert sorted(c.attr.ukuran.option for c in product.children.all()) == ["39", "40", "42"]
    # And the next save from a fresh form still works.
    form = seller.get(edit_url(shoe_shop)).context["variants"]
    again = shoe_form(children=list(product.children.order_by("pk")),
                      **{"variant-TOTAL_FORMS": str(len(form.forms)), "variant-2-option": str(_option("42")),
                         "variant-2-price": "210000", "variant-2-stock": "3"})
    assert seller.post(edit_url(shoe_shop), again).status_code == 302
    assert StockRecord.objects.get(product__parent=product, product__title__endswith="42").price == Decimal("210000")


def _option(size):
    from tests.reliability.conftest import option

    return option(size)


# --- Stripe unreachable or slow -------------------------------------------------------------------------
def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def silent_server():
    """A server on 127.0.0.1 that accepts connections and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held, stop = [], threading.Event()

    def accept():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}"
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    server.close()


@pytest.mark.parametrize("where", ["closed", "silent"])
def test_stripe_unreachable_or_slow_gives_a_clear_message_and_keeps_the_basket(client, stripe_on, settings, shoe_shop, where,
                                                                                request):
    settings.STRIPE_API_BASE = f"http://127.0.0.1:{closed_port()}" if where == "closed" else request.getfixturevalue("silent_server")
    settings.STRIPE_TIMEOUT_SECONDS = 1
    settings.STRIPE_NETWORK_RETRIES = 0
    add_to_basket(client, shoe_shop["size39"])
    started = time.monotonic()
    response = checkout(client)
    assert time.monotonic() - started < 10
    assert response.status_code == 200
    assert "Pembayaran belum bisa dimulai" in page_text(response)
    assert not Order.objects.exists() and stock_of(shoe_shop["size39"]) == (1, 0)
    assert "Sepatu Kanvas Ani" in page_text(client.get("/basket/"))  # the basket is intact


# --- a process killed half-way -----------------------------------------------------------------------------
def test_killed_before_the_payment_intent_id_was_stored_the_webhook_still_finds_it(client, stripe_on, shoe_shop,
                                                                                   django_capture_on_commit_callbacks):
    add_to_basket(client, shoe_shop["size39"])
    checkout(client)
    attempt = only_attempt()
    PaymentAttempt.objects.filter(pk=attempt.pk).update(reference=None)  # died between Stripe's answer and our save
    body_intent = {"metadata": {"attempt": str(attempt.pk), "order_number": attempt.order_number}}
    with django_capture_on_commit_callbacks(execute=True):
        response = send_webhook(client, "payment_intent.succeeded", "pi_after_crash", "evt_crash", attempt.amount, **body_intent)
    assert response.status_code == 200
    assert Order.objects.get().total_incl_tax == attempt.amount


def test_killed_with_stock_held_release_holds_gives_it_back(client, stripe_on, settings, shoe_shop):
    add_to_basket(client, shoe_shop["size39"])
    checkout(client)  # the shopper's browser (and our worker) vanish here
    assert stock_of(shoe_shop["size39"]) == (1, 1)
    PaymentAttempt.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    out = StringIO()
    call_command("release_holds", stdout=out)
    assert "1 hold(s) released" in out.getvalue()
    assert stock_of(shoe_shop["size39"]) == (1, 0)
    assert Basket.objects.get().status == Basket.OPEN
    settings.STRIPE_SECRET_KEY = ""
    assert reconcile()[1] == 0


def test_killed_after_deciding_to_refund_release_holds_sends_it(client, stripe_on, settings, shoe_shop,
                                                               django_capture_on_commit_callbacks):
    add_to_basket(client, shoe_shop["size39"])
    checkout(client)
    attempt = only_attempt()
    expire_holds(timezone.now() + timedelta(hours=2))
    StockRecord.objects.filter(product=shoe_shop["size39"]).update(num_in_stock=0)  # sold elsewhere meanwhile
    with django_capture_on_commit_callbacks(execute=False):  # committed, then killed before the refund went out
        assert paid(client, attempt).status_code == 200
    output, status = reconcile()
    assert status == 1 and f"{attempt.order_number}: paid 200000 IDR but no order could be made; refund not yet sent" in output
    with django_capture_on_commit_callbacks(execute=True):
        call_command("release_holds", stdout=StringIO())
    assert mail.outbox[-1].to == ["dewi@pembeli.test"]
    settings.STRIPE_SECRET_KEY = ""
    output, status = reconcile()
    assert status == 0 and "refunded automatically" in output
