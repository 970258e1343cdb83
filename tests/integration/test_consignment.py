"""Consignment at the OK OCE Marts: a maker's delivery, the till, counts, returns, shelf pickup and the maker's view.

Through the operator's and the maker's pages as they use them, and the shopper's
checkout; the last test races shoppers and the till for the last units on a
shelf on PostgreSQL (real parallel connections; it skips on SQLite).
"""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.utils import timezone
from oscar.core.loading import get_class, get_model

from checkout.placement import start_payment
from consignment import services
from consignment.models import MartOperator, Movement, ShelfStock
from payments import stock
from payments.models import LedgerEntry, PaymentAttempt
from payments.services import confirm_payment, expire_holds
from places.models import Mart
from tests.conftest import require
from tests.factories import PartnerFactory, ProductFactory, kecamatan, make_user
from tests.integration.test_checkout import delivery, fill_basket

Basket = get_model("basket", "Basket")
Order = get_model("order", "Order")
StockRecord = get_model("partner", "StockRecord")
Selector = get_class("partner.strategy", "Selector")


def make_mart(name, slug, kec):
    return Mart.objects.create(name=name, slug=slug, kecamatan=kecamatan(kec), address=f"Jl. {name} 1", lat=Decimal("-6.2"),
                               lon=Decimal("106.8"))


@pytest.fixture
def world(db):
    maker = PartnerFactory(name="Keripik Tebet")
    seller = make_user("penjual@keripik.test")
    maker.users.add(seller)
    keripik = ProductFactory(title="Keripik Singkong Balado", stock__partner=maker, stock__price=Decimal("25000"),
                             stock__num_in_stock=7)
    tebet, cilincing = make_mart("OK OCE Mart Tebet", "tebet", "tebet"), make_mart("OK OCE Mart Cilincing", "cilincing", "cilincing")
    operator, other = make_user("tebet@kasir.test"), make_user("cilincing@kasir.test")
    MartOperator.objects.create(user=operator, mart=tebet)
    MartOperator.objects.create(user=other, mart=cilincing)
    return {"maker": maker, "seller": seller, "keripik": keripik, "record": keripik.stockrecords.get(), "tebet": tebet,
            "cilincing": cilincing, "operator": operator, "other": other}


def deliver_by_page(client, world, quantity=10, share="80"):
    client.force_login(world["operator"])
    page = client.get("/kelola-mart/terima/", {"pembuat": world["maker"].pk}).content.decode()
    assert "Keripik Singkong Balado" in page
    response = client.post("/kelola-mart/terima/", {"pembuat": world["maker"].pk, "stockrecord": world["record"].pk,
                                                    "quantity": quantity, "share": share})
    assert response.status_code == 302, response.content.decode()
    return ShelfStock.objects.get(mart=world["tebet"], stockrecord=world["record"])


def online_stock(world):
    record = StockRecord.objects.get(pk=world["record"].pk)
    return record.num_in_stock, record.num_allocated or 0


def test_delivery_till_sale_count_and_return_move_the_shelf_and_the_ledger(client, world):
    shelf = deliver_by_page(client, world)
    assert (shelf.on_shelf, shelf.price, shelf.share) == (10, Decimal("25000"), Decimal("0.800"))
    assert online_stock(world) == (7, 0)  # the maker's own stock at home is theirs to keep
    assert not LedgerEntry.objects.exists()  # a delivery owes nothing yet

    response = client.post(f"/kelola-mart/rak/{shelf.pk}/", {"action": "sell", "sell-quantity": "3"}, follow=True)
    assert "Rp 60.000" in response.content.decode()  # 3 × Rp 25.000 × 80 %, said to the operator
    shelf.refresh_from_db()
    assert shelf.on_shelf == 7
    entry = LedgerEntry.objects.get()
    assert (entry.partner, entry.kind, entry.amount, entry.order) == (world["maker"], "mart_sale", Decimal("60000"), None)
    assert entry.reference == "OK OCE Mart Tebet"

    client.post(f"/kelola-mart/rak/{shelf.pk}/", {"action": "count", "count-counted": "6"})
    client.post(f"/kelola-mart/rak/{shelf.pk}/", {"action": "return", "return-quantity": "2", "return-note": "kemasan penyok"})
    shelf.refresh_from_db()
    assert shelf.on_shelf == 4
    count = Movement.objects.get(kind="count")
    assert (count.counted, count.quantity) == (6, -1)  # one unit missing, recorded
    assert Movement.objects.get(kind="return").quantity == -2
    assert LedgerEntry.balance(world["maker"]) == Decimal("60000")  # counts and returns owe nothing
    assert online_stock(world) == (7, 0)

    # Selling more than is there is refused with a message; nothing changes.
    response = client.post(f"/kelola-mart/rak/{shelf.pk}/", {"action": "sell", "sell-quantity": "5"})
    assert response.status_code == 200 and "Hanya 4" in response.content.decode()
    shelf.refresh_from_db()
    assert shelf.on_shelf == 4 and LedgerEntry.objects.count() == 1

    # The maker's statement shows the till sale at the Mart.
    client.force_login(world["seller"])
    month = timezone.localdate().strftime("%Y-%m")
    statement = client.get(f"/penjual/saldo/{month}/").content.decode()
    assert "Penjualan di kasir Mart" in statement and "OK OCE Mart Tebet" in statement
    page = client.get("/penjual/konsinyasi/").content.decode().replace("\xa0", " ")  # the currency filter writes Rp&nbsp;
    assert "OK OCE Mart Tebet" in page and "Rp 60.000" in page
    assert "Di rak 4 · dikirim 10 · terjual di kasir 3 · diambil (online) 0 · dikembalikan 2" in page


