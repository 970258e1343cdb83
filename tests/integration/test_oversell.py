"""The last units: 30 shoppers pay at the same moment for the last 5; exactly 5 orders result.

Real parallel connections on PostgreSQL (one thread, one connection each),
committed data, no shared transaction. SQLite serialises every writer, so the
test needs PostgreSQL (CI provides it; locally it skips).
"""

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections
from oscar.core.loading import get_class, get_model

from payments import stock
from payments.models import PaymentAttempt
from checkout.placement import start_payment
from payments.services import confirm_payment
from tests.conftest import require
from tests.factories import PartnerFactory, ProductFactory

Basket = get_model("basket", "Basket")
Order = get_model("order", "Order")
StockRecord = get_model("partner", "StockRecord")
Selector = get_class("partner.strategy", "Selector")

BUYERS, UNITS = 30, 5


def checkout(n):
    return {"email": f"pembeli{n}@contoh.test", "pickup": False, "mart": None, "kecamatan": None,
            "address": {"name": f"Pembeli {n}", "phone": "+6281200000000", "line1": "Jl. Contoh 1", "kota": "Bogor",
                        "provinsi": "Jawa Barat", "postcode": "16111"}}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_thirty_buyers_for_the_last_five_units():
    require(connection.vendor == "postgresql", "the oversell test needs PostgreSQL's parallel connections")
    product = ProductFactory(title="Rendang Edisi Terbatas", stock__partner=PartnerFactory(), stock__num_in_stock=UNITS,
                             stock__price=Decimal("95000"))
    baskets = []
    for _ in range(BUYERS):
        basket = Basket.objects.create()
        basket.strategy = Selector().strategy()
        basket.add_product(product, 1)
        baskets.append(basket.pk)

    barrier = threading.Barrier(BUYERS)
    results = [None] * BUYERS

    def buy(i):
        try:
            basket = Basket.objects.get(pk=baskets[i])
            basket.strategy = Selector().strategy()
            barrier.wait()
            attempt = start_payment(basket, checkout(i), "uji")
            confirm_payment(attempt.pk, amount=attempt.amount, currency=attempt.currency)
            results[i] = "ordered"
        except stock.SoldOut as error:
            results[i] = str(error)
        except Exception as error:  # surfaced by the assertion below
            results[i] = repr(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=buy, args=(i,)) for i in range(BUYERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert results.count("ordered") == UNITS, results
    sold_out = [r for r in results if r != "ordered"]
    assert all("habis terjual" in r or "sold out" in r for r in sold_out), sold_out
    record = StockRecord.objects.get(product=product)
    assert (record.num_in_stock, record.num_allocated) == (UNITS, UNITS)
    assert Order.objects.count() == UNITS
    assert PaymentAttempt.objects.count() == UNITS  # sold-out buyers never reached payment
    # The sold-out shoppers keep their baskets, open and unchanged.
    assert Basket.objects.filter(status=Basket.OPEN).count() == BUYERS - UNITS
