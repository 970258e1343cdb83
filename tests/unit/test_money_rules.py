"""The money rules, without a browser or HTTP: commission, ledger entries per business, refunds with and
without shipping, settlement, shipping zones, IDR minor units for Stripe, Midtrans signatures, and the
checkout record. Orders are placed the way the webhook places them (start_payment + confirm_payment)."""

import hashlib
import json
from decimal import Decimal

import pytest
from django.test import RequestFactory
from oscar.core.loading import get_class, get_model

from checkout.placement import start_payment
from checkout.record import Address, CheckoutRecord
from payments.gateways import MalformedWebhook, WebhookEvent, WebhookRejected
from payments.gateways.midtrans import MidtransGateway, signature
from payments.gateways.stripe import from_stripe_amount, to_stripe_amount
from payments.models import LedgerEntry
from payments.refunds import RefundError, refund
from payments.services import commission_on, confirm_payment, record_sales
from shipping.methods import MartPickup, ZoneShipping, zone
from tests.factories import PartnerFactory, ProductFactory, kecamatan, make_user

Basket = get_model("basket", "Basket")
StockRecord = get_model("partner", "StockRecord")
Selector = get_class("partner.strategy", "Selector")


# --- pure arithmetic ---------------------------------------------------------------------
@pytest.mark.parametrize("sale, commission", [("250000", "12500"), ("60000", "3000"), ("30", "2"), ("10", "1"), ("9", "0"), ("0", "0")])
def test_commission_is_five_percent_rounded_half_up_to_whole_rupiah(sale, commission):
    assert commission_on(Decimal(sale)) == Decimal(commission)


def test_commission_follows_the_setting(settings):
    settings.PROGRAMME_COMMISSION = "0.10"
    assert commission_on(Decimal("250000")) == Decimal("25000")


@pytest.mark.parametrize("rupiah, minor", [("150000", 15000000), ("10000", 1000000), ("1", 100), ("999999999.00", 99999999900)])
def test_idr_is_two_decimal_at_stripe(rupiah, minor):
    assert to_stripe_amount(Decimal(rupiah), "IDR") == minor and to_stripe_amount(Decimal(rupiah), "idr") == minor
    assert from_stripe_amount(minor, "idr") == Decimal(rupiah)


def test_stripe_zero_decimal_currencies_and_no_fractional_rupiah():
    assert to_stripe_amount(Decimal("1000"), "JPY") == 1000 and from_stripe_amount(1000, "jpy") == Decimal("1000")
    with pytest.raises(ValueError):
        to_stripe_amount(Decimal("1000.50"), "IDR")


def test_midtrans_signature_is_sha512_of_order_status_amount_and_key():
    expected = hashlib.sha512(b"OKOCE-1-1200340000.00SB-Mid-server-x").hexdigest()
    assert signature("OKOCE-1-1", "200", "340000.00", "SB-Mid-server-x") == expected and len(expected) == 128


def midtrans_notification(body):
    return RequestFactory().post("/midtrans/webhook/", json.dumps(body), content_type="application/json")


def test_midtrans_notifications_are_verified(settings):
    settings.MIDTRANS_SERVER_KEY = "SB-Mid-server-x"
    gateway = MidtransGateway()
    body = {"order_id": "100001-7", "status_code": "200", "gross_amount": "340000.00", "transaction_status": "settlement",
            "transaction_id": "t-1", "currency": "IDR", "fraud_status": "accept"}
    body["signature_key"] = signature("100001-7", "200", "340000.00", "SB-Mid-server-x")
    event = gateway.handle_webhook(midtrans_notification(body))
    assert event == WebhookEvent(event_id="midtrans:t-1:settlement:200", type="midtrans.settlement", outcome=WebhookEvent.SUCCEEDED,
                                 reference="100001-7", amount=Decimal("340000.00"), currency="IDR", charge="t-1")
    with pytest.raises(WebhookRejected):  # the amount changed after signing
        gateway.handle_webhook(midtrans_notification({**body, "gross_amount": "1.00"}))
    with pytest.raises(WebhookRejected):
        gateway.handle_webhook(midtrans_notification({**body, "signature_key": "0" * 128}))
    with pytest.raises(MalformedWebhook):  # signed, but no status
        gateway.handle_webhook(midtrans_notification({k: v for k, v in body.items() if k != "transaction_status"}))
    challenged = {**body, "transaction_status": "capture", "fraud_status": "challenge"}
    assert gateway.handle_webhook(midtrans_notification(challenged)).outcome == WebhookEvent.IGNORED
    settings.MIDTRANS_SERVER_KEY = ""
    with pytest.raises(WebhookRejected):  # no key configured: nothing is trusted
        gateway.handle_webhook(midtrans_notification(body))


