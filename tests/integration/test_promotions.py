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