def test_an_operator_cannot_see_or_change_another_marts_shelf(client, world):
    shelf = services.deliver(world["tebet"], world["record"], 5, Decimal("0.8"), Decimal("25000"), world["operator"])
    client.force_login(world["other"])
    assert client.get(f"/kelola-mart/rak/{shelf.pk}/").status_code == 404
    assert client.post(f"/kelola-mart/rak/{shelf.pk}/", {"action": "sell", "sell-quantity": "1"}).status_code == 404
    assert "Keripik Singkong Balado" not in client.get("/kelola-mart/").content.decode()
    # A delivery recorded by Cilincing's operator lands on Cilincing's shelf, whatever the form says.
    client.post("/kelola-mart/terima/", {"pembuat": world["maker"].pk, "stockrecord": world["record"].pk, "quantity": 2,
                                         "share": "75", "mart": world["tebet"].pk})
    shelf.refresh_from_db()
    assert shelf.on_shelf == 5 and ShelfStock.objects.get(mart=world["cilincing"]).on_shelf == 2
    # A shopper, a seller and staff without a Mart are not operators.
    client.force_login(world["seller"])
    assert client.get("/kelola-mart/").status_code == 403


def test_shelf_pickup_is_held_on_the_shelf_ready_today_and_handed_over(client, world, settings):
    settings.TEST_PAYMENTS = True
    settings.STRIPE_SECRET_KEY = ""
    services.deliver(world["tebet"], world["record"], 3, Decimal("0.8"), Decimal("25000"), world["operator"])
    fill_basket(client, (world["keripik"], 2))
    page = client.get("/checkout/").content.decode()
    assert "OK OCE Mart Tebet" in page and "siap diambil hari ini" in page

    response = client.post("/checkout/", delivery("uji", delivery="ambil", mart=world["tebet"].pk, line1="", kecamatan=""))
    assert response.status_code == 302
    attempt = PaymentAttempt.objects.get()
    shelf = ShelfStock.objects.get(mart=world["tebet"])
    assert (shelf.on_shelf, shelf.allocated) == (3, 2)  # set aside on the shelf while the shopper pays
    assert online_stock(world) == (7, 0)  # the maker's online stock is untouched
    client.post(f"/checkout/bayar/{attempt.order_number}/uji/", {"result": "ok"})
    order = Order.objects.get()
    assert order.status == "Paid" and order.pickup_mart == world["tebet"]
    assert "siap diambil hari ini" in client.get(f"/checkout/terima-kasih/{order.number}/").content.decode()

    # The till can sell only what is not set aside.
    with pytest.raises(services.ShelfError):
        services.sell_at_till(shelf, 2, world["operator"])

    operator = client.__class__()
    operator.force_login(world["operator"])
    assert f"#{order.number}" in operator.get("/kelola-mart/").content.decode()
    operator.post("/kelola-mart/serahkan/", {"number": order.number})
    shelf.refresh_from_db()
    assert (shelf.on_shelf, shelf.allocated) == (1, 0)
    assert online_stock(world) == (7, 0)
    assert Movement.objects.get(kind="pickup").order == order
    assert order.lines.get().fulfilment.stock_consumed
    # Twice is refused; the shelf does not move again.
    operator.post("/kelola-mart/serahkan/", {"number": order.number})
    shelf.refresh_from_db()
    assert shelf.on_shelf == 1 and Movement.objects.filter(kind="pickup").count() == 1
    # Another Mart's operator cannot hand it over.
    with pytest.raises(services.ShelfError):
        services.hand_over(world["cilincing"], order.number, world["other"])


