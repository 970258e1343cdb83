"""The same defects as real races: threads with their own PostgreSQL connections, committed data.

SQLite serialises every writer, so these need PostgreSQL (CI has it; locally they
skip, and test_money_during_payment.py runs the sequential versions everywhere).
"""

import threading
from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.db import connection, connections
from django.test import Client
from django.utils import timezone
from oscar.core.loading import get_model

from payments.gateways.stripe import StripeGateway
from payments.models import LedgerEntry, PaymentAttempt
from payments.services import expire_holds
from tests.conftest import require
from tests.reliability.conftest import add_to_basket, checkout, make_shoe_shop, paid, send_webhook, shoe_form, stock_of, use_stripe_mock

Order = get_model("order", "Order")
Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def postgres_and_stripe(settings):
    require(connection.vendor == "postgresql", "the race tests need PostgreSQL's parallel connections")
    use_stripe_mock(settings)


def together(*jobs):
    """Run the callables at the same moment, each in its own thread and connection; returns results or errors."""
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)

    def run(i, job):
        try:
            barrier.wait()
            results[i] = job()
        except Exception as error:  # surfaced by the tests' assertions
            results[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def seller(shop):
    client = Client()
    client.force_login(shop["seller"])
    return client


def test_eight_parallel_submits_make_one_attempt_and_one_payment_intent(postgres_and_stripe):
    shop = make_shoe_shop()
    browser = Client()
    add_to_basket(browser, shop["size39"])
    cookies = browser.cookies

    def submit():
        tab = Client()
        tab.cookies = cookies
        response = checkout(tab)
        return response.status_code, response.get("Location")

    with mock.patch.object(StripeGateway, "start", autospec=True, side_effect=StripeGateway.start) as start:
        results = together(*[submit] * 8)
    attempt = PaymentAttempt.objects.get()
    assert results == [(302, f"/checkout/bayar/{attempt.order_number}/")] * 8, results
    assert start.call_count == 1 and attempt.reference.startswith("pi_")
    assert stock_of(shop["size39"]) == (1, 1)


def test_a_price_raised_at_the_moment_the_payment_succeeds(postgres_and_stripe):
    shop = make_shoe_shop()
    browser = Client()
    add_to_basket(browser, shop["size39"])
    checkout(browser)
    attempt = PaymentAttempt.objects.get()
    children = [shop["size39"], shop["size40"]]
    results = together(lambda: paid(Client(), attempt).status_code,
                       lambda: seller(shop).post(f"/penjual/produk/{shop['product'].pk}/",
                                                 shoe_form(price="999000", children=children)).status_code)
    assert results == [200, 302], results
    order = Order.objects.get()
    assert order.total_incl_tax == attempt.amount == Decimal("200000")
    assert LedgerEntry.objects.get(kind="sale").amount == Decimal("180000")


def test_a_variant_deleted_at_the_moment_it_is_paid_for(postgres_and_stripe):
    shop = make_shoe_shop()
    browser = Client()
    add_to_basket(browser, shop["size39"])
    children = [shop["size39"], shop["size40"]]
    # The shopper continues to payment while the seller deletes the size: one of them wins, cleanly.
    results = together(lambda: checkout(browser).status_code,
                       lambda: seller(shop).post(f"/penjual/produk/{shop['product'].pk}/",
                                                 shoe_form(children=children, **{"variant-0-DELETE": "on"})).status_code)
    assert all(isinstance(r, int) and r < 500 for r in results), results
    attempt = PaymentAttempt.objects.first()
    if Product.objects.filter(pk=shop["size39"].pk).exists():
        assert attempt is not None and stock_of(shop["size39"]) == (1, 1)  # held: the delete was refused
        assert paid(Client(), attempt).status_code == 200
        assert Order.objects.get().total_incl_tax == attempt.amount
    else:
        assert attempt is None or attempt.status == "failed"  # deleted first: nothing was charged
        assert not Order.objects.exists()


def test_a_late_payment_and_a_new_buyer_race_for_the_last_unit(postgres_and_stripe, settings):
    shop = make_shoe_shop()
    late_browser, other = Client(), Client()
    add_to_basket(late_browser, shop["size39"])
    checkout(late_browser)
    late = PaymentAttempt.objects.get()
    expire_holds(timezone.now() + timedelta(hours=2))
    settings.TEST_PAYMENTS = True
    add_to_basket(other, shop["size39"])

    def buy():
        response = checkout(other, "uji", email="budi@pembeli.test")
        attempt = PaymentAttempt.objects.filter(email="budi@pembeli.test").first()
        if attempt is None:
            assert response.status_code == 302 and response.url == "/basket/"
            return "sold out"  # told on the basket page
        return other.post(f"/checkout/bayar/{attempt.order_number}/uji/", {"result": "ok"}).status_code

    results = together(lambda: paid(Client(), late).status_code, buy)
    assert results[0] == 200 and results[1] in (302, "sold out"), results
    assert Order.objects.count() == 1  # one unit, one order, whoever won
    assert stock_of(shop["size39"]) == (1, 1)
    late.refresh_from_db()
    if late.order_id is None:
        assert late.status in ("refund_due", "refunded")  # the late payer's money goes back


def test_a_wrong_amount_and_the_right_one_arriving_together_place_no_order(postgres_and_stripe):
    shop = make_shoe_shop()
    browser = Client()
    add_to_basket(browser, shop["size39"])
    checkout(browser)
    attempt = PaymentAttempt.objects.get()
    results = together(lambda: send_webhook(Client(), "payment_intent.succeeded", attempt.reference, "evt_usd",
                                            attempt.amount, currency="usd").status_code,
                       lambda: send_webhook(Client(), "payment_intent.succeeded", attempt.reference, "evt_one",
                                            "1").status_code)
    assert results == [200, 200], results
    assert not Order.objects.exists() and PaymentAttempt.objects.get().status == "review"
    assert stock_of(shop["size39"]) == (1, 0)