def test_the_checkout_record_reads_and_writes_the_stored_json():
    stored = {"email": "dewi@pembeli.test", "pickup": False, "mart": None, "kecamatan": 7,
              "address": {"name": "Dewi", "phone": "+6281234567001", "line1": "Jl. Kemang Raya 12", "rt_rw": "003/005",
                          "kelurahan": "Bangka", "kecamatan_name": "", "kota": "Jakarta Selatan", "provinsi": "DKI Jakarta",
                          "postcode": "12730", "notes": ""},
              "frozen": {"lines": [{"line": 1, "product": 2, "stockrecord": 3, "quantity": 2, "excl": "30000.00", "incl": "30000.00",
                                    "title": "Kerupuk Udang"}], "currency": "IDR", "shipping": ["20000", "20000"], "total": ["80000.00", "80000.00"]},
              "shipping_shares": {"5": ["jakarta", "20000"]}, "late": True, "charge": "ch_1"}
    record = CheckoutRecord.from_json(stored)
    assert record.frozen.lines[0].incl == Decimal("30000.00") and record.shipping_shares == {5: ("jakarta", Decimal("20000"))}
    assert record.address == Address.from_json(stored["address"]) and record.to_json() == stored


# --- with the database: zones, orders, ledger, refunds, settlement ---------------------------
@pytest.fixture
def shop(db):
    kemang = PartnerFactory(name="Sepatu Mampang", kecamatan=kecamatan("mampang-prapatan"))
    cilincing = PartnerFactory(name="Kerupuk Cilincing", kecamatan=kecamatan("cilincing"))
    shoe = ProductFactory(title="Sepatu Kulit", stock__partner=kemang, stock__price=Decimal("250000"), stock__num_in_stock=3)
    snack = ProductFactory(title="Kerupuk Udang", stock__partner=cilincing, stock__price=Decimal("30000"), stock__num_in_stock=10)
    return {"kemang": kemang, "cilincing": cilincing, "shoe": shoe, "snack": snack}


def basket_of(*items):
    basket = Basket.objects.create()
    basket.strategy = Selector().strategy()
    for product, quantity in items:
        basket.add_product(product, quantity)
    return basket


def paid_order(*items, destination="mampang-prapatan"):
    """Paid the way a webhook pays: the test gateway, no HTTP."""
    record = CheckoutRecord(email="dewi@pembeli.test", kecamatan=kecamatan(destination).pk if destination else None,
                            address=Address(name="Dewi", phone="+6281234567001", line1="Jl. Kemang Raya 12", kota="Jakarta Selatan",
                                            provinsi="DKI Jakarta", postcode="12730"))
    attempt = start_payment(basket_of(*items), record, "uji")
    return confirm_payment(attempt.pk, amount=attempt.amount, currency=attempt.currency, notify=False)


def entries(order, partner):
    return sorted((e.kind, e.amount) for e in LedgerEntry.objects.filter(order=order, partner=partner))


@pytest.mark.django_db
def test_zones_same_kecamatan_same_kota_jakarta_outside(settings):
    mampang, tebet, cilincing = kecamatan("mampang-prapatan"), kecamatan("tebet"), kecamatan("cilincing")
    assert zone(mampang, mampang) == "same_kecamatan"
    assert zone(mampang, tebet) == "same_kota"  # both Jakarta Selatan
    assert zone(mampang, cilincing) == "jakarta"
    assert zone(mampang, None) == "outside" and zone(None, mampang) == "outside"


@pytest.mark.django_db
def test_shipping_is_one_parcel_per_business_by_zone_and_pickup_is_free(shop):
    basket = basket_of((shop["shoe"], 1), (shop["snack"], 2))
    shares = ZoneShipping(kecamatan("mampang-prapatan")).shares(basket)
    assert shares == {shop["kemang"].pk: ("same_kecamatan", Decimal("10000")), shop["cilincing"].pk: ("jakarta", Decimal("20000"))}
    assert ZoneShipping(kecamatan("mampang-prapatan")).calculate(basket).incl_tax == Decimal("30000")
    assert ZoneShipping(None).calculate(basket).incl_tax == Decimal("70000")  # two parcels outside Jakarta
    assert MartPickup().calculate(basket).incl_tax == 0
    assert set(MartPickup().shares(basket).values()) == {("pickup", Decimal("0"))}