def test_pickup_the_shelf_cannot_cover_comes_from_the_makers_stock_and_an_unpaid_shelf_hold_lapses(client, world, settings):
    settings.TEST_PAYMENTS = True
    services.deliver(world["tebet"], world["record"], 1, Decimal("0.8"), Decimal("25000"), world["operator"])
    fill_basket(client, (world["keripik"], 2))
    assert "siap diambil hari ini" not in client.get("/checkout/").content.decode()
    client.post("/checkout/", delivery("uji", delivery="ambil", mart=world["tebet"].pk, line1="", kecamatan=""))
    attempt = PaymentAttempt.objects.get()
    assert not attempt.checkout.get("shelf")
    assert online_stock(world) == (7, 2) and ShelfStock.objects.get().allocated == 0

    # A shelf pickup paid at the Mart, never collected: its units go back to the shelf, not to online stock.
    ShelfStock.objects.update(on_shelf=5)
    client.post(f"/checkout/bayar/{attempt.order_number}/batal/")
    client.post("/checkout/", delivery("mart", delivery="ambil", mart=world["tebet"].pk, line1="", kecamatan=""))
    order = Order.objects.get()
    assert order.status == "Awaiting payment at the Mart" and ShelfStock.objects.get().allocated == 2
    assert online_stock(world) == (7, 0)
    assert expire_holds(timezone.now() + timedelta(hours=49)) == 1
    assert ShelfStock.objects.get().allocated == 0 and online_stock(world) == (7, 0)


def test_the_maker_sees_nothing_of_another_makers_consignment(client, world):
    other = PartnerFactory(name="Batik Cilincing")
    batik = ProductFactory(title="Batik Tulis Cilincing", stock__partner=other, stock__price=Decimal("300000"))
    services.deliver(world["cilincing"], batik.stockrecords.get(), 2, Decimal("0.7"), Decimal("300000"), world["other"])
    client.force_login(world["seller"])
    page = client.get("/penjual/konsinyasi/").content.decode()
    assert "Batik Tulis" not in page and "Belum ada titipan" in page


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_shoppers_and_the_till_race_for_the_last_units_on_a_shelf():
    """Eight shoppers pick up from the shelf while the till sells one unit at a time: never more than the shelf had."""
    require(connection.vendor == "postgresql", "the shelf race needs PostgreSQL's parallel connections")
    units, shoppers, till_tries = 5, 8, 4
    maker = PartnerFactory(name="Sambal Tebet")
    product = ProductFactory(title="Sambal Roa", stock__partner=maker, stock__price=Decimal("40000"), stock__num_in_stock=50)
    record = product.stockrecords.get()
    mart = make_mart("OK OCE Mart Tebet", "tebet", "tebet")
    operator = make_user("tebet@kasir.test")
    shelf = services.deliver(mart, record, units, Decimal("0.8"), Decimal("40000"), operator)
    baskets = []
    for _ in range(shoppers):
        basket = Basket.objects.create()
        basket.strategy = Selector().strategy()
        basket.add_product(product, 1)
        baskets.append(basket.pk)
    barrier = threading.Barrier(shoppers + till_tries)
    results = []

    def shop(i):
        try:
            basket = Basket.objects.get(pk=baskets[i])
            basket.strategy = Selector().strategy()
            checkout = {"email": f"p{i}@contoh.test", "pickup": True, "mart": mart.pk, "kecamatan": None,
                        "address": {"name": f"Pembeli {i}", "phone": "+6281200000000"}}
            barrier.wait()
            attempt = start_payment(basket, checkout, "uji")
            confirm_payment(attempt.pk, amount=attempt.amount, currency=attempt.currency)
            results.append("online" if attempt.checkout.get("shelf") else "maker")
        except stock.SoldOut:
            results.append("sold out")
        finally:
            connections.close_all()

    def till():
        try:
            barrier.wait()
            services.sell_at_till(ShelfStock.objects.get(pk=shelf.pk), 1, operator)
            results.append("till")
        except services.ShelfError:
            results.append("till refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=shop, args=(i,)) for i in range(shoppers)] + [threading.Thread(target=till) for _ in range(till_tries)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    shelf.refresh_from_db()
    assert len(results) == shoppers + till_tries, results
    from_shelf = results.count("online") + results.count("till")
    assert from_shelf == units, results  # every unit went once: to the till or set aside for a pickup
    assert shelf.on_shelf == units - results.count("till") and shelf.allocated == results.count("online")
    assert LedgerEntry.objects.filter(kind="mart_sale").count() == results.count("till")
    # Shoppers who found the shelf empty at the start were served from the maker's stock; none lost money.
    record.refresh_from_db()
    assert (record.num_allocated or 0) == results.count("maker")
    assert Order.objects.count() == results.count("online") + results.count("maker")
