"""kill -9 of the whole server in the middle of a checkout batch.

Shoppers check out against a real gunicorn on 127.0.0.1 (the soak's server and
shoppers); after a few seconds every server process is killed with SIGKILL,
whatever it was doing. Then the operator's two commands run as they would from
cron: ``release_holds`` (here with the clock past the hold time) and
``reconcile_payments``. Afterwards nothing is half-done: no unit is held by a
payment that will never finish, no stock is oversold, every paid attempt has
its order and every order's total equals what was paid.
"""

import os
import signal
import threading
import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.utils import timezone
from oscar.core.loading import get_model

from payments.models import PaymentAttempt
from payments.services import CANCELLED, expire_holds, retry_refunds
from tests.factories import PartnerFactory, ProductFactory, kecamatan
from tests.report import report
from tests.reliability.test_soak import Stats, server, shopper, worker_pids  # noqa: F401  (fixture)

pytestmark = [pytest.mark.soak, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

Order = get_model("order", "Order")
Line = get_model("order", "Line")
StockRecord = get_model("partner", "StockRecord")


def test_kill_9_mid_checkout_then_release_and_reconcile(server):
    base, process = server
    partner = PartnerFactory(name="Usaha Kill", kecamatan=kecamatan("tebet"))
    products = []
    for i in range(3):
        product = ProductFactory(title=f"Keranjang Bambu Kill {i}", stock__partner=partner,
                                 stock__price=Decimal("65000"), stock__num_in_stock=6)
        products.append({"pk": product.pk, "url": product.get_absolute_url(), "kecamatan": partner.kecamatan_id})

    stats, stop = Stats(), threading.Event()

    def shop(n):
        try:
            shopper(base, n, products, stats, stop)
        except Exception:  # noqa: BLE001 - the server was killed under it: expected
            stats.counts["cut by the kill"] += 1

    def slow_payer(n):
        """Reaches the payment page and is still paying when the server dies."""
        import re

        import requests

        from tests.reliability.test_soak import csrf

        s = requests.Session()
        try:
            product = products[n % len(products)]
            s.get(base + product["url"], timeout=30)
            s.post(base + f"/basket/add/{product['pk']}/", data={"quantity": 1}, headers=csrf(s), timeout=30)
            s.get(base + "/checkout/", timeout=30)
            response = s.post(base + "/checkout/", headers=csrf(s), allow_redirects=False, timeout=30, data={
                "email": f"lambat{n}@contoh.test", "delivery": "kirim", "name": f"Pembeli Lambat {n}",
                "phone": "0812 3456 7002", "line1": "Jl. Tebet Raya 1", "rt_rw": "001/002", "kelurahan": "Tebet Barat",
                "kecamatan": str(partner.kecamatan_id), "kota": "Jakarta Selatan", "provinsi": "DKI Jakarta",
                "postcode": "12810", "gateway": "uji"})
            if re.search(r"/checkout/bayar/", response.headers.get("Location", "")):
                stats.counts["on the payment page at the kill"] += 1
            stop.wait()
        except Exception:  # noqa: BLE001 - the server was killed under it: expected
            stats.counts["cut by the kill"] += 1

    threads = [threading.Thread(target=shop, args=(n,)) for n in range(4)]
    threads += [threading.Thread(target=slow_payer, args=(n,)) for n in range(3)]
    for t in threads:
        t.start()
    time.sleep(6)
    victims = [process.pid, *worker_pids(process.pid)]
    for pid in victims:
        os.kill(pid, signal.SIGKILL)
    stop.set()
    for t in threads:
        t.join(timeout=60)
    process.wait(timeout=10)

    in_flight = PaymentAttempt.objects.filter(status=PaymentAttempt.Status.PENDING).count()
    # What cron does once the hold time has passed.
    released = expire_holds(now=timezone.now() + timedelta(hours=49))
    retry_refunds()
    call_command("reconcile_payments")  # raises CommandError when payments and orders disagree

    assert not PaymentAttempt.objects.filter(status=PaymentAttempt.Status.PENDING).exists()
    for attempt in PaymentAttempt.objects.filter(status=PaymentAttempt.Status.SUCCEEDED):
        order = Order.objects.get(number=attempt.order_number)
        assert order.total_incl_tax == attempt.amount
    for record in StockRecord.objects.filter(partner=partner):
        # What is allocated is exactly what placed, uncancelled orders hold: nothing leaked by the kill.
        held_by_orders = Line.objects.filter(stockrecord=record).exclude(order__status=CANCELLED).aggregate(
            n=Sum("quantity"))["n"] or 0
        assert (record.num_allocated or 0) == held_by_orders <= record.num_in_stock, (record.pk, record.num_allocated)
    report("kill_9", processes_killed=len(victims), requests_before_kill=stats.counts["requests"],
           checkouts_paid=stats.counts["checkouts paid"], attempts_in_flight=in_flight, holds_released=released,
           paying_at_the_kill=stats.counts["on the payment page at the kill"],
           orders=Order.objects.count())
    assert stats.counts["requests"] > 0 and in_flight > 0 and released >= in_flight