@pytest.mark.django_db
def test_ledger_entries_per_business_sale_shipping_commission(shop):
    order = paid_order((shop["shoe"], 1), (shop["snack"], 2))
    assert order.total_incl_tax == Decimal("340000") and order.status == "Paid"
    K = LedgerEntry.Kind
    assert entries(order, shop["kemang"]) == sorted([(K.SALE, Decimal("250000")), (K.SHIPPING, Decimal("10000")),
                                                     (K.COMMISSION, Decimal("-12500"))])
    assert entries(order, shop["cilincing"]) == sorted([(K.SALE, Decimal("60000")), (K.SHIPPING, Decimal("20000")),
                                                        (K.COMMISSION, Decimal("-3000"))])
    # The programme keeps the commission; the businesses get the rest of what the shopper paid.
    owed = LedgerEntry.balance(shop["kemang"]) + LedgerEntry.balance(shop["cilincing"])
    assert order.total_incl_tax - owed == Decimal("15500")


@pytest.mark.django_db
def test_record_sales_without_a_shipping_fee_writes_no_shipping_entry(shop):
    order = paid_order((shop["snack"], 1))
    LedgerEntry.objects.filter(order=order).delete()
    record_sales(order, {})
    assert [e.kind for e in LedgerEntry.objects.filter(order=order)] == [LedgerEntry.Kind.SALE, LedgerEntry.Kind.COMMISSION]


@pytest.mark.django_db
def test_refund_without_shipping_gives_back_the_sale_less_commission(shop):
    order = paid_order((shop["shoe"], 1), (shop["snack"], 2))
    staff = make_user("staf@okoce.test", is_staff=True)
    snack = order.lines.get(partner=shop["cilincing"])
    assert refund(order, {snack: 1}, staff) == Decimal("30000")
    assert LedgerEntry.objects.get(order=order, kind=LedgerEntry.Kind.REFUND).amount == -(Decimal("30000") - Decimal("1500"))
    assert LedgerEntry.balance(shop["cilincing"]) == Decimal("77000") - Decimal("28500")
    order.refresh_from_db()
    assert order.status == "Partly refunded"
    assert StockRecord.objects.get(product=shop["snack"]).num_allocated == 1  # the unsent unit is on sale again
    with pytest.raises(RefundError):
        refund(order, {snack: 2}, staff)  # only one left to refund


@pytest.mark.django_db
def test_refund_of_everything_with_shipping_leaves_nothing_owed(shop):
    order = paid_order((shop["shoe"], 1), (shop["snack"], 2))
    staff = make_user("staf@okoce.test", is_staff=True)
    lines = {line: line.quantity for line in order.lines.all()}
    assert refund(order, lines, staff, include_shipping=True) == Decimal("340000")
    assert LedgerEntry.balance(shop["kemang"]) == 0 and LedgerEntry.balance(shop["cilincing"]) == 0
    order.refresh_from_db()
    assert order.status == "Refunded"
    assert [(c.old_status, c.new_status) for c in order.status_changes.all()] == [("Paid", "Refunded")]
    with pytest.raises(RefundError):
        refund(order, lines, staff)  # a refunded order is not refunded twice


@pytest.mark.django_db
def test_settlement_pays_out_the_balance_and_keeps_the_opening_balance(shop):
    from django.utils import timezone

    order = paid_order((shop["snack"], 2))
    owed = LedgerEntry.balance(shop["cilincing"])
    assert owed == Decimal("60000") + Decimal("20000") - Decimal("3000")
    before = timezone.now()
    LedgerEntry.objects.create(partner=shop["cilincing"], kind=LedgerEntry.Kind.PAYOUT, amount=-owed, reference="BCA-0001",
                               note="settlement 2026-11")
    assert LedgerEntry.balance(shop["cilincing"]) == 0
    assert LedgerEntry.balance(shop["cilincing"], until=before) == owed  # the statement's opening balance
    assert LedgerEntry.balance(shop["kemang"]) == 0 and order.lines.count() == 1
