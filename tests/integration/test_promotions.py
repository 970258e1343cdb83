"""Promotions on Oscar's offers: a maker's own discount, a programme campaign, and the money around them.

Who pays is visible in the ledger: a maker's promotion reduces only that maker's payout; a
campaign's discount is given back to each maker by the programme. What the shopper is charged
is the discounted total, and stays what the order says even if the offer ends while they pay.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
import stripe
from django.utils import timezone
from oscar.core.loading import get_model

from payments.models import LedgerEntry, PaymentAttempt
from promotions.models import Promotion
from promotions.services import end_promotion, save_promotion
from tests.factories import ProductFactory, kecamatan, make_user
from tests.integration.test_checkout import delivery, fill_basket, shop, stripe_settings, test_payments, webhook  # noqa: F401

pytestmark = pytest.mark.django_db

Order = get_model("order", "Order")


def promotion(partner=None, title="Diskon Akhir Tahun", kind="percentage", value=10, minimum=0, code="", products=None, **campaign):
    now = timezone.now()
    promo = Promotion(partner=partner, title=title, kind=kind, value=Decimal(value), minimum=Decimal(minimum),
                      starts=now - timedelta(hours=1), ends=now + timedelta(days=7), all_products=products is None,
                      slug=campaign.pop("slug", ""), banner=campaign.pop("banner", ""))
    save_promotion(promo, products=products, code=code)
    if campaign:
        promo.makers.set(campaign.get("makers", []))
        promo.kecamatan.set(campaign.get("kecamatan", []))
        save_promotion(promo, code=code)
    return promo


def pay_with_test_payment(client, django_capture_on_commit_callbacks):
    response = client.post("/checkout/", delivery("uji"))
    assert response.status_code == 302, response.context and response.context["form"].errors
    attempt = PaymentAttempt.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/checkout/bayar/{attempt.order_number}/uji/", {"result": "ok"})
    return attempt, Order.objects.get()


def ledger(partner):
    return {kind: sum(e.amount for e in LedgerEntry.objects.filter(partner=partner, kind=kind))
            for kind in LedgerEntry.objects.filter(partner=partner).values_list("kind", flat=True).distinct()}


def test_a_makers_promotion_discounts_only_their_products_and_reduces_only_their_payout(
        client, shop, test_payments, django_capture_on_commit_callbacks):
    promotion(shop["kemang"], value=10)
    fill_basket(client, (shop["shoe"], 1), (shop["snack"], 2))
    basket_page = client.get("/basket/").content.decode()
    assert "Diskon Akhir Tahun" in basket_page
    attempt, order = pay_with_test_payment(client, django_capture_on_commit_callbacks)
    # 10% off the shoe (Rp 250.000) only; the snack's maker runs no promotion.
    assert attempt.amount == order.total_incl_tax == Decimal("225000") + Decimal("60000") + Decimal("30000")
    shoe_line = order.lines.get(partner=shop["kemang"])
    snack_line = order.lines.get(partner=shop["cilincing"])
    assert shoe_line.line_price_incl_tax == Decimal("225000") and shoe_line.line_price_before_discounts_incl_tax == Decimal("250000")
    assert snack_line.line_price_incl_tax == snack_line.line_price_before_discounts_incl_tax == Decimal("60000")
    assert order.discounts.get().amount == Decimal("25000")
    # Kemang: the sale, its own discount, shipping, 5% commission on what it earned (Rp 225.000).
    assert ledger(shop["kemang"]) == {"sale": Decimal("250000"), "discount": Decimal("-25000"), "shipping": Decimal("10000"),
                                      "commission": Decimal("-11250")}
    # Cilincing is paid exactly as without the promotion.
    assert ledger(shop["cilincing"]) == {"sale": Decimal("60000"), "shipping": Decimal("20000"), "commission": Decimal("-3000")}


def test_a_rupiah_promotion_with_a_minimum_counts_only_the_makers_own_products(client, shop, test_payments):
    promotion(shop["cilincing"], title="Hemat Kerupuk", kind="amount", value=15000, minimum=90000)
    # Rp 250.000 of shoes + Rp 60.000 of kerupuk: the basket is big, but not Rp 90.000 *from Cilincing*.
    fill_basket(client, (shop["shoe"], 1), (shop["snack"], 2))
    assert client.get("/basket/").context["basket"].total_incl_tax == Decimal("310000")
    fill_basket(client, (shop["snack"], 1))
    page = client.get("/basket/")
    assert "Hemat Kerupuk" in page.content.decode()
    assert page.context["basket"].total_incl_tax == Decimal("250000") + Decimal("90000") - Decimal("15000")


def test_a_voucher_code_is_needed_for_a_voucher_promotion(client, shop, test_payments, django_capture_on_commit_callbacks):
    promotion(shop["kemang"], title="Kode Sepatu", kind="amount", value=20000, code="SEPATU20")
    fill_basket(client, (shop["shoe"], 1))
    assert client.get("/basket/").context["basket"].total_incl_tax == Decimal("250000")
    client.post("/basket/vouchers/add/", {"code": "sepatu20"})
    assert client.get("/basket/").context["basket"].total_incl_tax == Decimal("230000")
    attempt, order = pay_with_test_payment(client, django_capture_on_commit_callbacks)
    assert attempt.amount == order.total_incl_tax == Decimal("230000") + Decimal("10000")
    assert order.discounts.get().voucher_code == "SEPATU20"
    assert ledger(shop["kemang"])["discount"] == Decimal("-20000")


def test_a_staff_campaign_discounts_across_makers_and_the_programme_carries_it(
        client, shop, test_payments, django_capture_on_commit_callbacks):
    staff_pick = ProductFactory(title="Batik Tulis", stock__price=Decimal("100000"))  # a maker not in the campaign
    promotion(None, title="Hari UMKM", value=20, slug="hari-umkm", banner="Hari UMKM: diskon 20%",
              makers=[shop["kemang"]], kecamatan=[kecamatan("cilincing")])
    fill_basket(client, (shop["shoe"], 1), (shop["snack"], 2), (staff_pick, 1))
    attempt, order = pay_with_test_payment(client, django_capture_on_commit_callbacks)
    # 20% off the shoe (Kemang, chosen) and the kerupuk (a Cilincing maker); not the batik.
    goods = Decimal("200000") + Decimal("48000") + Decimal("100000")
    assert order.total_incl_tax == attempt.amount
    assert order.total_incl_tax - order.shipping_incl_tax == goods
    # Each maker's payout is as if sold at full price: the programme gives the discount back.
    assert ledger(shop["kemang"]) == {"sale": Decimal("250000"), "discount": Decimal("-50000"), "campaign": Decimal("50000"),
                                      "shipping": Decimal("10000"), "commission": Decimal("-12500")}
    assert ledger(shop["cilincing"]) == {"sale": Decimal("60000"), "discount": Decimal("-12000"), "campaign": Decimal("12000"),
                                         "shipping": Decimal("20000"), "commission": Decimal("-3000")}
    campaign_rows = LedgerEntry.objects.filter(kind="campaign")
    assert sum(e.amount for e in campaign_rows) == Decimal("62000") and {e.note for e in campaign_rows} == {"Hari UMKM"}
    # The campaign page lists it; the banner shows in the shop.
    response = client.get("/promo/hari-umkm/")
    assert "Hari UMKM" in response.content.decode()
    assert {p.title for p in response.context["products"]} == {"Sepatu Kulit", "Kerupuk Udang"}
    assert "Hari UMKM: diskon 20%" in client.get("/").content.decode()


def test_a_promotion_that_ends_while_the_shopper_pays_changes_nothing_of_the_order(
        client, shop, stripe_settings, monkeypatch, django_capture_on_commit_callbacks):
    """On stripe-mock: the PaymentIntent asks for the discounted total; the order is what was paid."""
    sent = []
    service = type(stripe.StripeClient("sk_test_123").v1.payment_intents)
    create = service.create

    def spy(self, params=None, options=None):  # passes through to stripe-mock, remembers what was asked
        sent.append(params["amount"])
        return create(self, params, options)

    monkeypatch.setattr(service, "create", spy)
    promo = promotion(shop["kemang"], value=10)
    fill_basket(client, (shop["shoe"], 1))
    response = client.post("/checkout/", delivery("stripe"))
    assert response.status_code == 302, response.context and response.context["form"].errors
    attempt = PaymentAttempt.objects.get()
    assert attempt.amount == Decimal("225000") + Decimal("10000")
    assert sent == [int(attempt.amount * 100)]  # rupiah in hundredths
    # The maker ends the promotion (and raises the price) before the payment arrives.
    end_promotion(promo)
    shop["shoe"].stockrecords.update(price=Decimal("300000"))
    with django_capture_on_commit_callbacks(execute=True):
        assert webhook(client, "payment_intent.succeeded", attempt, "evt_promo").status_code == 200
    order = Order.objects.get()
    assert order.status == "Paid" and order.total_incl_tax == attempt.amount
    line = order.lines.get()
    assert line.line_price_incl_tax == Decimal("225000") and line.line_price_before_discounts_incl_tax == Decimal("250000")
    assert order.discounts.get().amount == Decimal("25000")
    assert order.sources.get().amount_debited == attempt.amount
    # Kemang has a Stripe account: the transfer is what it earned, its own discount taken off.
    assert LedgerEntry.objects.get(kind="transfer").amount == -(Decimal("225000") + Decimal("10000") - Decimal("11250"))


def test_the_full_price_paid_for_a_discounted_order_goes_to_staff_review(client, shop, stripe_settings):
    promotion(shop["kemang"], value=10)
    fill_basket(client, (shop["shoe"], 1))
    client.post("/checkout/", delivery("stripe"))
    attempt = PaymentAttempt.objects.get()
    full = int((Decimal("260000")) * 100)
    webhook(client, "payment_intent.succeeded", attempt, "evt_full", amount=full, amount_received=full)
    attempt.refresh_from_db()
    assert attempt.status == PaymentAttempt.Status.REVIEW and not Order.objects.exists()


def test_a_makers_range_holds_only_their_products_even_when_others_are_posted(shop):
    other = ProductFactory(title="Produk Lain", stock__partner=shop["cilincing"])
    promo = promotion(shop["kemang"], products=[shop["shoe"], other, shop["snack"]])
    assert set(promo.offer.condition.range.all_products()) == {shop["shoe"]}
    # A product the maker lists later joins an "all my products" promotion; another maker's does not.
    everything = promotion(shop["kemang"], title="Semua produk")
    later = ProductFactory(title="Sandal Baru", stock__partner=shop["kemang"])
    ProductFactory(title="Keripik Baru", stock__partner=shop["cilincing"])
    assert set(everything.offer.condition.range.all_products()) == {shop["shoe"], later}


# --- the seller centre and the back office -------------------------------------------------------
@pytest.fixture
def maker(shop):
    user = make_user("penjual@kemang.test")
    shop["kemang"].users.add(user)
    return user


def test_a_maker_creates_a_promotion_only_on_their_products(client, shop, maker):
    client.force_login(maker)
    other_product = shop["snack"]  # Cilincing's
    response = client.post("/penjual/promosi/baru/", {
        "title": "Diskon Sepatu", "kind": "percentage", "value": "15", "minimum": "", "code": "",
        "starts": timezone.localdate().isoformat(), "ends": (timezone.localdate() + timedelta(days=7)).isoformat(),
        "scope": "some", "products": [shop["shoe"].pk, other_product.pk]})
    # Another maker's product is not a choice: the form says so and nothing is created.
    assert response.status_code == 200 and "Pilih di antara produk Anda sendiri" in response.content.decode()
    assert not Promotion.objects.exists()
    response = client.post("/penjual/promosi/baru/", {
        "title": "Diskon Sepatu", "kind": "percentage", "value": "15", "minimum": "Rp 100.000", "code": "sepatu15",
        "starts": timezone.localdate().isoformat(), "ends": (timezone.localdate() + timedelta(days=7)).isoformat(),
        "scope": "some", "products": [shop["shoe"].pk], "partner": shop["cilincing"].pk})
    assert response.status_code == 302
    promo = Promotion.objects.get()
    assert promo.partner == shop["kemang"] and promo.minimum == Decimal("100000") and promo.code == "SEPATU15"
    assert list(promo.offer.condition.range.all_products()) == [shop["shoe"]]
    assert "Diskon Sepatu" in client.get("/penjual/promosi/").content.decode()
    client.post(f"/penjual/promosi/{promo.pk}/akhiri/")
    promo.refresh_from_db()
    assert promo.ends <= timezone.now() and not promo.is_live


@pytest.mark.parametrize("value, message", [("95", "1 sampai 90"), ("abc", "bilangan bulat"), ("9" * 15, "bilangan bulat"), ("9" * 40, "paling banyak 20"),
                                            ("10\u202e", "bilangan bulat")])
def test_bad_promotion_input_is_a_clear_message(client, shop, maker, value, message):
    client.force_login(maker)
    response = client.post("/penjual/promosi/baru/", {"title": "X", "kind": "percentage", "value": value, "starts": "2026-13-40",
                                                      "ends": "", "scope": "all"})
    page = response.content.decode()
    assert response.status_code == 200 and message in page and "Pilih tanggal" in page
    assert not Promotion.objects.exists()


def test_staff_create_a_campaign_and_its_cost_is_listed(client, shop, test_payments, django_capture_on_commit_callbacks):
    staff = make_user("staf@okoce.test", is_staff=True)
    client.force_login(staff)
    today = timezone.localdate()
    response = client.post("/staf/kampanye/baru/", {
        "title": "Hari UMKM", "kind": "percentage", "value": "10", "starts": today.isoformat(),
        "ends": (today + timedelta(days=6)).isoformat(), "slug": "hari-umkm", "banner": "Hari UMKM: diskon 10%",
        "makers": [shop["kemang"].pk], "kecamatan": [kecamatan("cilincing").pk]})
    assert response.status_code == 302, response.context["form"].errors
    campaign = Promotion.objects.get()
    assert campaign.partner is None and set(campaign.offer.condition.range.all_products()) == {shop["shoe"], shop["snack"]}
    client.logout()
    fill_basket(client, (shop["snack"], 1))
    pay_with_test_payment(client, django_capture_on_commit_callbacks)
    client.force_login(staff)
    page = client.get("/staf/kampanye/").content.decode()
    assert "Hari UMKM" in page and "Rp\xa03.000" in page  # 10% of Rp 30.000, paid by the programme


def test_statements_show_who_paid_for_the_discounts(client, shop, maker, test_payments, django_capture_on_commit_callbacks):
    promotion(shop["kemang"], title="Diskon Kemang", value=10)
    promotion(None, title="Hari UMKM", value=20, slug="hari-umkm", makers=[shop["cilincing"]])
    fill_basket(client, (shop["shoe"], 1), (shop["snack"], 1))
    pay_with_test_payment(client, django_capture_on_commit_callbacks)
    client.force_login(maker)
    month = timezone.localdate().strftime("%Y-%m")
    page = client.get(f"/penjual/saldo/{month}/").content.decode()
    assert "Diskon Kemang" in page and "Diskon untuk pembeli" in page
    staff = make_user("staf@okoce.test", is_staff=True)
    client.force_login(staff)
    page = client.get(f"/staf/saldo/{shop['cilincing'].pk}/{month}/").content.decode()
    assert "Hari UMKM" in page and "Diskon dibayar program" in page


# --- inline price and stock, low stock, WhatsApp ------------------------------------------------------
def test_inline_edit_saves_good_rows_keeps_bad_ones_and_refuses_another_makers(client, shop, maker, mailoutbox,
                                                                              django_capture_on_commit_callbacks):
    from tests.factories import parent_with_variants

    shoes = parent_with_variants(shop["kemang"], sizes=("39", "40"))
    r39, r40 = (c.stockrecords.get() for c in shoes.children.order_by("pk"))
    client.force_login(maker)
    page = client.get("/penjual/produk/").content.decode()
    assert f'name="price-{r39.pk}"' in page and f'name="stock-{r40.pk}"' in page
    response = client.post("/penjual/produk/stok/", {f"price-{r39.pk}": "Rp 300.000", f"stock-{r39.pk}": "8", f"alert-{r39.pk}": "2",
                                                     f"price-{r40.pk}": "murah", f"stock-{r40.pk}": "-1", f"alert-{r40.pk}": "3"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "murah" in page and "Tulis harga dalam rupiah" in page  # the bad row comes back as typed, with the reason
    r39.refresh_from_db()
    r40.refresh_from_db()
    assert (r39.price, r39.num_in_stock, r39.low_stock_threshold) == (Decimal("300000"), 8, 2)
    assert r40.price == Decimal("295000") and r40.num_in_stock == 5
    # Another maker's stock record: a 404 and nothing changes, even mixed with one's own.
    snack = shop["snack"].stockrecords.get()
    assert client.post("/penjual/produk/stok/", {f"stock-{snack.pk}": "0", f"stock-{r39.pk}": "1"}).status_code == 404
    snack.refresh_from_db()
    r39.refresh_from_db()
    assert snack.num_in_stock == 10 and r39.num_in_stock == 8
    # Dropping below the alert threshold emails the business once, and the overview lists it.
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/penjual/produk/stok/", {f"stock-{r40.pk}": "2"})
        client.post("/penjual/produk/stok/", {f"stock-{r40.pk}": "1"})
    low = [m for m in mailoutbox if "Stok menipis" in m.subject]
    assert len(low) == 1 and low[0].to == ["penjual@kemang.test"] and "hampir habis: tinggal" in low[0].body
    assert "Stok menipis" in client.get("/penjual/").content.decode()
    # Back above, then below again: a new email.
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/penjual/produk/stok/", {f"stock-{r40.pk}": "9"})
        client.post("/penjual/produk/stok/", {f"stock-{r40.pk}": "0"})
    assert len([m for m in mailoutbox if "Stok menipis" in m.subject]) == 2


def test_stock_held_for_a_payment_cannot_be_edited_away(client, shop, maker):
    record = shop["shoe"].stockrecords.get()
    type(record).objects.filter(pk=record.pk).update(num_allocated=2)
    client.force_login(maker)
    response = client.post("/penjual/produk/stok/", {f"stock-{record.pk}": "1"})
    assert response.status_code == 200 and "2 unit" in response.content.decode()
    record.refresh_from_db()
    assert record.num_in_stock == 3 and record.num_allocated == 2


def test_the_seller_chats_with_the_buyer_on_whatsapp_from_the_order(client, shop, maker, test_payments, django_capture_on_commit_callbacks):
    fill_basket(client, (shop["shoe"], 1))
    _attempt, order = pay_with_test_payment(client, django_capture_on_commit_callbacks)
    client.force_login(maker)
    page = client.get(f"/penjual/pesanan/{order.number}/").content.decode()
    assert "https://wa.me/6281234567001?text=Halo%20Dewi%20Lestari" in page and order.number in page


# --- charts and the impact page ------------------------------------------------------------------
def test_the_seller_overview_charts_sales_by_month_as_svg(client, shop, maker, test_payments, django_capture_on_commit_callbacks):
    fill_basket(client, (shop["shoe"], 2))
    pay_with_test_payment(client, django_capture_on_commit_callbacks)
    client.force_login(maker)
    page = client.get("/penjual/").content.decode()
    assert page.count("<svg viewBox=") >= 3 and "<script src" not in page.split("<svg", 1)[1].split("</section>", 1)[0]
    assert "500 rb" in page  # this month's sales bar, Rp 500.000
    assert "Sepatu Kulit" in page.split("Produk terlaris", 1)[1]


def test_impact_page_and_csv_per_kecamatan_and_month(client, shop, test_payments, django_capture_on_commit_callbacks):
    fill_basket(client, (shop["shoe"], 1), (shop["snack"], 1))
    _attempt, order = pay_with_test_payment(client, django_capture_on_commit_callbacks)
    # Staff settle Cilincing's balance by bank transfer; Kemang's is still owed.
    from payments.settlements import settle
    staff = make_user("staf@okoce.test", is_staff=True)
    month = timezone.localdate().strftime("%Y-%m")
    settle(shop["cilincing"], month, "BCA-77", staff)
    client.force_login(staff)
    page = client.get("/staf/dampak/").content.decode()
    assert "<svg viewBox=" in page and "Cilincing" in page
    rows = client.get("/staf/dampak/csv/").content.decode().splitlines()
    assert rows[0].startswith("Kecamatan,Kota,")
    cilincing = next(r for r in rows if r.startswith("Cilincing,"))
    # Cilincing: 1 active member, 1 paid order, Rp 30.000 + 20.000 shipping − 1.500 commission paid out.
    assert cilincing.endswith(",1,1,48500")
    mampang = next(r for r in rows if r.startswith("Mampang Prapatan,"))
    assert mampang.endswith(",1,1,0")
    assert len(rows) == 1 + 44
    months = client.get("/staf/dampak/csv/?per=bulan").content.decode().splitlines()
    assert months[0] == "Bulan,Anggota baru,Pesanan dibayar,Dibayarkan ke anggota (Rp)" and len(months) == 13
    assert months[-1] == f"{month},2,1,48500"


def test_refunding_a_campaign_line_gives_the_programme_its_discount_back(client, shop, test_payments, django_capture_on_commit_callbacks):
    from payments.refunds import refund

    promotion(None, title="Hari UMKM", value=20, slug="hari-umkm", makers=[shop["cilincing"]])
    promotion(shop["kemang"], title="Diskon Kemang", value=10)
    fill_basket(client, (shop["shoe"], 1), (shop["snack"], 2))
    _attempt, order = pay_with_test_payment(client, django_capture_on_commit_callbacks)
    staff = make_user("staf@okoce.test", is_staff=True)
    lines = {line.partner_id: line for line in order.lines.all()}
    # The shopper gets back what they paid: Rp 225.000 for the shoe, Rp 24.000 for one kerupuk of two.
    assert refund(order, {lines[shop["kemang"].pk]: 1, lines[shop["cilincing"].pk]: 1}, staff) == Decimal("225000") + Decimal("24000")
    # Kemang keeps only its parcel fee; Cilincing keeps one kerupuk at full price, less commission, and its fee.
    assert LedgerEntry.balance(shop["kemang"]) == Decimal("10000")
    assert LedgerEntry.balance(shop["cilincing"]) == Decimal("30000") - Decimal("1500") + Decimal("20000")
    # The programme paid Rp 12.000 for two kerupuk and got Rp 6.000 back.
    assert sum(e.amount for e in LedgerEntry.objects.filter(kind="campaign")) == Decimal("6000")
    # ... and the staff's campaign list shows what the campaign cost after the refund.
    client.force_login(staff)
    page = client.get("/staf/kampanye/").content.decode()
    assert "Hari UMKM" in page and "Rp\xa06.000" in page and "Rp\xa012.000" not in page
